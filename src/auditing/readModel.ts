// Queries over the projected auditing tables (the only SQL reading them): auditors, cases, panels, jurors and
// payments, keyset-paginated where they are lists.
import type { Store } from "../core/store/store.ts";

export interface AuditorRow {
  account: string;
  did_hash: string;
  affiliation: string;
  capacity: number;
  first_epoch: number;
  last_epoch: number;
  vetters: number;
}

export interface CaseRow {
  case_id: string;
  task_id: string;
  requester: string;
  requester_stake: string;
  status: string;
  round: number;
  attempt: number;
  beacon_key: string;
  first_verdict: string | null;
  final_verdict: string | null;
  objector: string | null;
  objection_stake: string | null;
  filed_at: number;
}

export interface JurorRow {
  case_id: string;
  round: number;
  attempt: number;
  juror: string;
  deposit: string;
  ticket: string;
  committed: number;
  vote: number;
  slashed: string;
}

export interface PanelRow {
  round: number;
  attempt: number;
  commit_end: number;
  reveal_end: number;
  epoch: number;
  slot: number;
  seed: string;
  threshold: string;
}

export interface PaymentRow {
  recipient: string;
  amount: string;
  reason: string;
}

const AUDITOR = `SELECT a.account, a.did_hash, a.affiliation, a.capacity, a.first_epoch, a.last_epoch,
  (SELECT COUNT(*) FROM auditing_vettings v WHERE v.account = a.account) AS vetters FROM auditing_auditors a`;
const CASE = `SELECT case_id, task_id, requester, requester_stake, status, round, attempt, beacon_key, first_verdict,
  final_verdict, objector, objection_stake, filed_at FROM auditing_cases`;

export class AuditingReadModel {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  auditor(account: string): Promise<AuditorRow | undefined> {
    return this.#store.one<AuditorRow>(`${AUDITOR} WHERE a.account = $1`, [account.toLowerCase()]);
  }

  /** Auditors in account order; limit + 1 rows for keyset paging. */
  auditors(limit: number, after = ""): Promise<AuditorRow[]> {
    return this.#store.query<AuditorRow>(`${AUDITOR} WHERE a.account > $1 ORDER BY a.account LIMIT $2`, [
      after,
      limit + 1,
    ]);
  }

  case(caseId: string): Promise<CaseRow | undefined> {
    return this.#store.one<CaseRow>(`${CASE} WHERE case_id = $1`, [caseId.toLowerCase()]);
  }

  /** Cases in id order; limit + 1 rows for keyset paging. */
  cases(limit: number, after = ""): Promise<CaseRow[]> {
    return this.#store.query<CaseRow>(`${CASE} WHERE case_id > $1 ORDER BY case_id LIMIT $2`, [after, limit + 1]);
  }

  /** Every juror seated on the case (each round and attempt), by round, attempt, account. */
  jurors(caseId: string): Promise<JurorRow[]> {
    return this.#store.query<JurorRow>(
      `SELECT case_id, round, attempt, juror, deposit, ticket, committed, vote, slashed FROM auditing_jurors
       WHERE case_id = $1 ORDER BY round, attempt, juror`,
      [caseId.toLowerCase()],
    );
  }

  panels(caseId: string): Promise<PanelRow[]> {
    return this.#store.query<PanelRow>(
      `SELECT round, attempt, commit_end, reveal_end, epoch, slot, seed, threshold FROM auditing_panels
       WHERE case_id = $1 ORDER BY round, attempt`,
      [caseId.toLowerCase()],
    );
  }

  payments(caseId: string): Promise<PaymentRow[]> {
    return this.#store.query<PaymentRow>(
      `SELECT recipient, amount, reason FROM auditing_payments WHERE case_id = $1 ORDER BY tx_hash, log_position`,
      [caseId.toLowerCase()],
    );
  }

  /** Everything the consistency check compares with the chain. */
  async consistencySource(): Promise<{
    auditors: AuditorRow[];
    cases: CaseRow[];
    jurors: JurorRow[];
    panels: Array<{ case_id: string; round: number; attempt: number }>;
  }> {
    return {
      auditors: await this.#store.query<AuditorRow>(`${AUDITOR} ORDER BY a.account`),
      cases: await this.#store.query<CaseRow>(`${CASE} ORDER BY case_id`),
      jurors: await this.#store.query<JurorRow>(
        `SELECT case_id, round, attempt, juror, deposit, ticket, committed, vote, slashed FROM auditing_jurors
         ORDER BY case_id, round, attempt, juror`,
      ),
      panels: await this.#store.query<{ case_id: string; round: number; attempt: number }>(
        `SELECT case_id, round, attempt FROM auditing_panels ORDER BY case_id, round, attempt`,
      ),
    };
  }
}

// What this agent keeps itself for auditing (SQL, no logic): the auditor accounts it hosts (their keys are in the
// keystore, never here), its jurors' vote salts and its member's beacon secrets. A salt or secret is written before
// its commitment is sent, so a crash after the commitment is mined cannot lose what opens it; it leaves the agent only
// in the reveal transaction. Also which keystore key each hosted auditor registered for evidence, the evidence this
// member shared as a party (plaintext, its own; the chain holds the digest) and the drawn jurors it gave it to.
import type { Store } from "../core/store/store.ts";

export interface HostedAuditor {
  account: string;
  did: string;
  label: string;
  created_at: string;
}

export interface VoteSalt {
  vote: number;
  salt: string;
  revealed: number;
}

export interface EvidenceShareRow {
  case_id: string;
  evidence_hash: string;
  /** The items as JSON (EvidenceItem[]). */
  items: string;
  /** The shareEvidence transaction, once mined. */
  tx_hash: string | null;
  created_at: string;
}

export interface EvidenceAnswerRow {
  case_id: string;
  round: number;
  attempt: number;
  juror: string;
  evidence_hash: string;
  answered_at: string;
}

export interface BallotKey {
  caseId: string;
  round: number;
  attempt: number;
  juror: string;
}

export class AuditingRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async addAuditor(account: string, did: string, label: string): Promise<void> {
    await this.#store.exec(
      `INSERT INTO auditing_hosted_auditors (account, did, label, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account) DO NOTHING`,
      [account.toLowerCase(), did, label, new Date().toISOString()],
    );
  }

  hostedAuditor(account: string): Promise<HostedAuditor | undefined> {
    return this.#store.one<HostedAuditor>(
      `SELECT account, did, label, created_at FROM auditing_hosted_auditors WHERE account = $1`,
      [account.toLowerCase()],
    );
  }

  /** Hosted auditors in account order; limit + 1 rows for keyset paging. */
  hostedAuditors(limit: number, after = ""): Promise<HostedAuditor[]> {
    return this.#store.query<HostedAuditor>(
      `SELECT account, did, label, created_at FROM auditing_hosted_auditors WHERE account > $1 ORDER BY account
       LIMIT $2`,
      [after, limit + 1],
    );
  }

  /** Records a vote before its commitment is sent; false when this ballot has one already (nothing changed). */
  async saveVote(key: BallotKey, vote: number, salt: string): Promise<boolean> {
    const { changes } = await this.#store.exec(
      `INSERT INTO auditing_vote_salts (case_id, round, attempt, juror, vote, salt, revealed)
       VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (case_id, round, attempt, juror) DO NOTHING`,
      [key.caseId.toLowerCase(), key.round, key.attempt, key.juror.toLowerCase(), vote, salt],
    );
    return changes === 1;
  }

  /** Forgets a vote whose commitment the ledger refused (it was never sent). */
  async dropVote(key: BallotKey): Promise<void> {
    await this.#store.exec(
      `DELETE FROM auditing_vote_salts WHERE case_id = $1 AND round = $2 AND attempt = $3 AND juror = $4
       AND revealed = 0`,
      [key.caseId.toLowerCase(), key.round, key.attempt, key.juror.toLowerCase()],
    );
  }

  vote(key: BallotKey): Promise<VoteSalt | undefined> {
    return this.#store.one<VoteSalt>(
      `SELECT vote, salt, revealed FROM auditing_vote_salts WHERE case_id = $1 AND round = $2 AND attempt = $3
       AND juror = $4`,
      [key.caseId.toLowerCase(), key.round, key.attempt, key.juror.toLowerCase()],
    );
  }

  async markVoteRevealed(key: BallotKey): Promise<void> {
    await this.#store.exec(
      `UPDATE auditing_vote_salts SET revealed = 1 WHERE case_id = $1 AND round = $2 AND attempt = $3 AND juror = $4`,
      [key.caseId.toLowerCase(), key.round, key.attempt, key.juror.toLowerCase()],
    );
  }

  /** Records a beacon secret before its commitment is sent; false when one is kept already. */
  async saveBeaconSecret(beaconKey: string, secret: string): Promise<boolean> {
    const { changes } = await this.#store.exec(
      `INSERT INTO auditing_beacon_secrets (beacon_key, secret, revealed) VALUES ($1, $2, 0)
       ON CONFLICT (beacon_key) DO NOTHING`,
      [beaconKey.toLowerCase(), secret],
    );
    return changes === 1;
  }

  async dropBeaconSecret(beaconKey: string): Promise<void> {
    await this.#store.exec(`DELETE FROM auditing_beacon_secrets WHERE beacon_key = $1 AND revealed = 0`, [
      beaconKey.toLowerCase(),
    ]);
  }

  beaconSecret(beaconKey: string): Promise<{ secret: string; revealed: number } | undefined> {
    return this.#store.one(`SELECT secret, revealed FROM auditing_beacon_secrets WHERE beacon_key = $1`, [
      beaconKey.toLowerCase(),
    ]);
  }

  async markBeaconRevealed(beaconKey: string): Promise<void> {
    await this.#store.exec(`UPDATE auditing_beacon_secrets SET revealed = 1 WHERE beacon_key = $1`, [
      beaconKey.toLowerCase(),
    ]);
  }

  /** The keystore kid of a hosted auditor's evidence key, if it registered one. */
  async evidenceKey(account: string): Promise<string | undefined> {
    const row = await this.#store.one<{ kid: string }>(`SELECT kid FROM auditing_evidence_keys WHERE account = $1`, [
      account.toLowerCase(),
    ]);
    return row?.kid;
  }

  async saveEvidenceKey(account: string, kid: string): Promise<void> {
    await this.#store.exec(
      `INSERT INTO auditing_evidence_keys (account, kid) VALUES ($1, $2) ON CONFLICT (account) DO NOTHING`,
      [account.toLowerCase(), kid],
    );
  }

  /** Keeps evidence this member shares on a case (before its digest is anchored); no-op when kept already. */
  async saveShare(caseId: string, evidenceHash: string, items: string): Promise<void> {
    await this.#store.exec(
      `INSERT INTO auditing_evidence_shares (case_id, evidence_hash, items, tx_hash, created_at)
       VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (case_id, evidence_hash) DO NOTHING`,
      [caseId.toLowerCase(), evidenceHash.toLowerCase(), items, new Date().toISOString()],
    );
  }

  /** Forgets a share whose anchoring the ledger refused (never one already anchored). */
  async dropUnanchoredShare(caseId: string, evidenceHash: string): Promise<void> {
    await this.#store.exec(
      `DELETE FROM auditing_evidence_shares WHERE case_id = $1 AND evidence_hash = $2 AND tx_hash IS NULL`,
      [caseId.toLowerCase(), evidenceHash.toLowerCase()],
    );
  }

  async markShareAnchored(caseId: string, evidenceHash: string, txHash: string): Promise<void> {
    await this.#store.exec(
      `UPDATE auditing_evidence_shares SET tx_hash = $3 WHERE case_id = $1 AND evidence_hash = $2`,
      [caseId.toLowerCase(), evidenceHash.toLowerCase(), txHash],
    );
  }

  /** The evidence this member shared on a case, oldest first (at most 64). */
  shares(caseId: string): Promise<EvidenceShareRow[]> {
    return this.#store.query<EvidenceShareRow>(
      `SELECT case_id, evidence_hash, items, tx_hash, created_at FROM auditing_evidence_shares
       WHERE case_id = $1 ORDER BY created_at, evidence_hash LIMIT 64`,
      [caseId.toLowerCase()],
    );
  }

  /** Records that this member gave its evidence `evidenceHash` to a drawn juror (off chain, for its operator). */
  async saveAnswer(row: Omit<EvidenceAnswerRow, "answered_at">): Promise<void> {
    await this.#store.exec(
      `INSERT INTO auditing_evidence_answers (case_id, round, attempt, juror, evidence_hash, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, round, attempt, juror, evidence_hash) DO NOTHING`,
      [
        row.case_id.toLowerCase(),
        row.round,
        row.attempt,
        row.juror.toLowerCase(),
        row.evidence_hash.toLowerCase(),
        new Date().toISOString(),
      ],
    );
  }

  /** The drawn jurors this member gave evidence to on a case, oldest first (at most 1024). */
  answers(caseId: string): Promise<EvidenceAnswerRow[]> {
    return this.#store.query<EvidenceAnswerRow>(
      `SELECT case_id, round, attempt, juror, evidence_hash, answered_at FROM auditing_evidence_answers
       WHERE case_id = $1 ORDER BY answered_at, juror, evidence_hash LIMIT 1024`,
      [caseId.toLowerCase()],
    );
  }
}

// What this agent keeps itself for auditing (SQL, no logic): the auditor accounts it hosts (their keys are in the
// keystore, never here), its jurors' vote salts and its member's beacon secrets. A salt or secret is written before
// its commitment is sent, so a crash after the commitment is mined cannot lose what opens it; it leaves the agent only
// in the reveal transaction. Also which keystore key each hosted auditor registered for evidence, and the evidence
// envelopes this member shared as a party.
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

export interface EvidenceEnvelopeRow {
  envelope_hash: string;
  case_id: string;
  round: number;
  attempt: number;
  /** The jurors it is encrypted to, comma separated. */
  jurors: string;
  envelope: string;
  created_at: string;
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

  async saveEnvelope(row: Omit<EvidenceEnvelopeRow, "created_at">): Promise<void> {
    await this.#store.exec(
      `INSERT INTO auditing_evidence_envelopes (envelope_hash, case_id, round, attempt, jurors, envelope, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (envelope_hash) DO NOTHING`,
      [
        row.envelope_hash,
        row.case_id.toLowerCase(),
        row.round,
        row.attempt,
        row.jurors,
        row.envelope,
        new Date().toISOString(),
      ],
    );
  }

  /** The envelopes this member shared on a case, oldest first (at most a few per jury). */
  envelopes(caseId: string): Promise<EvidenceEnvelopeRow[]> {
    return this.#store.query<EvidenceEnvelopeRow>(
      `SELECT envelope_hash, case_id, round, attempt, jurors, envelope, created_at FROM auditing_evidence_envelopes
       WHERE case_id = $1 ORDER BY created_at, envelope_hash LIMIT 64`,
      [caseId.toLowerCase()],
    );
  }
}

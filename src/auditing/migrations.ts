// Auditing tables (ids 29xx). Projected from OutcomeCourt (the indexer writes them, undone on a rewind): auditors,
// cases, jurors with their ballots, and payments. Kept by this agent (repository.ts): the auditor accounts it hosts
// (keys in its keystore), its jurors' vote salts and its member's beacon secrets, each kept until revealed.
import type { Migration } from "../core/store/store.ts";

export const auditingMigrations: Migration[] = [
  {
    id: "2900_auditing",
    sql: `
      CREATE TABLE auditing_auditors (
        account TEXT PRIMARY KEY,
        did_hash TEXT NOT NULL,
        affiliation TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        first_epoch BIGINT NOT NULL,
        last_epoch BIGINT NOT NULL
      );
      CREATE TABLE auditing_vettings (
        account TEXT NOT NULL,
        vetter TEXT NOT NULL,
        PRIMARY KEY (account, vetter)
      );
      CREATE TABLE auditing_cases (
        case_id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        requester TEXT NOT NULL,
        requester_stake TEXT NOT NULL,
        status TEXT NOT NULL,
        round INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        beacon_key TEXT NOT NULL,
        first_verdict TEXT,
        final_verdict TEXT,
        objector TEXT,
        objection_stake TEXT,
        filed_at BIGINT NOT NULL
      );
      CREATE TABLE auditing_jurors (
        case_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        juror TEXT NOT NULL,
        deposit TEXT NOT NULL,
        committed INTEGER NOT NULL,
        vote INTEGER NOT NULL,
        slashed TEXT NOT NULL,
        PRIMARY KEY (case_id, round, attempt, juror)
      );
      CREATE TABLE auditing_panels (
        case_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        commit_end BIGINT NOT NULL,
        reveal_end BIGINT NOT NULL,
        PRIMARY KEY (case_id, round, attempt)
      );
      CREATE TABLE auditing_payments (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        case_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        amount TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
      CREATE INDEX auditing_payments_case ON auditing_payments (case_id);
      CREATE TABLE auditing_hosted_auditors (
        account TEXT PRIMARY KEY,
        did TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE auditing_vote_salts (
        case_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        juror TEXT NOT NULL,
        vote INTEGER NOT NULL,
        salt TEXT NOT NULL,
        revealed INTEGER NOT NULL,
        PRIMARY KEY (case_id, round, attempt, juror)
      );
      CREATE TABLE auditing_beacon_secrets (
        beacon_key TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        revealed INTEGER NOT NULL
      );
    `,
  },
  {
    // Kept by this agent: which keystore key each hosted auditor registered as its evidence key (the private key stays
    // in the keystore), and the evidence envelopes this member shared as a party (ciphertext only).
    id: "2901_auditing_evidence",
    sql: `
      CREATE TABLE auditing_evidence_keys (
        account TEXT PRIMARY KEY,
        kid TEXT NOT NULL
      );
      CREATE TABLE auditing_evidence_envelopes (
        envelope_hash TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        jurors TEXT NOT NULL,
        envelope TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX auditing_evidence_envelopes_case ON auditing_evidence_envelopes (case_id);
    `,
  },
  {
    // Blind juries (issue 17): each panel's lottery (the tickets' epoch and slot, the beacon seed, the threshold) and
    // each seated juror's ticket.
    id: "2910_auditing_lottery",
    sql: `
      ALTER TABLE auditing_panels ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE auditing_panels ADD COLUMN slot INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE auditing_panels ADD COLUMN seed TEXT NOT NULL DEFAULT '';
      ALTER TABLE auditing_panels ADD COLUMN threshold TEXT NOT NULL DEFAULT '0';
      ALTER TABLE auditing_jurors ADD COLUMN ticket TEXT NOT NULL DEFAULT '0';
    `,
  },
  {
    // Blind juries (issue 17): nobody knows who sits, so a party no longer seals evidence to a jury after the draw.
    // It keeps its evidence here (its own plaintext, never on chain: the chain holds the digest it anchored), seals it
    // to each drawn juror that asks with a valid ticket, and records whom it gave it to, for its operator. The
    // per-jury envelopes of 2901 went with the per-juror anchors they matched.
    id: "2920_auditing_evidence_shares",
    sql: `
      DROP TABLE auditing_evidence_envelopes;
      CREATE TABLE auditing_evidence_shares (
        case_id TEXT NOT NULL,
        evidence_hash TEXT NOT NULL,
        items TEXT NOT NULL,
        tx_hash TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (case_id, evidence_hash)
      );
      CREATE TABLE auditing_evidence_answers (
        case_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        juror TEXT NOT NULL,
        evidence_hash TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (case_id, round, attempt, juror, evidence_hash)
      );
    `,
  },
];

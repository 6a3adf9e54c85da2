// Read model of the EIDL domain (migration ids 03xx): organisations, their vetting history, TN grants with their
// history, and the credentials this agent issued (the JWTs live only with their issuer; the chain holds their hash).
import type { Migration } from "../core/store/store.ts";

const GRANT_ORDER_AND_CALLER_HASH = `
  ALTER TABLE eidl_grants ADD COLUMN created_log INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE eidl_grants ADD COLUMN caller_hash TEXT NOT NULL DEFAULT '';
  ALTER TABLE eidl_grants DROP COLUMN caller_name;
  ALTER TABLE eidl_grants DROP COLUMN purpose;
  CREATE INDEX eidl_grants_order ON eidl_grants (created_block, created_log);
`;

export const eidlMigrations: Migration[] = [
  {
    id: "0300_eidl_read_model",
    sql: `
      CREATE TABLE eidl_orgs (
        org TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        org_type INTEGER NOT NULL,
        member TEXT NOT NULL,
        controller TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_block BIGINT NOT NULL
      );
      CREATE TABLE eidl_vettings (
        event_key TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        vetter TEXT NOT NULL,
        status INTEGER NOT NULL,
        result INTEGER NOT NULL,
        vetted_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        credential_hash TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE INDEX eidl_vettings_org ON eidl_vettings (org, version);
      CREATE TABLE eidl_grants (
        id TEXT PRIMARY KEY,
        parent_id TEXT,
        prefix TEXT NOT NULL,
        kind INTEGER NOT NULL,
        issuer TEXT NOT NULL,
        holder TEXT NOT NULL,
        valid_from BIGINT NOT NULL,
        valid_until BIGINT NOT NULL,
        allow_redelegation INTEGER NOT NULL,
        credential_hash TEXT NOT NULL,
        intended_use TEXT NOT NULL,
        caller_name TEXT NOT NULL,
        purpose TEXT NOT NULL,
        revoked_at BIGINT NOT NULL,
        revoke_reason INTEGER,
        created_block BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE INDEX eidl_grants_prefix ON eidl_grants (prefix);
      CREATE INDEX eidl_grants_holder ON eidl_grants (holder);
      CREATE TABLE eidl_grant_history (
        event_key TEXT PRIMARY KEY,
        grant_id TEXT NOT NULL,
        prefix TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE INDEX eidl_grant_history_prefix ON eidl_grant_history (prefix, block_number);
      CREATE TABLE eidl_issued_credentials (
        credential_id TEXT PRIMARY KEY,
        subject_kind TEXT NOT NULL,
        subject_ref TEXT NOT NULL,
        issuer_did TEXT NOT NULL,
        jwt TEXT NOT NULL,
        document TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX eidl_issued_credentials_subject ON eidl_issued_credentials (subject_kind, subject_ref);
    `,
  },
  {
    // Grant ids are content-derived (issue 10) and say nothing about age: grants are ordered by where their
    // GrantRecorded sits (block, log index). The chain keeps only a salted hash of the caller name and purpose
    // (issue 11, item 17); the text lives in the TN Authorization credential the hosting agent issued.
    id: "0301_eidl_grant_order_and_caller_hash",
    sql: {
      // SQLite's undo triggers name every column and would make DROP COLUMN fail; the indexer makes them again at
      // every start from the table's columns then.
      sqlite: `
        DROP TRIGGER IF EXISTS chain_undo_eidl_grants_insert;
        DROP TRIGGER IF EXISTS chain_undo_eidl_grants_update;
        DROP TRIGGER IF EXISTS chain_undo_eidl_grants_delete;
        ${GRANT_ORDER_AND_CALLER_HASH}
      `,
      postgres: GRANT_ORDER_AND_CALLER_HASH,
    },
  },
];

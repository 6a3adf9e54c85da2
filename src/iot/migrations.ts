// IoT tables (ids 20xx). Projected from the chain (the indexer writes them, undone on a rewind): schemas, vetted
// attesters, devices, on-chain attestations, anchored batches and off-chain revocations. Kept by this agent
// (repository.ts): the signed attestation tokens it issued or imported, with their inclusion proofs once anchored,
// and the relying-party policies, every version kept.
import type { Migration } from "../core/store/store.ts";

export const iotMigrations: Migration[] = [
  {
    id: "2000_iot",
    sql: `
      CREATE TABLE iot_schemas (
        schema_id TEXT PRIMARY KEY,
        creator TEXT NOT NULL,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        revocable INTEGER NOT NULL,
        attester_kinds INTEGER NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE iot_attesters (
        attester TEXT PRIMARY KEY,
        kind INTEGER NOT NULL,
        vetted_by TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE iot_devices (
        device TEXT PRIMARY KEY,
        oem TEXT NOT NULL,
        model_id TEXT NOT NULL,
        make TEXT NOT NULL,
        model TEXT NOT NULL,
        sim_operator TEXT,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE iot_onchain (
        id TEXT PRIMARY KEY,
        schema_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        attester TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT NOT NULL,
        block_number BIGINT NOT NULL,
        block_time BIGINT NOT NULL
      );
      CREATE INDEX iot_onchain_subject ON iot_onchain (subject, id);
      CREATE TABLE iot_batches (
        batch_id TEXT PRIMARY KEY,
        attester TEXT NOT NULL,
        root TEXT NOT NULL,
        leaf_count BIGINT NOT NULL,
        anchored_at BIGINT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE TABLE iot_offchain_revocations (
        attester TEXT NOT NULL,
        leaf TEXT NOT NULL,
        revoked_at BIGINT NOT NULL,
        PRIMARY KEY (attester, leaf)
      );
      CREATE TABLE iot_tokens (
        id TEXT PRIMARY KEY,
        form TEXT NOT NULL,
        jwt TEXT NOT NULL,
        schema_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        attester TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        issued_at BIGINT NOT NULL,
        leaf TEXT NOT NULL,
        batch_id TEXT,
        proof TEXT,
        received_at TEXT NOT NULL
      );
      CREATE INDEX iot_tokens_subject ON iot_tokens (subject, id);
      CREATE INDEX iot_tokens_pending ON iot_tokens (attester, batch_id, issued_at);
      CREATE TABLE iot_policies (
        policy_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (policy_id, version)
      );
    `,
  },
  {
    // Peer attestations (devices attesting each other, relayed by a gateway operator) and the anchoring timer. Projected:
    // the relayers' peer batches. Kept: for a peer token, the relayer whose batch carries it and the device's
    // signature of the payload id; for every token, when it was put in a batch (a batch assigned but not anchored
    // after a crash is sent again by the timer).
    id: "2001_iot_peer",
    sql: `
      CREATE TABLE iot_peer_batches (
        batch_id TEXT PRIMARY KEY,
        relayer TEXT NOT NULL,
        root TEXT NOT NULL,
        leaf_count BIGINT NOT NULL,
        anchored_at BIGINT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      ALTER TABLE iot_tokens ADD COLUMN relayer TEXT;
      ALTER TABLE iot_tokens ADD COLUMN peer_signature TEXT;
      ALTER TABLE iot_tokens ADD COLUMN assigned_at TEXT;
      CREATE INDEX iot_tokens_relayed ON iot_tokens (relayer, batch_id);
    `,
  },
];

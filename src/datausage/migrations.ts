// Data-usage tables (ids 26xx). Projected from the chain (the indexer writes them, undone on a rewind): contracts with
// their chain of parents and revocations, allowed recipients and anchored consultation batches. Kept by this agent
// (repository.ts): the data it holds under a contract with its policy and salts, the consent record it issued,
// transfer secrets, consultation records with their proofs once anchored, and obligations after use.
import type { Migration } from "../core/store/store.ts";
import {
  bundlesMigration,
  insightsMigration,
  keySharesMigration,
  sharesMigration,
  subscriberMigration,
} from "./migrationsInsights.ts";

export const dataUsageMigrations: Migration[] = [
  {
    id: "2600_datausage",
    sql: `
      CREATE TABLE datausage_contracts (
        id TEXT PRIMARY KEY,
        controller TEXT NOT NULL,
        parent TEXT,
        root TEXT NOT NULL,
        depth INTEGER NOT NULL,
        max_depth INTEGER NOT NULL,
        subject_fingerprint TEXT,
        data_fingerprint TEXT NOT NULL,
        policy_fingerprint TEXT NOT NULL,
        policy_structure TEXT,
        consent_hash TEXT,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE INDEX datausage_contracts_parent ON datausage_contracts (parent);
      CREATE TABLE datausage_recipients (
        root TEXT NOT NULL,
        recipient TEXT NOT NULL,
        PRIMARY KEY (root, recipient)
      );
      CREATE TABLE datausage_batches (
        batch_id TEXT PRIMARY KEY,
        recorder TEXT NOT NULL,
        root TEXT NOT NULL,
        leaf_count BIGINT NOT NULL,
        anchored_at BIGINT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE TABLE datausage_holdings (
        contract_id TEXT PRIMARY KEY,
        policy TEXT NOT NULL,
        data TEXT NOT NULL,
        salts TEXT NOT NULL,
        consent TEXT,
        received_at TEXT NOT NULL
      );
      CREATE TABLE datausage_transfer_secrets (
        contract_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL
      );
      CREATE TABLE datausage_consultations (
        leaf TEXT PRIMARY KEY,
        contract_id TEXT NOT NULL,
        data_fingerprint TEXT NOT NULL,
        activity TEXT NOT NULL,
        purpose TEXT NOT NULL,
        verdict TEXT NOT NULL,
        at BIGINT NOT NULL,
        batch_id TEXT,
        proof TEXT
      );
      CREATE INDEX datausage_consultations_pending ON datausage_consultations (batch_id, leaf);
      CREATE INDEX datausage_consultations_contract ON datausage_consultations (contract_id, leaf);
      CREATE TABLE datausage_obligations (
        id TEXT PRIMARY KEY,
        contract_id TEXT NOT NULL,
        action TEXT NOT NULL,
        due_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  insightsMigration,
  subscriberMigration,
  bundlesMigration,
  sharesMigration,
  keySharesMigration,
];

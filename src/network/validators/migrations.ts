// Read model of the consortium's validator governance (ValidatorSet events): changes and their approvals, the
// validators governance decided, and per signer the latest decision the agent's node must apply.
import type { Migration } from "../../core/store/store.ts";

export const validatorMigrations: Migration[] = [
  {
    id: "0400_network_validators",
    sql: `
      CREATE TABLE network_validator_changes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        signer TEXT NOT NULL,
        operator TEXT NOT NULL,
        proposer TEXT NOT NULL,
        deadline BIGINT NOT NULL,
        status TEXT NOT NULL,
        approvals INTEGER NOT NULL,
        proposed_block BIGINT NOT NULL,
        decided_block BIGINT
      );
      CREATE INDEX network_validator_changes_order ON network_validator_changes (proposed_block, id);
      CREATE TABLE network_validators (
        signer TEXT PRIMARY KEY,
        operator TEXT NOT NULL,
        change_id TEXT NOT NULL,
        added_block BIGINT NOT NULL
      );
      CREATE TABLE network_validator_decisions (
        signer TEXT PRIMARY KEY,
        validator INTEGER NOT NULL,
        change_id TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
    `,
  },
];

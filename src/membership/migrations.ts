// Read model of consortium membership, fed by the indexer from ConsortiumRegistry events.
import type { Migration } from "../core/store/store.ts";

export const membershipMigrations: Migration[] = [
  {
    id: "0100_membership_read_model",
    sql: `
      CREATE TABLE membership_members (
        address TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        active INTEGER NOT NULL,
        roles TEXT NOT NULL,
        admitted_block BIGINT NOT NULL,
        removed_block BIGINT
      );
      CREATE TABLE membership_accounts (
        account TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        bound_block BIGINT NOT NULL
      );
      CREATE TABLE membership_history (
        event_key TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE INDEX membership_history_member ON membership_history (member, block_number);
      CREATE TABLE membership_proposals (
        id BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        proposer TEXT NOT NULL,
        member TEXT NOT NULL,
        deadline BIGINT NOT NULL,
        state TEXT NOT NULL,
        approvals INTEGER NOT NULL,
        created_block BIGINT NOT NULL,
        closed_block BIGINT
      );
      CREATE TABLE membership_approvals (
        proposal_id BIGINT NOT NULL,
        governor TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (proposal_id, governor)
      );
    `,
  },
  {
    id: "0101_membership_history_time",
    // When each change took effect (block time, unix seconds); null for events indexed before this column existed.
    sql: "ALTER TABLE membership_history ADD COLUMN block_time BIGINT",
  },
  {
    id: "0102_membership_binding_roles",
    // The scope of each binding: the member roles the account may exercise, as a JSON array of role names.
    sql: "ALTER TABLE membership_accounts ADD COLUMN roles TEXT NOT NULL DEFAULT '[]'",
  },
];

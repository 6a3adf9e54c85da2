// Tables of the identity hubs (one per person this member hosts one for): the person's devices, the person's items
// (attestations and other records, sealed by the person's user agent: the hub stores ciphertext only) with a change
// sequence every device syncs from, and the inbox of messages relayed to the person's user agents.
import type { Migration } from "../../core/store/index.ts";

export const HUB_MIGRATIONS: Migration[] = [
  {
    id: "0230_identity_hubs",
    sql: `
      CREATE TABLE identity_hubs (
        owner TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0
      );
      CREATE TABLE identity_hub_devices (
        owner TEXT NOT NULL REFERENCES identity_hubs (owner) ON DELETE CASCADE,
        device TEXT NOT NULL,
        label TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (owner, device)
      );
      CREATE TABLE identity_hub_items (
        owner TEXT NOT NULL REFERENCES identity_hubs (owner) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        kind TEXT NOT NULL,
        jwe TEXT,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (owner, item_id)
      );
      CREATE UNIQUE INDEX identity_hub_items_changes ON identity_hub_items (owner, seq);
      CREATE TABLE identity_hub_inbox (
        owner TEXT NOT NULL REFERENCES identity_hubs (owner) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        message TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (owner, seq)
      );
    `,
  },
  {
    // Aliases (issue 15, flow 2.1): the person's pairwise DIDs, registered by the owner, so that the inbox also takes
    // messages sealed or addressed to one of them; each waiting message records which DID it is for.
    id: "0231_identity_hub_aliases",
    sql: `
      CREATE TABLE identity_hub_aliases (
        owner TEXT NOT NULL REFERENCES identity_hubs (owner) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (owner, alias)
      );
      ALTER TABLE identity_hub_inbox ADD COLUMN recipient TEXT;
    `,
  },
];

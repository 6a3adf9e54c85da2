// Table of the access permissions a person's user agent posts to their identity hub (migration 0232): the capability
// (grantee, attestation types, actions, optional expiry) and the copies of the granted attestations, sealed on the
// device to the grantee's key-agreement key (the hub cannot open them). A retraction clears the copies at once and
// keeps the row, so that a later retrieval is refused as retracted, not as unknown.
import type { Migration } from "../../core/store/index.ts";

export const HUB_PERMISSION_MIGRATIONS: Migration[] = [
  {
    id: "0232_identity_hub_permissions",
    sql: `
      CREATE TABLE identity_hub_permissions (
        owner TEXT NOT NULL REFERENCES identity_hubs (owner) ON DELETE CASCADE,
        permission_id TEXT NOT NULL,
        grantee TEXT NOT NULL,
        attestation_types TEXT NOT NULL,
        actions TEXT NOT NULL,
        expires_at BIGINT,
        copies TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        retracted_at TEXT,
        retrieved_count BIGINT NOT NULL DEFAULT 0,
        last_retrieved_at TEXT,
        PRIMARY KEY (owner, permission_id)
      );
      CREATE INDEX identity_hub_permissions_live ON identity_hub_permissions (owner, retracted_at);
    `,
  },
];

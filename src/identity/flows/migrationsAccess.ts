// Tables of the enterprise agent's access permissions (migration 0218): each RequestAccess this agent sent, with where
// the person's hub is and what the person answered (GrantAccess, DenyAccess, RetractAccess, recorded by onReceived
// handlers); and the single-use attestations (flow 2.4's discounts) spent here, keyed by credential id so that two
// concurrent presentations of one discount insert one row: exactly one wins.
import type { Migration } from "../../core/store/index.ts";

export const ACCESS_MIGRATIONS: Migration[] = [
  {
    id: "0218_identity_access_permissions",
    sql: `
      CREATE TABLE identity_access_permissions (
        permission_id TEXT PRIMARY KEY,
        request_identifier TEXT NOT NULL UNIQUE,
        peer TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        hub_url TEXT NOT NULL,
        hub_owner TEXT NOT NULL,
        attestation_types TEXT NOT NULL,
        expires_at BIGINT,
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        answered_at TEXT,
        reason TEXT,
        retracted_at TEXT
      );
      CREATE INDEX identity_access_permissions_listed ON identity_access_permissions (requested_at, permission_id);
      CREATE TABLE identity_spent_attestations (
        credential_id TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        holder TEXT NOT NULL,
        presentation TEXT NOT NULL,
        spent_at TEXT NOT NULL,
        spent_by TEXT NOT NULL
      );
    `,
  },
];

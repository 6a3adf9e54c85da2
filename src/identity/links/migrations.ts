// The links of flow 2.1 (DID-Auth linking): one row per link a site asked for, pending until the person's user agent
// answers (or the code is typed), then linked to the pairwise DID it proved. The DID-Auth challenge itself lives in
// identity_did_auth_challenges (by its SHA-256); a 2FA code is kept only salted and hashed.
import type { Migration } from "../../core/store/index.ts";

export const LINK_MIGRATIONS: Migration[] = [
  {
    id: "0216_identity_links",
    sql: `
      CREATE TABLE identity_links (
        link_id TEXT PRIMARY KEY,
        mode TEXT NOT NULL,
        label TEXT,
        created_by TEXT NOT NULL,
        challenge_hash TEXT,
        requested_did TEXT,
        hub TEXT,
        code_salt TEXT,
        code_hash TEXT,
        code_attempts INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        did TEXT,
        linked_at TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX identity_links_newest ON identity_links (created_at, link_id);
    `,
  },
];

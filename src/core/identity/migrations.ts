// Schema of the identity core: the DIDs this agent hosts (whose controller and signing keys are in its keystore).
import type { Migration } from "../store/store.ts";

export const identityMigrations: readonly Migration[] = [
  {
    id: "0200_identity_hosted_dids",
    sql: `CREATE TABLE identity_hosted_dids (
  did TEXT PRIMARY KEY,
  address TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  controller TEXT NOT NULL,
  signing_kid TEXT,
  service_endpoint TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`,
  },
];

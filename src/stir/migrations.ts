// Signed-calls tables (ids 06xx): the STI keys and certificates this agent holds (as CA and as OSP), the trusted
// STI-CA roots added through the API and run-time settings.
import type { Migration } from "../core/store/store.ts";

export const stirMigrations: Migration[] = [
  {
    id: "0600_stir",
    sql: `
      CREATE TABLE stir_sti (
        role TEXT PRIMARY KEY,
        kid TEXT NOT NULL,
        spc TEXT,
        certificate_pem TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE stir_trust_roots (
        fingerprint TEXT PRIMARY KEY,
        pem TEXT NOT NULL,
        added_at TEXT NOT NULL
      );
      CREATE TABLE stir_credentials (
        ref TEXT PRIMARY KEY,
        jwt TEXT NOT NULL,
        registered_at TEXT NOT NULL
      );
      CREATE TABLE stir_settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // Ledger facts now come from the EIDL read model; credentials are no longer registered with the OSP.
    id: "0601_stir_drop_registered_credentials",
    sql: `DROP TABLE stir_credentials;`,
  },
];

// Registries tables (ids 08xx): the public read model of the DeviceRegistry (reports, and each report's devices in
// the order the report listed them, so that their digest can be checked against the chain), and the consortium key
// this agent keyed-hashes IMEIs with (off chain, never projected).
import type { Migration } from "../core/store/store.ts";

export const registriesMigrations: Migration[] = [
  {
    id: "0800_registries_devices",
    sql: `
      CREATE TABLE registries_device_reports (
        report_id TEXT PRIMARY KEY,
        reporter TEXT NOT NULL,
        status TEXT NOT NULL,
        reason INTEGER NOT NULL,
        device_count INTEGER NOT NULL,
        digest TEXT NOT NULL,
        withdrawn INTEGER NOT NULL,
        reported_block BIGINT NOT NULL,
        reported_at BIGINT NOT NULL,
        reported_tx TEXT NOT NULL
      );
      CREATE INDEX registries_device_reports_reporter ON registries_device_reports (reporter, report_id);
      CREATE TABLE registries_device_entries (
        report_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        device TEXT NOT NULL,
        cleared INTEGER NOT NULL,
        PRIMARY KEY (report_id, position)
      );
      CREATE INDEX registries_device_entries_device ON registries_device_entries (device);
      CREATE TABLE registries_consortium_key (
        id INTEGER PRIMARY KEY,
        key_hex TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
];

// Registries tables (ids 08xx): the public read model of the DeviceRegistry (reports, and each report's devices in
// the order the report listed them, so that their digest can be checked against the chain), and the consortium key
// this agent keyed-hashes IMEIs with (off chain, never projected); the public read model of PortClearing (ports and
// their numbers) and, on a Numbering Authority's agent, the EIDL ports it executed for activated ports (off chain).
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
  {
    id: "0801_registries_ports",
    sql: `
      CREATE TABLE registries_ports (
        port_id TEXT PRIMARY KEY,
        gaining TEXT NOT NULL,
        losing TEXT NOT NULL,
        state TEXT NOT NULL,
        reason INTEGER NOT NULL,
        number_count INTEGER NOT NULL,
        digest TEXT NOT NULL,
        requested_at BIGINT NOT NULL,
        concur_by BIGINT NOT NULL,
        activate_at BIGINT NOT NULL,
        activated_at BIGINT NOT NULL,
        requested_block BIGINT NOT NULL,
        requested_tx TEXT NOT NULL,
        updated_block BIGINT NOT NULL,
        updated_tx TEXT NOT NULL
      );
      CREATE INDEX registries_ports_gaining ON registries_ports (gaining, port_id);
      CREATE INDEX registries_ports_losing ON registries_ports (losing, port_id);
      CREATE TABLE registries_port_numbers (
        port_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        number TEXT NOT NULL,
        PRIMARY KEY (port_id, position)
      );
      CREATE INDEX registries_port_numbers_number ON registries_port_numbers (number);
      CREATE TABLE registries_port_executions (
        port_id TEXT NOT NULL,
        number TEXT NOT NULL,
        grant_id TEXT,
        tx_hash TEXT,
        error TEXT,
        executed_at TEXT NOT NULL,
        PRIMARY KEY (port_id, number)
      );
    `,
  },
];

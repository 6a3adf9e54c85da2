// Registries tables (ids 08xx): the public read model of the DeviceRegistry (reports, and each report's devices in
// the order the report listed them, so that their digest can be checked against the chain), and the consortium key
// this agent keyed-hashes IMEIs with (off chain, never projected); the public read model of PortClearing (ports and
// their numbers) and, on a Numbering Authority's agent, the EIDL ports it executed for activated ports (off chain);
// the public read models of Traceback (traces and their hops) and FraudSignals (signals by keyed subject).
import type { Migration } from "../core/store/store.ts";
import { tracebackMigrations } from "./traceback/migrations.ts";

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
  {
    id: "0802_registries_traceback_signals",
    sql: `
      CREATE TABLE registries_traces (
        trace_id TEXT PRIMARY KEY,
        requester TEXT NOT NULL,
        state TEXT NOT NULL,
        attestation INTEGER NOT NULL,
        call_digest TEXT NOT NULL,
        hop_window INTEGER NOT NULL,
        asked TEXT NOT NULL,
        asked_at BIGINT NOT NULL,
        opened_at BIGINT NOT NULL,
        opened_block BIGINT NOT NULL,
        opened_tx TEXT NOT NULL,
        updated_block BIGINT NOT NULL,
        updated_tx TEXT NOT NULL
      );
      CREATE INDEX registries_traces_requester ON registries_traces (requester, trace_id);
      CREATE INDEX registries_traces_asked ON registries_traces (asked, trace_id);
      CREATE INDEX registries_traces_call ON registries_traces (call_digest);
      CREATE TABLE registries_trace_hops (
        trace_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        carrier TEXT NOT NULL,
        upstream TEXT,
        outcome TEXT NOT NULL,
        evidence TEXT,
        asked_at BIGINT NOT NULL,
        answered_at BIGINT,
        answered_tx TEXT,
        PRIMARY KEY (trace_id, position)
      );
      CREATE TABLE registries_signals (
        signal_id TEXT PRIMARY KEY,
        reporter TEXT NOT NULL,
        holder TEXT,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        confidence INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        challenger TEXT,
        challenge_evidence TEXT,
        reported_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        reported_block BIGINT NOT NULL,
        reported_tx TEXT NOT NULL,
        updated_block BIGINT NOT NULL,
        updated_tx TEXT NOT NULL
      );
      CREATE INDEX registries_signals_subject ON registries_signals (subject, signal_id);
      CREATE INDEX registries_signals_reporter ON registries_signals (reporter, signal_id);
    `,
  },
  {
    // Off chain, on the losing provider's agent: the port-out fraud signal it published for each number of a port it
    // lost (ports/portOutSignals.ts), so a restart resumes.
    id: "0803_registries_port_out_signals",
    sql: `
      CREATE TABLE registries_port_out_signals (
        port_id TEXT NOT NULL,
        number TEXT NOT NULL,
        signal_id TEXT,
        error TEXT,
        published_at TEXT NOT NULL,
        PRIMARY KEY (port_id, number)
      );
    `,
  },
  ...tracebackMigrations,
];

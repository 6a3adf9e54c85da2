// Traceback tables added after 0802 (ids 0810-0819): each trace's PASSporT facts (origid, the signing certificate's
// SPC and hash, the originating provider the chain resolved from the SPC; null for a trace opened without a
// PASSporT), and the SPC register (which member registered which Service Provider Code); off chain, this member's own
// call log (each call it carried, by its keyed digest only, and the carrier it received it from) and the answers its
// agent sent by itself from that log.
import type { Migration } from "../../core/store/store.ts";

export const tracebackMigrations: Migration[] = [
  {
    id: "0810_registries_traceback_passport",
    sql: `
      ALTER TABLE registries_traces ADD COLUMN origid TEXT;
      ALTER TABLE registries_traces ADD COLUMN origin_spc TEXT;
      ALTER TABLE registries_traces ADD COLUMN certificate TEXT;
      ALTER TABLE registries_traces ADD COLUMN origin_provider TEXT;
      CREATE TABLE registries_spcs (
        spc TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        registered_block BIGINT NOT NULL,
        registered_tx TEXT NOT NULL
      );
      CREATE INDEX registries_spcs_member ON registries_spcs (member, spc);
    `,
  },
  {
    id: "0811_registries_call_log",
    sql: `
      CREATE TABLE registries_call_records (
        call_digest TEXT PRIMARY KEY,
        upstream TEXT,
        nonce TEXT NOT NULL,
        evidence TEXT NOT NULL,
        recorded_at BIGINT NOT NULL
      );
      CREATE TABLE registries_trace_responses (
        trace_id TEXT PRIMARY KEY,
        call_digest TEXT NOT NULL,
        upstream TEXT,
        tx_hash TEXT,
        error TEXT,
        responded_at BIGINT NOT NULL
      );
    `,
  },
  {
    // Numbers of confirmed robocall campaigns flagged to their holder's vetter (Traceback.flagToVetter): the number by
    // keyed hash, the holder and vetter organisations, the vetter's member, and its acknowledgement.
    id: "0812_registries_vetter_flags",
    sql: `
      CREATE TABLE registries_vetter_flags (
        flag_id TEXT PRIMARY KEY,
        trace_id TEXT NOT NULL,
        flagger TEXT NOT NULL,
        subject TEXT NOT NULL,
        holder TEXT NOT NULL,
        vetter TEXT NOT NULL,
        vetter_member TEXT NOT NULL,
        evidence TEXT NOT NULL,
        flagged_at BIGINT NOT NULL,
        flagged_block BIGINT NOT NULL,
        flagged_tx TEXT NOT NULL,
        acknowledged_at BIGINT,
        acknowledged_tx TEXT
      );
      CREATE INDEX registries_vetter_flags_member ON registries_vetter_flags (vetter_member, flag_id);
      CREATE INDEX registries_vetter_flags_vetter ON registries_vetter_flags (vetter, flag_id);
      CREATE INDEX registries_vetter_flags_trace ON registries_vetter_flags (trace_id, flag_id);
    `,
  },
];

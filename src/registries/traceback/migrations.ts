// Traceback tables added after 0802 (ids 0810-0819): each trace's PASSporT facts (origid, the signing certificate's
// SPC and hash, the originating provider the chain resolved from the SPC; null for a trace opened without a
// PASSporT), and the SPC register (which member registered which Service Provider Code).
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
];

// Upgrading an EIDL read model made before content-derived grant ids, on both stores: migration 0301 adds the chain
// order (created_log) and the caller hash, drops the caller name and purpose columns, and must get past the undo
// triggers an earlier start installed (SQLite's name every column); rows survive and the undo journal installs again.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { openUndoJournal } from "../../src/core/chain/indexer/undo.ts";
import { chainMigrations } from "../../src/core/chain/migrations.ts";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { eidlMigrations } from "../../src/eidl/migrations.ts";
import { eidlProjection } from "../../src/eidl/projection.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const BEFORE_IDS = eidlMigrations.filter((m) => m.id === "0300_eidl_read_model");

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`EIDL read model upgrade on ${backend}`, () => {
    let postgres: TestPostgres | undefined;
    let dir: { path: string; remove(): Promise<void> } | undefined;
    after(async () => {
      await postgres?.stop();
      await dir?.remove();
    });

    const open = async (migrations: typeof eidlMigrations): Promise<Store> => {
      const all = [...chainMigrations, ...migrations];
      if (backend === "postgres") {
        postgres ??= await startTestPostgres();
        return openStore({ databaseUrl: postgres.url, migrations: all });
      }
      dir ??= await tempDir("eidl-upgrade");
      return openStore({ sqliteFile: `${dir.path}/agent.db`, migrations: all });
    };

    it("keeps the grants, drops the caller text and installs the undo triggers again", async () => {
      const old = await open(BEFORE_IDS);
      await openUndoJournal(old, "main", eidlProjection.tables);
      await old.exec(
        `INSERT INTO eidl_grants (id, parent_id, prefix, kind, issuer, holder, valid_from, valid_until,
           allow_redelegation, credential_hash, intended_use, caller_name, purpose, revoked_at, revoke_reason,
           created_block, tx_hash)
         VALUES ('1', NULL, '1200200', 0, '0xna', '0xtnsp', 100, 0, 0, '0xc1', 'voice', 'Big Bank', 'Loans', 0, NULL,
           7, '0xt1')`,
      );
      await old.close();

      const upgraded = await open(eidlMigrations);
      try {
        await openUndoJournal(upgraded, "main", eidlProjection.tables);
        const row = await upgraded.one<Record<string, unknown>>("SELECT * FROM eidl_grants WHERE id = '1'");
        assert.equal(row?.prefix, "1200200");
        assert.equal(Number(row?.created_block), 7);
        assert.equal(Number(row?.created_log), 0);
        assert.equal(row?.caller_hash, "");
        assert.ok(!("caller_name" in (row ?? {})) && !("purpose" in (row ?? {})), "the caller text is gone");
      } finally {
        await upgraded.close();
      }
    });
  });
}

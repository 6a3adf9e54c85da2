// The read model's undo journal on both stores: changes recorded per block while the indexer projects are undone
// exactly, newest first (inserts removed, updates and deletes restored, bytes and big integers intact), and writes
// made outside the indexer's recording are neither recorded nor touched.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openUndoJournal, type UndoJournal } from "../../src/core/chain/indexer/undo.ts";
import { chainMigrations } from "../../src/core/chain/migrations.ts";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";

const readModel = {
  id: "9100_test_undo",
  sql: `CREATE TABLE test_grants (id TEXT PRIMARY KEY, holder TEXT NOT NULL, amount TEXT NOT NULL, depth BIGINT,
          proof BYTEA_OR_BLOB, revoked INTEGER NOT NULL);
        CREATE TABLE test_history (grant_id TEXT NOT NULL, kind TEXT NOT NULL, block_number BIGINT NOT NULL)`,
};

const snapshot = async (store: Store) => ({
  grants: (
    await store.query<Record<string, unknown>>(
      "SELECT id, holder, amount, depth, proof, revoked FROM test_grants ORDER BY id",
    )
  ).map((r) => ({
    ...r,
    depth: r.depth === null ? null : String(r.depth),
    proof: r.proof ? Buffer.from(r.proof as Uint8Array).toString("hex") : null,
  })),
  history: await store.query("SELECT grant_id, kind, block_number FROM test_history ORDER BY grant_id, kind"),
});

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`undo journal on ${backend}`, () => {
    let postgres: TestPostgres | undefined;
    let store: Store;
    let journal: UndoJournal;

    before(async () => {
      const migration = {
        ...readModel,
        sql: readModel.sql.replace("BYTEA_OR_BLOB", backend === "sqlite" ? "BLOB" : "BYTEA"),
      };
      if (backend === "postgres") {
        postgres = await startTestPostgres();
        store = await openStore({ databaseUrl: postgres.url, migrations: [...chainMigrations, migration] });
      } else {
        store = await openStore({ sqliteFile: ":memory:", migrations: [...chainMigrations, migration] });
      }
      journal = await openUndoJournal(store, "main", ["test_grants", "test_history"]);
    });
    after(async () => {
      await store?.close();
      await postgres?.stop();
    });

    const project = (block: number, fn: (tx: Store) => Promise<void>) =>
      store.transaction(async (tx) => {
        await journal.recordFor(tx, block);
        await fn(tx as Store);
        await journal.stopRecording(tx);
      });

    it("undoes the changes of dropped blocks newest first, and only those", async () => {
      // A write outside the indexer (a service's own row): never recorded, never undone.
      await store.exec("INSERT INTO test_history (grant_id, kind, block_number) VALUES ('svc', 'note', 0)");
      await project(10, async (tx) => {
        await tx.exec("INSERT INTO test_grants VALUES ('g1', 'alpha', $1, 1, $2, 0)", [
          "115792089237316195423570985008687907853269984665640564039457584007913129639935",
          new Uint8Array([0, 1, 254, 255]),
        ]);
        await tx.exec("INSERT INTO test_grants VALUES ('g2', 'beta', '7', NULL, NULL, 0)");
        await tx.exec("INSERT INTO test_history VALUES ('g1', 'granted', 10)");
      });
      const afterBlock10 = await snapshot(store);
      await project(11, async (tx) => {
        await tx.exec("UPDATE test_grants SET revoked = 1, holder = 'gamma', depth = 9007199254740993 WHERE id = 'g1'");
        await tx.exec("DELETE FROM test_grants WHERE id = 'g2'");
        await tx.exec("INSERT INTO test_grants VALUES ('g3', 'delta', '1', 2, $1, 0)", [new Uint8Array([9])]);
        await tx.exec("INSERT INTO test_history VALUES ('g1', 'revoked', 11)");
      });
      await project(12, async (tx) => {
        await tx.exec("UPDATE test_grants SET amount = '2' WHERE id = 'g3'");
        await tx.exec("UPDATE test_grants SET amount = '3' WHERE id = 'g3'");
      });
      await store.exec("INSERT INTO test_history (grant_id, kind, block_number) VALUES ('svc', 'later', 0)");

      const undone = await store.transaction((tx) => journal.undoFrom(tx, 11));
      assert.equal(undone, 6, "block 11: update, delete, insert, insert; block 12: two updates");
      const now = await snapshot(store);
      assert.deepEqual(
        now.grants,
        afterBlock10.grants,
        "grants exactly as block 10 left them, bytes and uint256 intact",
      );
      assert.deepEqual(
        now.history.filter((h) => (h as { grant_id: string }).grant_id !== "svc"),
        afterBlock10.history.filter((h) => (h as { grant_id: string }).grant_id !== "svc"),
      );
      assert.equal(
        now.history.filter((h) => (h as { grant_id: string }).grant_id === "svc").length,
        2,
        "service rows written outside the indexer stay",
      );
      assert.equal(await store.transaction((tx) => journal.undoFrom(tx, 11)), 0, "nothing left to undo above 10");

      await store.transaction((tx) => journal.undoFrom(tx, 10));
      assert.deepEqual((await snapshot(store)).grants, []);
    });

    it("forgets undo records below a block once they can no longer be needed", async () => {
      await project(20, (tx) =>
        tx.exec("INSERT INTO test_grants VALUES ('p1', 'a', '1', NULL, NULL, 0)").then(() => {}),
      );
      await project(21, (tx) =>
        tx.exec("INSERT INTO test_grants VALUES ('p2', 'a', '1', NULL, NULL, 0)").then(() => {}),
      );
      await store.transaction((tx) => journal.pruneBelow(tx, 21));
      assert.equal(await store.transaction((tx) => journal.undoFrom(tx, 0)), 1, "only block 21's record was kept");
      assert.deepEqual(
        (await store.query<{ id: string }>("SELECT id FROM test_grants ORDER BY id")).map((r) => r.id),
        ["p1"],
      );
    });
  });
}

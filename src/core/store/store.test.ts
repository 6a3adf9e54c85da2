// Runs the store behaviour suite against SQLite (a temp file) and PostgreSQL (a throwaway cluster), plus the rules
// that only concern SQLite's single shared connection.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../../../testkit/postgres.ts";
import { StoreError } from "./errors.ts";
import { openStore } from "./open.ts";
import { type StoreBackend, storeBehavior } from "./store.behavior.ts";

describe("SQLite store", () => {
  const dir = mkdtempSync(join(tmpdir(), "telco-store-"));
  let n = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));
  const backend: StoreBackend = {
    dialect: "sqlite",
    async freshDatabase() {
      const sqliteFile = join(dir, `db-${++n}`, "agent.sqlite");
      return { open: (migrations) => openStore({ sqliteFile, migrations }) };
    },
  };
  storeBehavior(() => backend);

  it("serialises concurrent transactions: a read-modify-write never loses an update", async () => {
    const store = await openStore({
      sqliteFile: join(dir, "counter", "agent.sqlite"),
      migrations: [{ id: "0001_counter", sql: "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)" }],
    });
    try {
      await store.exec("INSERT INTO counter (id, n) VALUES (1, 0)");
      const order: string[] = [];
      const bump = (label: string) =>
        store.transaction(async (tx) => {
          order.push(`${label}:begin`);
          const row = await tx.one<{ n: number }>("SELECT n FROM counter WHERE id = 1");
          await sleep(20);
          await tx.exec("UPDATE counter SET n = $1 WHERE id = 1", [(row?.n ?? 0) + 1]);
          order.push(`${label}:end`);
        });
      await Promise.all([bump("a"), bump("b"), bump("c")]);
      assert.deepEqual(await store.one("SELECT n FROM counter"), { n: 3 });
      assert.deepEqual(order, ["a:begin", "a:end", "b:begin", "b:end", "c:begin", "c:end"]);
    } finally {
      await store.close();
    }
  });

  it("opens in WAL mode with synchronous=FULL and foreign keys on", async () => {
    const store = await openStore({ sqliteFile: join(dir, "pragmas", "agent.sqlite"), migrations: [] });
    try {
      assert.deepEqual(await store.one("PRAGMA journal_mode"), { journal_mode: "wal" });
      assert.deepEqual(await store.one("PRAGMA synchronous"), { synchronous: 2 });
      assert.deepEqual(await store.one("PRAGMA foreign_keys"), { foreign_keys: 1 });
    } finally {
      await store.close();
    }
  });

  it("checkpoints the write-ahead log from a background thread, not from the committing connection", async () => {
    const sqliteFile = join(dir, "checkpoint", "agent.sqlite");
    const store = await openStore({
      sqliteFile,
      migrations: [{ id: "0001_blobs", sql: "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)" }],
    });
    try {
      assert.deepEqual(await store.one("PRAGMA wal_autocheckpoint"), { wal_autocheckpoint: 8000 });
      const before = statSync(sqliteFile).size;
      // About 3 MB: far below the connection's own autocheckpoint (8000 pages, ~32 MB).
      await store.transaction(async (tx) => {
        for (let i = 0; i < 300; i++)
          await tx.exec("INSERT INTO blobs (id, body) VALUES ($1, $2)", [i, "x".repeat(10_000)]);
      });
      // From here this thread never returns to its event loop until the file has grown: it sleeps in Atomics.wait and
      // reads the file size synchronously. node:sqlite runs only when this thread calls it, so nothing on the
      // committing connection can run meanwhile; the pages that reach the database file were copied by another
      // connection on another thread.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const deadline = Date.now() + 15_000;
      let after = statSync(sqliteFile).size;
      while (after < before + 2_000_000 && Date.now() < deadline) {
        Atomics.wait(pause, 0, 0, 50);
        after = statSync(sqliteFile).size;
      }
      assert.ok(
        after >= before + 2_000_000,
        `the database file grew from ${before} to ${after} bytes while the committing thread was blocked`,
      );
    } finally {
      await store.close();
    }
  });

  it("names the missing option when neither databaseUrl nor sqliteFile is given", async () => {
    await assert.rejects(
      openStore({ migrations: [] }),
      (error) =>
        error instanceof StoreError && error.code === "STORE_CONFIG_INVALID" && /sqliteFile/.test(error.message),
    );
  });
});

describe("PostgreSQL store", () => {
  let server: TestPostgres;
  let n = 0;
  before(async () => {
    server = await startTestPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  const backend: StoreBackend = {
    dialect: "postgres",
    async freshDatabase() {
      const name = `store_test_${++n}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      return { open: (migrations) => openStore({ databaseUrl: url.toString(), migrations }) };
    },
  };
  storeBehavior(() => backend);

  it("reports an unreachable server as a configuration error", async () => {
    await assert.rejects(
      openStore({ databaseUrl: "postgres://nobody@127.0.0.1:1/none", migrations: [] }),
      (error) => error instanceof StoreError && error.code === "STORE_CONFIG_INVALID",
    );
  });
});

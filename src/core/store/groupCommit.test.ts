// Group commit against a real SQLite file: callers arriving during a commit share the next one, every caller's items
// are durable when its promise resolves, a failed shared commit stores nothing and is retried caller by caller so only
// the faulty caller is refused, and a commit never takes more than its limit (except one oversized caller, alone).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { GroupCommit } from "./groupCommit.ts";
import { openStore } from "./open.ts";

describe("GroupCommit", () => {
  const dir = mkdtempSync(join(tmpdir(), "telco-group-commit-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("gathers the callers of one moment into one commit, each resolved once its rows are stored", async () => {
    const store = await openStore({
      sqliteFile: join(dir, "a", "agent.sqlite"),
      migrations: [{ id: "0001_rows", sql: "CREATE TABLE t (v INTEGER PRIMARY KEY)" }],
    });
    try {
      const commits: number[][] = [];
      const group = new GroupCommit<number>(async (items) => {
        commits.push([...items]);
        const values = items.map((_, i) => `($${i + 1})`).join(", ");
        await store.exec(`INSERT INTO t (v) VALUES ${values}`, [...items]);
      }, 10);
      const seen: number[] = [];
      const callers = Array.from({ length: 12 }, (_, k) =>
        group.add([2 * k, 2 * k + 1]).then(async () => {
          // durable when resolved: both of this caller's rows are in the table
          const rows = await store.query<{ v: number | bigint }>("SELECT v FROM t WHERE v IN ($1, $2)", [
            2 * k,
            2 * k + 1,
          ]);
          assert.equal(rows.length, 2, `caller ${k}`);
          seen.push(k);
        }),
      );
      await Promise.all(callers);
      assert.equal(seen.length, 12);
      // the first caller commits alone; the eleven that came during it share commits of at most 10 rows (whole callers)
      assert.deepEqual(commits[0], [0, 1]);
      assert.ok(commits.length < 12, `fewer commits than callers: ${commits.length}`);
      assert.ok(
        commits.every((c) => c.length <= 10 && c.length % 2 === 0),
        JSON.stringify(commits),
      );
      assert.deepEqual(
        commits.flat(),
        Array.from({ length: 24 }, (_, i) => i),
      );
      // a caller larger than the limit goes alone
      const big = Array.from({ length: 15 }, (_, i) => 100 + i);
      await Promise.all([group.add([50]), group.add(big), group.add([51])]);
      assert.ok(commits.some((c) => c.length === 15));
      assert.equal(Number((await store.one<{ n: number | bigint }>("SELECT COUNT(*) AS n FROM t"))?.n), 41);
    } finally {
      await store.close();
    }
  });

  it("a failed shared commit is retried caller by caller: only the caller whose rows fail is refused", async () => {
    const store = await openStore({
      sqliteFile: join(dir, "b", "agent.sqlite"),
      migrations: [{ id: "0001_rows", sql: "CREATE TABLE t (v INTEGER PRIMARY KEY)" }],
    });
    try {
      const group = new GroupCommit<number>(async (items) => {
        const values = items.map((_, i) => `($${i + 1})`).join(", ");
        await store.exec(`INSERT INTO t (v) VALUES ${values}`, [...items]);
      }, 100);
      await group.add([1]);
      // while [2] commits, [3] and [1] (a duplicate key) wait together: their shared commit fails, then [3] alone is
      // stored and [1] alone refused
      const results = await Promise.allSettled([group.add([2]), group.add([3]), group.add([1])]);
      assert.deepEqual(
        results.map((r) => r.status),
        ["fulfilled", "fulfilled", "rejected"],
      );
      const rows = await store.query<{ v: number | bigint }>("SELECT v FROM t ORDER BY v");
      assert.deepEqual(
        rows.map((r) => Number(r.v)),
        [1, 2, 3],
      );
      await group.add([4]);
      assert.equal(Number((await store.one<{ n: number | bigint }>("SELECT COUNT(*) AS n FROM t"))?.n), 4);
    } finally {
      await store.close();
    }
  });
});

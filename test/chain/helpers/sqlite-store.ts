// Test-local Store over node:sqlite until src/core/store's openStore lands: same interface, $N placeholders,
// transactions serialised on the one connection (an async transaction must not interleave with another).
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { Migration, Queryable, SqlParam, Store } from "../../../src/core/store/store.ts";

export function openSqliteStore(file: string, migrations: readonly Migration[]): Store {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY)");
  for (const migration of migrations) {
    if (db.prepare("SELECT id FROM schema_migrations WHERE id = ?").get(migration.id)) continue;
    const sql = typeof migration.sql === "string" ? migration.sql : migration.sql.sqlite;
    db.exec("BEGIN");
    db.exec(sql);
    db.prepare("INSERT INTO schema_migrations (id) VALUES (?)").run(migration.id);
    db.exec("COMMIT");
  }
  const convert = (sql: string) => sql.replace(/\$(\d+)/g, "?$1");
  const bind = (params: readonly SqlParam[] = []) =>
    params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p)) as SQLInputValue[];
  const queryable: Queryable = {
    dialect: "sqlite",
    async query<Row extends object>(sql: string, params?: readonly SqlParam[]) {
      return db.prepare(convert(sql)).all(...bind(params)) as Row[];
    },
    async one<Row extends object>(sql: string, params?: readonly SqlParam[]) {
      return db.prepare(convert(sql)).get(...bind(params)) as Row | undefined;
    },
    async exec(sql: string, params?: readonly SqlParam[]) {
      const result = db.prepare(convert(sql)).run(...bind(params));
      return { changes: Number(result.changes) };
    },
  };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ...queryable,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(queryable);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      await queue;
      db.close();
    },
  };
}

// The SQLite backend (default): one node:sqlite connection in WAL mode with synchronous=FULL, because an
// acknowledged write must survive kill -9. All access is serialised by a mutex so transactions never interleave.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { startCheckpointer } from "./checkpointer.ts";
import {
  type InternalTransaction,
  queryableOver,
  type RawConnection,
  TxContext,
  type TxState,
  transactionOver,
} from "./connection.ts";
import { ForeignKeyViolationError, StoreError, UniqueViolationError } from "./errors.ts";
import type { InternalStore } from "./migrations.ts";
import { Mutex } from "./mutex.ts";
import { checkParams, narrowInteger, type PreparedSql, prepareSql, toDriverParam } from "./sql.ts";
import type { SqlParam, TransactionOptions } from "./store.ts";

const BUSY_TIMEOUT_MS = 5000;
const STATEMENT_CACHE_SIZE = 256;

// SQLite extended result codes (https://sqlite.org/rescode.html).
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;

/**
 * One mutex per database file in this process. node:sqlite is synchronous, so two connections to the same file in one
 * process would deadlock on the write lock (the busy wait blocks the very event loop the holder needs); sharing the
 * mutex makes them take turns instead. Across processes, busy_timeout and BEGIN IMMEDIATE do that job.
 */
const fileMutexes = new Map<string, { mutex: Mutex; users: number }>();
let memoryDatabases = 0;

function acquireFileMutex(file: string): { mutex: Mutex; release(): void } {
  // Every ":memory:" connection is its own database, so it gets its own key.
  const key = file === ":memory:" ? `:memory:${++memoryDatabases}` : resolve(file);
  let entry = fileMutexes.get(key);
  if (!entry) {
    entry = { mutex: new Mutex(), users: 0 };
    fileMutexes.set(key, entry);
  }
  entry.users++;
  const held = entry;
  return {
    mutex: held.mutex,
    release() {
      if (--held.users === 0) fileMutexes.delete(key);
    },
  };
}

export function openSqliteStore(file: string): InternalStore {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  try {
    db.exec(`PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};
    PRAGMA foreign_keys = ON;`);
  } catch (error) {
    db.close();
    throw unusableFile(file, error);
  }
  // A background thread checkpoints (see checkpointer.ts); commits do it only if the log grows past ~32 MB.
  const checkpointer = file === ":memory:" ? undefined : startCheckpointer(file);
  if (checkpointer) db.exec("PRAGMA wal_autocheckpoint = 8000");

  const cache = new Map<string, { prepared: PreparedSql; statement: StatementSync }>();
  let closed = false;

  function statementFor(sql: string, params: readonly SqlParam[]): { statement: StatementSync; values: unknown[] } {
    if (closed) throw new StoreError("STORE_CLOSED", "the store is closed");
    let entry = cache.get(sql);
    if (!entry) {
      const prepared = prepareSql(sql, "sqlite");
      const statement = runMapped(() => db.prepare(prepared.text));
      // Read every integer as bigint, then narrow: node:sqlite would otherwise throw on values above 2^53.
      statement.setReadBigInts(true);
      entry = { prepared, statement };
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, entry);
    }
    checkParams(entry.prepared, params);
    return { statement: entry.statement, values: params.map((p) => toDriverParam(p, "sqlite")) };
  }

  const conn: RawConnection = {
    async rows(sql, params) {
      const { statement, values } = statementFor(sql, params);
      const rows = runMapped(() => statement.all(...(values as never[])));
      return rows.map(plainRow);
    },
    async changes(sql, params) {
      const { statement, values } = statementFor(sql, params);
      return Number(runMapped(() => statement.run(...(values as never[]))).changes);
    },
    async script(sql) {
      if (closed) throw new StoreError("STORE_CLOSED", "the store is closed");
      runMapped(() => db.exec(sql));
    },
  };

  const { mutex, release } = acquireFileMutex(file);
  const context = new TxContext();
  const outside = queryableOver("sqlite", conn, () => context.assertOutside());
  // Single statements also take the mutex, so they wait for (rather than join) a running transaction.
  const serialised = <T>(fn: () => Promise<T>): Promise<T> => {
    context.assertOutside();
    return mutex.run(fn);
  };

  // One transaction on the connection; the caller holds the mutex.
  const inTransaction = async <T>(fn: (tx: InternalTransaction) => Promise<T>): Promise<T> => {
    // IMMEDIATE takes the write lock now, so another process (a CLI on the same file) cannot make us fail later.
    await conn.script("BEGIN IMMEDIATE");
    const state: TxState = { active: true };
    try {
      const result = await context.run(state, () => fn(transactionOver("sqlite", conn, state)));
      state.active = false;
      await conn.script("COMMIT");
      return result;
    } catch (error) {
      state.active = false;
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  };

  return {
    dialect: "sqlite",
    query: (sql, params) => serialised(() => outside.query(sql, params)),
    one: (sql, params) => serialised(() => outside.one(sql, params)),
    exec: (sql, params) => serialised(() => outside.exec(sql, params)),
    transaction<T>(fn: (tx: InternalTransaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
      return serialised(async () => {
        // In WAL mode NORMAL skips this commit's fsync; the next FULL commit syncs the log, this one's frames too.
        const relaxed = options?.durability === "relaxed";
        if (relaxed) db.exec("PRAGMA synchronous = NORMAL");
        try {
          return await inTransaction(fn);
        } finally {
          if (relaxed) db.exec("PRAGMA synchronous = FULL");
        }
      });
    },
    // One process holds the connection and BEGIN IMMEDIATE serialises processes, so no extra lock is needed.
    withMigrationLock: (fn) => fn(),
    async close() {
      await mutex.run(async () => {
        if (closed) return;
        closed = true;
        cache.clear();
        await checkpointer?.stop();
        db.close();
        release();
      });
    },
  };
}

/** node:sqlite rows have a null prototype and bigint integers; callers get plain objects with numbers where safe. */
function plainRow(row: Record<string, unknown>): object {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) {
    const value = row[key];
    out[key] = typeof value === "bigint" ? narrowInteger(value) : value;
  }
  return out;
}

// SQLite primary result codes of a file that is not, or no longer, a database.
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/** The first statement on a file failed: name the file and what to do, not only SQLite's words. */
function unusableFile(file: string, error: unknown): Error {
  const errcode = (error as { errcode?: number }).errcode;
  if (errcode !== SQLITE_NOTADB && errcode !== SQLITE_CORRUPT) return error as Error;
  return new StoreError(
    "STORE_FILE_UNUSABLE",
    `${resolve(file)} is not a usable SQLite database (${(error as Error).message}): restore it from a backup, or ` +
      "move it aside to start with an empty one (what only this file held, such as API keys, is then lost)",
    { cause: error },
  );
}

function runMapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw mapSqliteError(error);
  }
}

function mapSqliteError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof StoreError) return error;
  const errcode = (error as { errcode?: number }).errcode;
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY) {
    const constraint = /constraint failed: (.+)$/.exec(error.message)?.[1];
    return new UniqueViolationError(error.message, constraint, error);
  }
  if (errcode === SQLITE_CONSTRAINT_FOREIGNKEY) return new ForeignKeyViolationError(error.message, undefined, error);
  return new StoreError("STORE_QUERY_FAILED", error.message, { cause: error });
}

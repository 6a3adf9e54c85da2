// The database seam: every module talks to SQL through this interface, so the same code runs on SQLite
// (default, a file in the data directory) and PostgreSQL (when DATABASE_URL is set).
// SQL is written once in the portable subset of both, with $1, $2 ... placeholders.
//
// Row shapes are the same on both dialects when tables follow these rules (see README.md beside this file):
// - lower-case snake_case column names (PostgreSQL folds unquoted names to lower case);
// - INTEGER/BIGINT columns come back as numbers when they fit in Number.MAX_SAFE_INTEGER, otherwise as bigint;
// - uint256 and other values that may exceed 64 bits are stored as TEXT (decimal string) and converted by the caller;
// - booleans are stored as INTEGER 0/1 (boolean parameters are bound as 1/0 on both dialects);
// - timestamps are TEXT in ISO 8601 UTC (new Date().toISOString()), so they sort and compare the same everywhere;
// - bytes are BLOB/BYTEA and come back as Uint8Array (a Buffer on PostgreSQL).

export type Dialect = "sqlite" | "postgres";

export type SqlParam = string | number | bigint | boolean | null | Uint8Array;

export interface Queryable {
  readonly dialect: Dialect;
  /** Runs a statement that returns rows. */
  query<Row extends object>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** First row or undefined. */
  one<Row extends object>(sql: string, params?: readonly SqlParam[]): Promise<Row | undefined>;
  /** Runs a statement that changes rows; returns how many it changed. */
  exec(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }>;
}

/**
 * What the tx handle of openStore's stores also offers (narrow `tx` to it where nesting is needed): a nested unit
 * inside the open transaction (a SAVEPOINT); an error rolls back only fn's statements, then rethrows.
 */
export interface Transaction extends Queryable {
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

export interface TransactionOptions {
  /**
   * "full" (default): committed means on disk. "relaxed": committed, and on disk at the next full commit or within
   * the database's own flush interval; a power loss (not a process crash) may drop it. For data the agent can derive
   * again (the read model it re-indexes from the chain, bookkeeping of mined transactions), never for what an API
   * call or the outbox acknowledged. SQLite: synchronous=NORMAL for that commit; PostgreSQL: synchronous_commit off.
   */
  durability?: "full" | "relaxed";
}

/** For data the agent derives again (its read model, bookkeeping of mined transactions): see `durability`. */
export const DERIVED_DATA: TransactionOptions = { durability: "relaxed" };

export interface Store extends Queryable {
  /**
   * Runs fn in one transaction: all its statements commit together or none do. Inside fn use `tx`, never the store
   * itself (on SQLite that would wait for the transaction it is part of; the store rejects it with STORE_TX_MISUSE).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** One versioned schema change. `sql` is portable, or given per dialect where the two differ. */
export interface Migration {
  /** Sortable, unique, never renamed once released: "0001_core_api_keys". */
  id: string;
  sql: string | Record<Dialect, string>;
}

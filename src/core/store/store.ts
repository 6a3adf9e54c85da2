// The database seam: every module talks to SQL through this interface, so the same code runs on SQLite
// (default, a file in the data directory) and PostgreSQL (when DATABASE_URL is set).
// SQL is written once in the portable subset of both, with $1, $2 ... placeholders.

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

export interface Store extends Queryable {
  /** Runs fn in one transaction: all its statements commit together or none do. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One versioned schema change. `sql` is portable, or given per dialect where the two differ. */
export interface Migration {
  /** Sortable, unique, never renamed once released: "0001_core_api_keys". */
  id: string;
  sql: string | Record<Dialect, string>;
}

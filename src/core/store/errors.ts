// Typed store errors with stable codes, so callers (and the API's error mapper) can react to a rule the database
// enforced, such as a duplicate key, without parsing dialect-specific messages.

export type StoreErrorCode =
  | "STORE_CONFIG_INVALID"
  | "STORE_FILE_UNUSABLE"
  | "STORE_PARAMS_MISMATCH"
  | "STORE_QUERY_FAILED"
  | "STORE_UNIQUE_VIOLATION"
  | "STORE_FOREIGN_KEY_VIOLATION"
  | "STORE_TX_MISUSE"
  | "STORE_CLOSED"
  | "STORE_MIGRATION_INVALID"
  | "STORE_MIGRATION_CHECKSUM_MISMATCH"
  | "STORE_MIGRATION_FAILED";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}

/** A UNIQUE or PRIMARY KEY constraint refused the write (SQLite 2067/1555, PostgreSQL 23505). Maps to HTTP 409. */
export class UniqueViolationError extends StoreError {
  /** Constraint or "table.column" as the database names it, when known. */
  readonly constraint: string | undefined;
  constructor(message: string, constraint: string | undefined, cause: unknown) {
    super("STORE_UNIQUE_VIOLATION", message, { cause });
    this.name = "UniqueViolationError";
    this.constraint = constraint;
  }
}

/** A FOREIGN KEY constraint refused the write (SQLite 787, PostgreSQL 23503). */
export class ForeignKeyViolationError extends StoreError {
  readonly constraint: string | undefined;
  constructor(message: string, constraint: string | undefined, cause: unknown) {
    super("STORE_FOREIGN_KEY_VIOLATION", message, { cause });
    this.name = "ForeignKeyViolationError";
    this.constraint = constraint;
  }
}

/** An applied migration's SQL changed since it ran: the database no longer matches the code, so we refuse to start. */
export class MigrationChecksumError extends StoreError {
  readonly migrationId: string;
  constructor(migrationId: string, applied: string, current: string) {
    super(
      "STORE_MIGRATION_CHECKSUM_MISMATCH",
      `migration ${migrationId} was applied with checksum ${applied} but its SQL now hashes to ${current}; ` +
        "released migrations must never change: add a new migration instead",
    );
    this.name = "MigrationChecksumError";
    this.migrationId = migrationId;
  }
}

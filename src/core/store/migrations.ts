// Versioned schema migrations: each module contributes its own Migration[]; openStore applies the union in id order,
// each in its own transaction, records it in schema_migrations, and refuses to start when released SQL changed.
import { createHash } from "node:crypto";
import type { InternalTransaction } from "./connection.ts";
import { MigrationChecksumError, StoreError } from "./errors.ts";
import type { Dialect, Migration, Store, TransactionOptions } from "./store.ts";

/** What a backend offers the migration runner beyond the public Store. */
export interface InternalStore extends Store {
  transaction<T>(fn: (tx: InternalTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs fn while no other agent can migrate the same database. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
}

const MIGRATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function migrationSql(migration: Migration, dialect: Dialect): string {
  return typeof migration.sql === "string" ? migration.sql : migration.sql[dialect];
}

/** SHA-256 of the SQL this dialect runs, with line endings normalised so a checkout on Windows hashes the same. */
export function migrationChecksum(migration: Migration, dialect: Dialect): string {
  const sql = migrationSql(migration, dialect).replace(/\r\n/g, "\n").trim();
  return createHash("sha256").update(sql).digest("hex");
}

/**
 * Checks the union of every module's migrations: ids well-formed and unique. The same migration listed twice (two
 * modules both including a core list) is kept once; the same id with different SQL is a programming error.
 */
export function normaliseMigrations(migrations: readonly Migration[], dialect: Dialect): Migration[] {
  const byId = new Map<string, Migration>();
  for (const [index, migration] of migrations.entries()) {
    if (typeof migration?.id !== "string" || !MIGRATION_ID.test(migration.id)) {
      throw new StoreError("STORE_MIGRATION_INVALID", `migrations[${index}].id must match ${MIGRATION_ID}`);
    }
    const sql = migrationSql(migration, dialect);
    if (typeof sql !== "string" || sql.trim() === "") {
      throw new StoreError("STORE_MIGRATION_INVALID", `migration ${migration.id} has no SQL for ${dialect}`);
    }
    const seen = byId.get(migration.id);
    if (seen && migrationChecksum(seen, dialect) !== migrationChecksum(migration, dialect)) {
      throw new StoreError("STORE_MIGRATION_INVALID", `two different migrations share the id ${migration.id}`);
    }
    byId.set(migration.id, migration);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Applies pending migrations; returns the ids it applied. Applied ids unknown to this code are left alone. */
export async function applyMigrations(store: InternalStore, migrations: readonly Migration[]): Promise<string[]> {
  const ordered = normaliseMigrations(migrations, store.dialect);
  return store.withMigrationLock(async () => {
    await store.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    const applied = new Map(
      (await store.query<{ id: string; checksum: string }>("SELECT id, checksum FROM schema_migrations")).map((r) => [
        r.id,
        r.checksum,
      ]),
    );
    // Verify everything before changing anything: a drifted migration means this code does not match the database.
    for (const migration of ordered) {
      const recorded = applied.get(migration.id);
      const current = migrationChecksum(migration, store.dialect);
      if (recorded !== undefined && recorded !== current)
        throw new MigrationChecksumError(migration.id, recorded, current);
    }
    const done: string[] = [];
    for (const migration of ordered) {
      if (applied.has(migration.id)) continue;
      await store.transaction(async (tx) => {
        // Re-check inside the transaction: another process on the same SQLite file may have applied it meanwhile.
        if (await tx.one("SELECT id FROM schema_migrations WHERE id = $1", [migration.id])) return;
        try {
          await tx.script(migrationSql(migration, store.dialect));
        } catch (error) {
          throw new StoreError(
            "STORE_MIGRATION_FAILED",
            `migration ${migration.id} failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
        await tx.exec("INSERT INTO schema_migrations (id, checksum, applied_at) VALUES ($1, $2, $3)", [
          migration.id,
          migrationChecksum(migration, store.dialect),
          new Date().toISOString(),
        ]);
        done.push(migration.id);
      });
    }
    return done;
  });
}

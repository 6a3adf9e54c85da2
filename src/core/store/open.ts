// openStore: picks the backend (PostgreSQL when a URL is given, else the SQLite file), applies every module's
// migrations, and hands back a ready Store.
import { StoreError } from "./errors.ts";
import { applyMigrations, type InternalStore } from "./migrations.ts";
import { openPostgresStore } from "./postgres.ts";
import { openSqliteStore } from "./sqlite.ts";
import type { Migration, Store } from "./store.ts";

export interface OpenStoreOptions {
  /** postgres://... ; when set, PostgreSQL is used and sqliteFile is ignored. */
  databaseUrl?: string;
  /** Path of the SQLite database file (its directory is created), or ":memory:" in tests. */
  sqliteFile?: string;
  /** The union of every module's migrations. */
  migrations: readonly Migration[];
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, sqliteFile, migrations } = options;
  if (!Array.isArray(migrations)) throw new StoreError("STORE_CONFIG_INVALID", "migrations must be an array");
  let store: InternalStore;
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new StoreError("STORE_CONFIG_INVALID", "databaseUrl must start with postgres:// or postgresql://");
    }
    store = await openPostgresStore(databaseUrl);
  } else if (sqliteFile) {
    store = openSqliteStore(sqliteFile);
  } else {
    throw new StoreError("STORE_CONFIG_INVALID", "openStore needs databaseUrl or sqliteFile");
  }
  try {
    await applyMigrations(store, migrations);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

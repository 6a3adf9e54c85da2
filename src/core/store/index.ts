// Public surface of the store: import from here, not from the backend files.
export {
  ForeignKeyViolationError,
  MigrationChecksumError,
  StoreError,
  type StoreErrorCode,
  UniqueViolationError,
} from "./errors.ts";
export { execIn, IN_LIST_CHUNK, placeholders, queryIn } from "./inList.ts";
export { migrationChecksum } from "./migrations.ts";
export { type OpenStoreOptions, openStore } from "./open.ts";
export type { Dialect, Migration, Queryable, SqlParam, Store, Transaction, TransactionOptions } from "./store.ts";
export { DERIVED_DATA } from "./store.ts";

// The PostgreSQL backend (when a database URL is given): a pg Pool for single statements, a dedicated client per
// transaction, BIGINT parsed to number where safe, and a session advisory lock around migrations.
import pg from "pg";
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
import { checkParams, narrowInteger, prepareSql, toDriverParam } from "./sql.ts";
import type { SqlParam, TransactionOptions } from "./store.ts";

const INT8_OID = 20;
/** Arbitrary constant shared by every agent version: "telco-ledger migrations". */
const MIGRATION_LOCK_KEY = 7_243_911_001;

/** Per-pool parsers (not pg's global registry): int8 becomes a number when safe, else bigint, like SQLite. */
const typeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (value: string) => narrowInteger(BigInt(value));
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

type Client = pg.Pool | pg.PoolClient;

function connectionOver(client: Client): RawConnection {
  const run = async (sql: string, params: readonly SqlParam[]) => {
    const prepared = prepareSql(sql, "postgres");
    checkParams(prepared, params);
    try {
      return await client.query({ text: prepared.text, values: params.map((p) => toDriverParam(p, "postgres")) });
    } catch (error) {
      throw mapPostgresError(error);
    }
  };
  return {
    rows: async (sql, params) => (await run(sql, params)).rows.map((row) => ({ ...row })),
    changes: async (sql, params) => (await run(sql, params)).rowCount ?? 0,
    async script(sql) {
      try {
        await client.query(sql);
      } catch (error) {
        throw mapPostgresError(error);
      }
    },
  };
}

export async function openPostgresStore(databaseUrl: string): Promise<InternalStore> {
  const pool = new pg.Pool({ connectionString: databaseUrl, types: typeParsers, max: 10 });
  // An idle client whose server connection dropped is discarded by the pool; the next query reconnects. Without a
  // listener the 'error' event would crash the agent.
  pool.on("error", () => {});
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (error) {
    await pool.end();
    throw new StoreError("STORE_CONFIG_INVALID", `cannot connect to PostgreSQL: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const context = new TxContext();
  const outside = queryableOver("postgres", connectionOver(pool), () => context.assertOutside());
  let closed = false;
  const open = () => {
    if (closed) throw new StoreError("STORE_CLOSED", "the store is closed");
  };

  return {
    dialect: "postgres",
    query: async (sql, params) => {
      open();
      return outside.query(sql, params);
    },
    one: async (sql, params) => {
      open();
      return outside.one(sql, params);
    },
    exec: async (sql, params) => {
      open();
      return outside.exec(sql, params);
    },
    async transaction<T>(fn: (tx: InternalTransaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
      open();
      context.assertOutside();
      const client = await pool.connect();
      const conn = connectionOver(client);
      const state: TxState = { active: true };
      let broken = false;
      try {
        await conn.script("BEGIN");
        if (options?.durability === "relaxed") await conn.script("SET LOCAL synchronous_commit TO OFF");
        const result = await context.run(state, () => fn(transactionOver("postgres", conn, state)));
        state.active = false;
        await conn.script("COMMIT");
        return result;
      } catch (error) {
        state.active = false;
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true; // the connection is unusable: destroy it rather than return it to the pool
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
      open();
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

function mapPostgresError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof StoreError) return error;
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === "23505") return new UniqueViolationError(error.message, constraint, error);
  if (code === "23503") return new ForeignKeyViolationError(error.message, constraint, error);
  return new StoreError("STORE_QUERY_FAILED", error.message, { cause: error });
}

// What both backends share: a Queryable built over a raw connection, transaction state (so a finished transaction's
// handle and a store call made from inside a transaction are refused), and nested transactions as SAVEPOINTs.
import { AsyncLocalStorage } from "node:async_hooks";
import { StoreError } from "./errors.ts";
import type { Dialect, Queryable, SqlParam, Transaction } from "./store.ts";

/** One database connection (or pool) as a backend exposes it; errors are already mapped to StoreErrors. */
export interface RawConnection {
  rows(sql: string, params: readonly SqlParam[]): Promise<object[]>;
  changes(sql: string, params: readonly SqlParam[]): Promise<number>;
  /** Runs several statements without parameters (migrations, BEGIN/COMMIT). */
  script(sql: string): Promise<void>;
}

/** A transaction handle the store's own machinery (migrations) can also run scripts through. */
export interface InternalTransaction extends Transaction {
  script(sql: string): Promise<void>;
}

export interface TxState {
  active: boolean;
}

/** Tracks which transaction the current async call chain runs inside, per store. */
export class TxContext {
  readonly #als = new AsyncLocalStorage<TxState>();

  run<T>(state: TxState, fn: () => Promise<T>): Promise<T> {
    return this.#als.run(state, fn);
  }

  /** Throws when called from inside an open transaction: its statements must go through `tx`. */
  assertOutside(): void {
    if (this.#als.getStore()?.active) {
      throw new StoreError(
        "STORE_TX_MISUSE",
        "a statement was run on the store from inside transaction(): use the tx handle passed to the callback",
      );
    }
  }
}

export function queryableOver(dialect: Dialect, conn: RawConnection, guard: () => void): Queryable {
  return {
    dialect,
    async query<Row extends object>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
      guard();
      return (await conn.rows(sql, params)) as Row[];
    },
    async one<Row extends object>(sql: string, params: readonly SqlParam[] = []): Promise<Row | undefined> {
      guard();
      return (await conn.rows(sql, params))[0] as Row | undefined;
    },
    async exec(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
      guard();
      return { changes: await conn.changes(sql, params) };
    },
  };
}

/** The handle passed to a transaction callback; `depth` names its savepoints when transactions nest. */
export function transactionOver(dialect: Dialect, conn: RawConnection, state: TxState, depth = 0): InternalTransaction {
  const guard = () => {
    if (!state.active) {
      throw new StoreError("STORE_TX_MISUSE", "this transaction has already committed or rolled back");
    }
  };
  const base = queryableOver(dialect, conn, guard);
  return {
    ...base,
    async script(sql: string): Promise<void> {
      guard();
      await conn.script(sql);
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      guard();
      const savepoint = `sp_${depth + 1}`;
      await conn.script(`SAVEPOINT ${savepoint}`);
      const inner: TxState = { active: true };
      try {
        const result = await fn(transactionOver(dialect, conn, inner, depth + 1));
        inner.active = false;
        await conn.script(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        inner.active = false;
        await conn.script(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        await conn.script(`RELEASE SAVEPOINT ${savepoint}`);
        throw error;
      }
    },
  };
}

// Statements over a list of keys (`WHERE id IN (...)`): one statement per chunk instead of one per key, with
// chunks small enough for both backends' limits on bound parameters.
import type { Queryable, SqlParam } from "./store.ts";

export const IN_LIST_CHUNK = 500;

/** `$first, $first+1, ...`: placeholders for `count` parameters. */
export function placeholders(count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(", ");
}

/** The VALUES list of a multi-row INSERT: `count` rows of `width` placeholders, numbered row by row from $1. */
export function valuesRows(count: number, width: number): string {
  return Array.from({ length: count }, (_, r) => `(${placeholders(width, r * width + 1)})`).join(", ");
}

/** Rows of `sql(list)` over every key; `before` are the parameters the statement binds ahead of the list. */
export async function queryIn<T extends object>(
  db: Queryable,
  sql: (list: string) => string,
  keys: readonly SqlParam[],
  before: readonly SqlParam[] = [],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += IN_LIST_CHUNK) {
    const chunk = keys.slice(i, i + IN_LIST_CHUNK);
    out.push(...(await db.query<T>(sql(placeholders(chunk.length, before.length + 1)), [...before, ...chunk])));
  }
  return out;
}

/** Runs `sql(list)` over every key; returns how many rows changed. */
export async function execIn(
  db: Queryable,
  sql: (list: string) => string,
  keys: readonly SqlParam[],
  before: readonly SqlParam[] = [],
): Promise<number> {
  let changes = 0;
  for (let i = 0; i < keys.length; i += IN_LIST_CHUNK) {
    const chunk = keys.slice(i, i + IN_LIST_CHUNK);
    changes += (await db.exec(sql(placeholders(chunk.length, before.length + 1)), [...before, ...chunk])).changes;
  }
  return changes;
}

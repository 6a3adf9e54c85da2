// Keyset pages and their opaque cursors (`?limit=&cursor=`): the client passes back nextCursor unchanged; the server
// decodes the sort key of the last item it returned. Stable under inserts, unlike offsets. Every list the API serves
// is paginated this way (the domain contract test checks it): no list stops silently at a cap. Not part of the API
// layer, so that read models (which may not import HTTP code) build pages with the same helpers the routes use.
import { invalidField } from "./errors/index.ts";

export type CursorKey = readonly (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** Decodes a cursor made by encodeCursor with `arity` parts; anything else is a VALIDATION_FAILED on query.cursor. */
export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part) => typeof part === "string" || typeof part === "number")
    ) {
      return key;
    }
  } catch {
    // fall through to the field error
  }
  throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
}

export interface PageRequest {
  limit: number;
  /** The decoded key of the last item of the previous page, or undefined for the first page. */
  after: (string | number)[] | undefined;
}

/** Reads `?limit=&cursor=` (limit already defaulted and bounded by PageQuerySchema). */
export function pageRequest(query: { limit?: number; cursor?: string }, arity: number, defaultLimit = 50): PageRequest {
  return {
    limit: query.limit ?? defaultLimit,
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, arity),
  };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from rows a read model fetched with `LIMIT limit + 1` in key order: the extra row only says another
 * page exists; the cursor is the key of the last item returned.
 */
export function pageOfRows<T>(rows: readonly T[], limit: number, keyOf: (item: T) => CursorKey): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

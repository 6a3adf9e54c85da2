// Keyset pages as the EIDL read model returns them, without the API layer: the read model fetches `limit + 1` rows in
// key order and keeps `limit`; the extra row only says another page exists. The routes turn `nextKey` into the
// opaque `nextCursor` (encodeCursor). src/core/paging.ts's pageOfRows does the same and may now be imported by read
// models; this copy predates it and should move onto it.

export type PageKey = readonly (string | number)[];

/** `?limit=&cursor=` decoded: the page size and the key of the last item of the previous page. */
export interface PageAsk {
  limit: number;
  after: readonly (string | number)[] | undefined;
}

export interface PageSlice<T> {
  items: T[];
  /** The key of the last item when another page follows, else null. */
  nextKey: PageKey | null;
}

export function sliceOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => PageKey): PageSlice<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextKey: rows.length > limit && last !== undefined ? keyOf(last) : null };
}

/** The same page with its items mapped (rows to views), keeping the key. */
export async function mapSlice<T, U>(slice: PageSlice<T>, map: (row: T) => U | Promise<U>): Promise<PageSlice<U>> {
  return { items: await Promise.all(slice.items.map(map)), nextKey: slice.nextKey };
}

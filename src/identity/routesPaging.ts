// Reads `?limit=&cursor=` for a list whose cursor key has the given parts, so a cursor of another list (or a forged
// one) is refused naming query.cursor instead of reaching a query with values of the wrong type.
// (The same few lines live in src/membership/routes.ts: a candidate for src/core/paging.ts.)
import { type CursorKey, pageRequest } from "../core/api/index.ts";
import { invalidField } from "../core/errors/index.ts";

export function keysetPage<K extends CursorKey>(
  query: { limit?: number; cursor?: string },
  kinds: readonly ("number" | "string")[],
): { limit: number; after: K | undefined } {
  const { limit, after } = pageRequest(query, kinds.length);
  if (after?.some((part, i) => typeof part !== kinds[i])) {
    throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
  }
  return { limit, after: after as K | undefined };
}

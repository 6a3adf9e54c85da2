// Opaque keyset cursors for list endpoints (`?limit=&cursor=`): the client passes back nextCursor unchanged; the
// server decodes the sort key of the last item it returned. Stable under inserts, unlike offsets.
import { invalidField } from "./errors.ts";

export function encodeCursor(key: readonly (string | number)[]): string {
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

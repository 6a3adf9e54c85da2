// The API's view of keyset pagination: the helpers live in src/core/paging.ts, which read models may import too.
export {
  type CursorKey,
  decodeCursor,
  encodeCursor,
  type Page,
  type PageRequest,
  pageOfRows,
  pageRequest,
} from "../paging.ts";

// Public surface of the API core: what the agent and the domains' route modules import.

export {
  type CursorKey,
  decodeCursor,
  encodeCursor,
  type Page,
  type PageRequest,
  pageOfRows,
  pageRequest,
} from "../paging.ts";
export {
  type ApiKeySummary,
  apiMigrations,
  type CreateApiKeyParams,
  createApiKey,
  listApiKeys,
  type Principal,
  ROLES,
  type Role,
  revokeApiKey,
} from "./api-keys.ts";
export { principalOf } from "./auth.ts";
export {
  API_ERROR_CODES,
  API_ERRORS,
  ApiError,
  type ApiErrorCode,
  type ErrorBody,
  type ErrorDetail,
  invalidField,
} from "./errors.ts";
export type { HealthCheck, HealthChecks, HealthResult } from "./health.ts";
export {
  ADDRESS_PATTERN,
  AddressSchema,
  Bytes32Schema,
  DID_ETHR_PATTERN,
  DidSchema,
  ErrorBodySchema,
  errorResponses,
  PageQuerySchema,
  pageOf,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "./schemas.ts";
export { type ApiServerOptions, createApiServer } from "./server.ts";
export type { ApiApp, ApiModule, AuthLevel, RouteCatalogEntry } from "./types.ts";

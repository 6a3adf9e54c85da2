// Public surface of the API core: what the agent and the domains' route modules import.
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
export { decodeCursor, encodeCursor } from "./pagination.ts";
export { ErrorBodySchema, errorResponses, PageQuerySchema, pageOf, strictObject } from "./schemas.ts";
export { type ApiServerOptions, createApiServer } from "./server.ts";
export type { ApiApp, ApiModule, AuthLevel } from "./types.ts";

// The API layer's view of the platform's error codes (declared in src/core/errors/platform.ts, documented in
// docs/api-errors.md, kept in agreement by errors.test.ts), and the ApiError class the platform's routes throw.
// Domains raise DomainErrors instead (src/core/errors), with no HTTP in their code.
import { PLATFORM_ERRORS } from "../errors/platform.ts";

/** The platform's codes (src/core/errors/platform.ts) as the API layer names them. */
export const API_ERRORS = PLATFORM_ERRORS;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** One field-level problem: `field` is a path such as `body.allocations[0].tn` or `params.orgId`. */
export interface ErrorDetail {
  field: string;
  message: string;
}

/** The one JSON error shape every endpoint answers with. */
export interface ErrorBody {
  /** An API code (above) or a domain's code (its error table); docs/api-errors.md lists them all. */
  code: string;
  message: string;
  requestId: string;
  details?: ErrorDetail[];
  /** Machine-readable facts about a domain's refusal (e.g. a credential's status and reason). */
  facts?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ApiErrorCode, message: string, options?: { details?: ErrorDetail[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.statusCode = API_ERRORS[code].status;
    this.details = options?.details;
  }
}

/** A VALIDATION_FAILED error for one field, for checks a schema cannot express. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError("VALIDATION_FAILED", `${field} ${message}`, { details: [{ field, message }] });
}

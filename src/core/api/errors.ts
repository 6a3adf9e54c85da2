// The API's error contract: one registry of stable codes with their HTTP status (documented in docs/api-errors.md,
// kept in agreement by errors.test.ts), and the ApiError class every route throws.

export const API_ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    description: "A body, query, path or header field failed its schema; see details.",
  },
  MALFORMED_REQUEST: {
    status: 400,
    description: "The request could not be read: malformed HTTP, bad percent-encoding in the URL, malformed JSON.",
  },
  UNAUTHENTICATED: { status: 401, description: "No API key, a malformed one, or one that is unknown or revoked." },
  FORBIDDEN: { status: 403, description: "The API key's role does not allow this operation." },
  NOT_FOUND: { status: 404, description: "No such route, or no such resource for this member." },
  REQUEST_TIMEOUT: { status: 408, description: "The request did not arrive in full within the server's time limit." },
  CONFLICT: { status: 409, description: "The change conflicts with existing state (duplicate key, wrong state)." },
  PAYLOAD_TOO_LARGE: { status: 413, description: "The body is larger than the server accepts." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: "The body's Content-Type is not application/json." },
  CHAIN_REVERTED: { status: 422, description: "The ledger rejected the transaction; the contract's reason is given." },
  RATE_LIMITED: { status: 429, description: "Too many requests; retry after the Retry-After header (reserved)." },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: "The request line and headers exceed the server's limit (16 KiB): an over-long URL or header.",
  },
  INTERNAL: { status: 500, description: "An unexpected error; quote the requestId when reporting it." },
  CHAIN_UNAVAILABLE: { status: 503, description: "The ledger node cannot be reached; retry later." },
} as const satisfies Record<string, { status: number; description: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** One field-level problem: `field` is a path such as `body.allocations[0].tn` or `params.orgId`. */
export interface ErrorDetail {
  field: string;
  message: string;
}

/** The one JSON error shape every endpoint answers with. */
export interface ErrorBody {
  code: ApiErrorCode;
  message: string;
  requestId: string;
  details?: ErrorDetail[];
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

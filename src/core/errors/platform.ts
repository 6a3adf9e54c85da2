// The platform's own error codes, shared by every domain: input that fails a rule a schema cannot express, a missing
// resource, a conflict with existing state, a role that does not allow the operation. Domains raise them with the
// helpers below (DomainErrors, no HTTP in domain code); the API answers them with the status declared here.
import { DomainError, defineErrors, type FieldPath } from "./domainError.ts";

export const PLATFORM_ERRORS = defineErrors("platform", {
  VALIDATION_FAILED: {
    status: 400,
    description: "A body, query, path or header field failed its schema or a rule; details name each field.",
  },
  MALFORMED_REQUEST: {
    status: 400,
    description: "The request could not be read: malformed HTTP, bad percent-encoding in the URL, malformed JSON.",
  },
  UNAUTHENTICATED: {
    status: 401,
    description: "No API key, a malformed one, or one that is unknown, revoked or belongs to another member.",
  },
  FORBIDDEN: { status: 403, description: "The API key's role (or the member's) does not allow this operation." },
  NOT_FOUND: { status: 404, description: "No such route, or no such resource for this member." },
  REQUEST_TIMEOUT: { status: 408, description: "The request did not arrive in full within the server's time limit." },
  CONFLICT: { status: 409, description: "The change conflicts with existing state (duplicate key, wrong state)." },
  PAYLOAD_TOO_LARGE: { status: 413, description: "The body is larger than the server accepts." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: "The body's Content-Type is not application/json." },
  CHAIN_REVERTED: { status: 422, description: "The ledger rejected the transaction; the contract's reason is given." },
  CHAIN_REJECTED: {
    status: 422,
    description:
      "The ledger node refused the transaction (e.g. insufficient funds, invalid opcode); its words are given.",
  },
  RATE_LIMITED: { status: 429, description: "Too many requests; retry after the Retry-After header." },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: "The request line and headers exceed the server's limit (16 KiB): an over-long URL or header.",
  },
  INTERNAL: { status: 500, description: "An unexpected error; quote the requestId when reporting it." },
  CHAIN_UNAVAILABLE: { status: 503, description: "The ledger node cannot be reached; retry later." },
} as const);

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

/** A field breaks a rule its schema cannot express (e.g. a date in the past, an unknown role). */
export const invalidField = (field: FieldPath, problem: string): DomainError<"VALIDATION_FAILED"> =>
  new DomainError("VALIDATION_FAILED", `${field} ${problem}`, { field, problem });

export const notFound = (message: string): DomainError<"NOT_FOUND"> => new DomainError("NOT_FOUND", message);

export const conflict = (message: string, details?: Record<string, unknown>): DomainError<"CONFLICT"> =>
  new DomainError("CONFLICT", message, details ? { details } : {});

/** The member (not the API key) may not do this: its roles on the ledger do not allow it. */
export const forbidden = (message: string): DomainError<"FORBIDDEN"> => new DomainError("FORBIDDEN", message);

// Typed errors of the signed-calls domain. Each has a stable code; verification failures also carry the RFC 8224 SIP
// response a terminating proxy should send (403, 428, 436, 437, 438), so the API and Kamailio agree on one mapping.

export const STIR_ERRORS = {
  STIR_INVALID_INPUT: { sip: 400, sipReason: "Bad Request" },
  /** No Identity header where one is required (RFC 8224 section 6.2.2). */
  STIR_IDENTITY_MISSING: { sip: 428, sipReason: "Use Identity Header" },
  /** The Identity header or its PASSporT cannot be read: truncated, oversized, not a JWS, bad JSON, wrong types. */
  STIR_IDENTITY_MALFORMED: { sip: 438, sipReason: "Invalid Identity Header" },
  /** alg other than ES256, typ other than passport, ppt other than the one expected. */
  STIR_IDENTITY_UNSUPPORTED: { sip: 437, sipReason: "Unsupported Credential" },
  /** iat outside the freshness window, in the past or the future. */
  STIR_IDENTITY_STALE: { sip: 403, sipReason: "Stale Date" },
  /** The credential (x5u certificate or DID key) cannot be fetched or resolved. */
  STIR_CREDENTIAL_UNAVAILABLE: { sip: 436, sipReason: "Bad Identity Info" },
  /** The certificate does not chain to a trusted STI-CA, is expired, or lacks a usable TNAuthList. */
  STIR_CREDENTIAL_UNTRUSTED: { sip: 437, sipReason: "Unsupported Credential" },
  /** The signature does not verify, or orig/dest do not match the call. */
  STIR_SIGNATURE_INVALID: { sip: 438, sipReason: "Invalid Identity Header" },
  STIR_NOT_FOUND: { sip: 404, sipReason: "Not Found" },
  STIR_NOT_CONFIGURED: { sip: 500, sipReason: "Server Internal Error" },
} as const;

export type StirErrorCode = keyof typeof STIR_ERRORS;

export class StirError extends Error {
  readonly code: StirErrorCode;
  /** The request field at fault, for input errors. */
  readonly field: string | undefined;
  /** A machine-readable reason (e.g. "iat-stale", "x5u-host-not-allowed"). */
  readonly reason: string;

  constructor(code: StirErrorCode, reason: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StirError";
    this.code = code;
    this.reason = reason;
    this.field = options.field;
  }

  get sipCode(): number {
    return STIR_ERRORS[this.code].sip;
  }

  get sipReason(): string {
    return STIR_ERRORS[this.code].sipReason;
  }
}

export function invalidStirInput(field: string, message: string): StirError {
  return new StirError("STIR_INVALID_INPUT", "invalid-input", `${field} ${message}`, { field });
}

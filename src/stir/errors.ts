// Typed errors of the signed-calls domain. Each has a stable code; verification failures also carry the RFC 8224 SIP
// response a terminating proxy should send (403, 428, 436, 437, 438), so the API and Kamailio agree on one mapping.
import { DomainError, defineErrors, type FieldPath } from "../core/errors/index.ts";

export const STIR_ERRORS = defineErrors("stir", {
  STIR_INVALID_INPUT: {
    status: 400,
    description: "A signed-calls input is malformed; details name the field.",
    sip: { code: 400, reason: "Bad Request" },
  },
  STIR_IDENTITY_MISSING: {
    status: 400,
    description: "No Identity header where one is required (RFC 8224 section 6.2.2).",
    sip: { code: 428, reason: "Use Identity Header" },
  },
  STIR_IDENTITY_MALFORMED: {
    status: 400,
    description:
      "The Identity header or its PASSporT cannot be read: truncated, oversized, not a JWS, bad JSON, wrong types.",
    sip: { code: 438, reason: "Invalid Identity Header" },
  },
  STIR_IDENTITY_UNSUPPORTED: {
    status: 400,
    description: "alg other than ES256, typ other than passport, or ppt other than the one expected.",
    sip: { code: 437, reason: "Unsupported Credential" },
  },
  STIR_IDENTITY_STALE: {
    status: 400,
    description: "iat outside the freshness window, in the past or the future.",
    sip: { code: 403, reason: "Stale Date" },
  },
  STIR_CREDENTIAL_UNAVAILABLE: {
    status: 400,
    description: "The credential (x5u certificate or DID key) cannot be fetched or resolved.",
    sip: { code: 436, reason: "Bad Identity Info" },
  },
  STIR_CREDENTIAL_UNTRUSTED: {
    status: 400,
    description: "The certificate does not chain to a trusted STI-CA, is expired, or lacks a usable TNAuthList.",
    sip: { code: 437, reason: "Unsupported Credential" },
  },
  STIR_SIGNATURE_INVALID: {
    status: 400,
    description: "The signature does not verify, or orig/dest do not match the call.",
    sip: { code: 438, reason: "Invalid Identity Header" },
  },
  STIR_NOT_FOUND: {
    status: 404,
    description: "No such signed-calls resource (certificate file, trust root, signing key).",
    sip: { code: 404, reason: "Not Found" },
  },
  STIR_NOT_CONFIGURED: {
    status: 409,
    description: "This agent lacks what the operation needs (an STI certificate, a signing key).",
    sip: { code: 500, reason: "Server Internal Error" },
  },
});

export type StirErrorCode = keyof typeof STIR_ERRORS;

export class StirError extends DomainError<StirErrorCode> {
  /** A machine-readable reason (e.g. "iat-stale", "x5u-host-not-allowed"). */
  readonly reason: string;

  constructor(code: StirErrorCode, reason: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    const field = options.field === undefined ? undefined : absolute(options.field);
    super(code, message, {
      details: { reason },
      ...(field ? { field } : {}),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.reason = reason;
  }

  get sipCode(): number {
    return STIR_ERRORS[this.code].sip?.code ?? 500;
  }

  get sipReason(): string {
    return STIR_ERRORS[this.code].sip?.reason ?? "Server Internal Error";
  }
}

/** Signed-calls inputs arrive in request bodies: a bare name is a body field. */
function absolute(field: string): FieldPath {
  return (/^(body|params|query|headers)(\.|\[|$)/.test(field) ? field : `body.${field}`) as FieldPath;
}

export function invalidStirInput(field: string, message: string): StirError {
  return new StirError("STIR_INVALID_INPUT", "invalid-input", `${field} ${message}`, { field });
}

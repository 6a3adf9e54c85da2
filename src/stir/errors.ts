// Typed errors of the signed-calls domain. Each has a stable code, the HTTP status the API answers and the RFC 8224
// SIP response a terminating proxy sends (403, 428, 436, 437, 438), so the API and Kamailio agree on one mapping.
// The STI-VS (POST /stir/v1/verification) and the OSP's attestation do not throw these for a bad PASSporT: they answer
// 200 with a verstat and reasonCode, or attestation B/C with reasons. The statuses below apply where a route lets one
// through. Input the schemas cannot check (a TN's digits, a PEM) is the platform's VALIDATION_FAILED (invalidField),
// a missing resource its NOT_FOUND: those are not signed-calls codes.
import { DomainError, defineErrors, type FieldPath } from "../core/errors/index.ts";

export const STIR_ERRORS = defineErrors("stir", {
  STIR_IDENTITY_MISSING: {
    // 400: the request lacks an input it needs, as a missing field would be.
    status: 400,
    description: "No Identity header where one is required (RFC 8224 section 6.2.2).",
    sip: { code: 428, reason: "Use Identity Header" },
  },
  STIR_IDENTITY_MALFORMED: {
    // 400: the Identity header cannot be read at all, like a field failing its syntax.
    status: 400,
    description:
      "The Identity header or its PASSporT cannot be read: truncated, oversized, not a JWS, bad JSON, wrong types.",
    sip: { code: 438, reason: "Invalid Identity Header" },
  },
  // 422 from here on: the request and its PASSporT are well formed, but the PASSporT fails a rule of RFC 8224/8588.
  STIR_IDENTITY_UNSUPPORTED: {
    status: 422,
    description: "alg other than ES256, typ other than passport, or ppt other than the one expected.",
    sip: { code: 437, reason: "Unsupported Credential" },
  },
  STIR_IDENTITY_STALE: {
    status: 422,
    description: "iat outside the freshness window, in the past or the future.",
    sip: { code: 403, reason: "Stale Date" },
  },
  STIR_CREDENTIAL_UNAVAILABLE: {
    // 422, not 502: most reasons are the PASSporT's fault (x5u not allowed, loopback, not a URL, info differing from
    // x5u, a DID that does not resolve); a fetch timeout is one reason among them, named in facts.reason.
    status: 422,
    description: "The credential (x5u certificate or DID key) cannot be fetched or resolved.",
    sip: { code: 436, reason: "Bad Identity Info" },
  },
  STIR_CREDENTIAL_UNTRUSTED: {
    status: 422,
    description: "The certificate does not chain to a trusted STI-CA, is expired, or lacks a usable TNAuthList.",
    sip: { code: 437, reason: "Unsupported Credential" },
  },
  STIR_SIGNATURE_INVALID: {
    status: 422,
    description: "The signature does not verify, or orig/dest do not match the call.",
    sip: { code: 438, reason: "Invalid Identity Header" },
  },
  STIR_DIVERSION_REFUSED: {
    // 403: the request is well formed, but the ledger does not let the diverting party divert from this number (it
    // may not use it at the time, or is not vetted Authorized), so signing a div PASSporT for it is refused. At the
    // STI-VS the same facts make a div PASSporT an unsupported credential for its diverting number (437).
    status: 403,
    description:
      "A div PASSporT (RFC 8946) is refused: the diverting party may not use the diverting number at the time.",
    sip: { code: 437, reason: "Unsupported Credential" },
  },
  STIR_NOT_CONFIGURED: {
    // 409: the agent's state (no STI certificate, no STI key, not an STI-CA, no signing key) refuses the operation
    // until an administrator configures it; retrying the same request cannot help before that.
    status: 409,
    description: "This agent lacks what the operation needs (an STI certificate, an STI key, a CA, a signing key).",
    sip: { code: 500, reason: "Server Internal Error" },
  },
});

export type StirErrorCode = keyof typeof STIR_ERRORS;

export class StirError extends DomainError<StirErrorCode> {
  /** A machine-readable reason (e.g. "iat-stale", "x5u-host-not-allowed"): the API's facts.reason. */
  readonly reason: string;

  constructor(
    code: StirErrorCode,
    reason: string,
    message: string,
    options: { field?: FieldPath; cause?: unknown } = {},
  ) {
    super(code, message, {
      details: { reason },
      ...(options.field ? { field: options.field } : {}),
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

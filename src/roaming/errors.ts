// Typed errors of the roaming domain and its error table: each code with the HTTP status the API answers. Field paths
// are absolute (body.items[3].imsi, params.requestId), so a client can point at the field it sent.
import { DomainError, defineErrors, type FieldPath } from "../core/errors/index.ts";

export const ROAMING_ERRORS = defineErrors("roaming", {
  ROAMING_INVALID_INPUT: {
    status: 400,
    description: "A roaming input breaks a rule its schema cannot express (e.g. a CSV cell); details name the field.",
  },
  ROAMING_NOT_AN_OPERATOR: {
    status: 403,
    description: "This member holds no network code yet (claim one first), so it cannot act as a visited operator.",
  },
  ROAMING_NO_ENCRYPTION_KEY: {
    status: 409,
    description: "This operator, or the home operator, has published no usable encryption key yet.",
  },
  ROAMING_KEY_NOT_FOUND: {
    status: 404,
    description: "No roaming encryption key with this kid (unknown, or dropped after its grace period).",
  },
  ROAMING_DECRYPT_FAILED: {
    status: 422,
    description: "A ciphertext addressed to this member cannot be decrypted (wrong key, tampered, malformed).",
  },
  ROAMING_SUBSCRIBER_NOT_FOUND: {
    status: 404,
    description: "No subscriber with this IMSI (for a SIM binding: with this MSISDN) in the home register.",
  },
  ROAMING_SIM_IN_USE: {
    status: 409,
    description: "The SIM (IMSI) a number is to be bound to holds another number in the home register.",
  },
  ROAMING_SESSION_NOT_FOUND: { status: 404, description: "No roaming session (visited side) with this request id." },
  ROAMING_REQUEST_NOT_FOUND: {
    status: 404,
    description: "No request with this id on the ledger of which this member is the visited or the home operator.",
  },
  ROAMING_CONFLICT: {
    status: 409,
    description: "The operation needs roaming state this agent lacks (e.g. no organisation DID to publish a key in).",
  },
});

export type RoamingErrorCode = keyof typeof ROAMING_ERRORS;
export const ROAMING_ERROR_CODES = Object.keys(ROAMING_ERRORS) as RoamingErrorCode[];

export class RoamingError extends DomainError<RoamingErrorCode> {
  constructor(code: RoamingErrorCode, message: string, options?: { field?: FieldPath; cause?: unknown }) {
    super(code, message, {
      ...(options?.field === undefined ? {} : { field: options.field }),
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

/** A field breaks a roaming rule: the message starts with the field's absolute path. */
export const invalidRoamingInput = (field: FieldPath, message: string): RoamingError =>
  new RoamingError("ROAMING_INVALID_INPUT", `${field} ${message}`, { field });

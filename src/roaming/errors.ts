// Typed errors of the roaming domain and its error table: each code with the HTTP status the API answers.
import { DomainError, defineErrors, type FieldPath } from "../core/errors/index.ts";

export const ROAMING_ERRORS = defineErrors("roaming", {
  ROAMING_INVALID_INPUT: { status: 400, description: "A roaming input is malformed; details name the field." },
  ROAMING_UNKNOWN_NETWORK: {
    status: 422,
    description: "No operator holds the network code (PLMN) the request names, so nobody can answer it.",
  },
  ROAMING_NOT_AN_OPERATOR: {
    status: 403,
    description: "This member (or the counterparty) is not a registered mobile operator with a roaming identity.",
  },
  ROAMING_NO_ENCRYPTION_KEY: {
    status: 409,
    description: "The home operator has published no encryption key yet: nothing can be sent to it.",
  },
  ROAMING_KEY_NOT_FOUND: { status: 404, description: "No roaming key with this kid in the member's keystore." },
  ROAMING_DECRYPT_FAILED: {
    status: 422,
    description: "A ciphertext addressed to this member cannot be decrypted (wrong key, tampered, malformed).",
  },
  ROAMING_SUBSCRIBER_NOT_FOUND: { status: 404, description: "No subscriber with this IMSI in the home register." },
  ROAMING_SESSION_NOT_FOUND: { status: 404, description: "No roaming session with this request id." },
  ROAMING_CONFLICT: { status: 409, description: "The change conflicts with the roaming state (e.g. a pending claim)." },
});

export type RoamingErrorCode = keyof typeof ROAMING_ERRORS;
export const ROAMING_ERROR_CODES = Object.keys(ROAMING_ERRORS) as RoamingErrorCode[];

export class RoamingError extends DomainError<RoamingErrorCode> {
  constructor(code: RoamingErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(code, message, {
      ...(options?.field === undefined ? {} : { field: options.field as FieldPath }),
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

export const invalidRoamingInput = (field: string, message: string): RoamingError =>
  new RoamingError("ROAMING_INVALID_INPUT", `${field} ${message}`, { field });

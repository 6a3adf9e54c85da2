// Typed errors of the roaming domain, each with a stable code; src/agent/domainErrors.ts maps them onto the API.
export const ROAMING_ERROR_CODES = [
  "ROAMING_INVALID_INPUT",
  "ROAMING_UNKNOWN_NETWORK",
  "ROAMING_NOT_AN_OPERATOR",
  "ROAMING_NO_ENCRYPTION_KEY",
  "ROAMING_KEY_NOT_FOUND",
  "ROAMING_DECRYPT_FAILED",
  "ROAMING_SUBSCRIBER_NOT_FOUND",
  "ROAMING_SESSION_NOT_FOUND",
  "ROAMING_CONFLICT",
] as const;

export type RoamingErrorCode = (typeof ROAMING_ERROR_CODES)[number];

export class RoamingError extends Error {
  readonly code: RoamingErrorCode;
  /** The input field at fault, for ROAMING_INVALID_INPUT. */
  readonly field: string | undefined;

  constructor(code: RoamingErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RoamingError";
    this.code = code;
    this.field = options?.field;
  }
}

export const invalidRoamingInput = (field: string, message: string): RoamingError =>
  new RoamingError("ROAMING_INVALID_INPUT", `${field} ${message}`, { field });

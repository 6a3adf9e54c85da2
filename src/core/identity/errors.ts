// Typed errors of the identity core. The code is stable and part of the API contract (the REST layer maps it to an
// HTTP status); the message is for people and may change.

export type IdentityErrorCode =
  | "IDENTITY_INVALID_INPUT"
  | "KEYSTORE_WRONG_PASSPHRASE"
  | "KEYSTORE_CORRUPT_FILE"
  | "KEY_NOT_FOUND"
  | "KEY_RETIRED"
  | "KEY_KIND_MISMATCH"
  | "DID_NOT_HOSTED"
  | "DID_NO_SIGNING_KEY"
  | "DID_RESOLUTION_FAILED"
  | "CREDENTIAL_INVALID"
  | "CREDENTIAL_EXPIRED"
  | "CREDENTIAL_REVOKED"
  | "CREDENTIAL_SUSPENDED"
  | "CREDENTIAL_STATUS_UNAVAILABLE"
  | "DID_AUTH_INVALID"
  | "DID_AUTH_CHALLENGE_UNKNOWN";

/** HTTP status the API layer answers with for each code. */
export const identityErrorStatus: Record<IdentityErrorCode, number> = {
  IDENTITY_INVALID_INPUT: 400,
  KEYSTORE_WRONG_PASSPHRASE: 401,
  KEYSTORE_CORRUPT_FILE: 500,
  KEY_NOT_FOUND: 404,
  KEY_RETIRED: 409,
  KEY_KIND_MISMATCH: 400,
  DID_NOT_HOSTED: 404,
  DID_NO_SIGNING_KEY: 409,
  DID_RESOLUTION_FAILED: 502,
  CREDENTIAL_INVALID: 422,
  CREDENTIAL_EXPIRED: 422,
  CREDENTIAL_REVOKED: 422,
  CREDENTIAL_SUSPENDED: 422,
  CREDENTIAL_STATUS_UNAVAILABLE: 502,
  DID_AUTH_INVALID: 401,
  DID_AUTH_CHALLENGE_UNKNOWN: 401,
};

export interface IdentityErrorOptions {
  /** The input field at fault, for IDENTITY_INVALID_INPUT ("serviceEndpoint", "reason"). */
  field?: string;
  /** Machine-readable facts (the file, the status and reason of a credential ...). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class IdentityError extends Error {
  override readonly name = "IdentityError";
  readonly code: IdentityErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: IdentityErrorCode, message: string, options: IdentityErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.details = options.details ?? {};
  }

  get status(): number {
    return identityErrorStatus[this.code];
  }
}

/** Shorthand for a bad input: the message names the field. */
export function invalidInput(field: string, problem: string): IdentityError {
  return new IdentityError("IDENTITY_INVALID_INPUT", `${field}: ${problem}`, { field });
}

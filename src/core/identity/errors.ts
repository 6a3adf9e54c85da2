// Typed errors of the identity core, and its error table: each code with the HTTP status the API answers. The code is
// stable and part of the API contract; the message is for people and may change.
import { DomainError, defineErrors, type FieldPath } from "../errors/index.ts";

export const IDENTITY_ERRORS = defineErrors("identity", {
  IDENTITY_INVALID_INPUT: { status: 400, description: "An identity input is malformed; details name the field." },
  KEYSTORE_WRONG_PASSPHRASE: {
    status: 500,
    description: "The keystore passphrase is wrong (raised when an agent or the CLI opens a keystore, not by routes).",
  },
  KEYSTORE_CORRUPT_FILE: { status: 500, description: "A keystore file cannot be read; the message names it." },
  KEYSTORE_INSECURE_PERMISSIONS: {
    status: 500,
    description:
      "The keystore directory or a key file is accessible to group or others; the message names it and the chmod to run.",
  },
  KEY_NOT_FOUND: { status: 404, description: "No key with this id or address in the member's keystore." },
  KEY_RETIRED: { status: 409, description: "The key was retired (rotated away) and no longer signs." },
  KEY_KIND_MISMATCH: { status: 400, description: "The key is of another kind than the operation needs." },
  DID_NOT_HOSTED: { status: 404, description: "The DID is not one this agent hosts." },
  DID_NO_SIGNING_KEY: { status: 409, description: "The DID has no signing key yet." },
  DID_RESOLUTION_FAILED: {
    status: 404,
    description: "The DID does not resolve on this ledger (unknown network, malformed, or no document).",
  },
  CREDENTIAL_INVALID: {
    status: 422,
    description: "The credential is well-formed JSON but fails verification: signature, issuer, format or dates.",
  },
  CREDENTIAL_EXPIRED: { status: 422, description: "The credential is past its expiration date (validUntil, exp)." },
  CREDENTIAL_NOT_YET_VALID: {
    status: 422,
    description: "The credential's validity period has not begun (validFrom, nbf in the future).",
  },
  CREDENTIAL_REVOKED: { status: 422, description: "The credential's issuer revoked it; facts give the reason." },
  CREDENTIAL_SUSPENDED: { status: 422, description: "The credential's issuer suspended it; facts give the reason." },
  CREDENTIAL_STATUS_UNAVAILABLE: {
    status: 503,
    description:
      "Kept for clients: verification no longer raises it (a status it cannot read is answered as status unknown).",
  },
  PRESENTATION_INVALID: {
    status: 422,
    description:
      "An SD-JWT presentation's key binding fails: no key-binding JWT, another nonce or audience than the verifier's, " +
      "a stale iat, or not signed by the credential's cnf key over the presented disclosures.",
  },
  PRESENTATION_REPLAYED: {
    status: 409,
    description:
      "A presentation for this nonce (the request's identifier) was already accepted: each request is answered once.",
  },
  ATTESTATION_SERVICE_NOT_FOUND: {
    status: 404,
    description: "This agent serves no attestation of that type (PUT /v1/identity/attestation-services/{type} first).",
  },
  ATTESTATION_PRECONDITIONS_NOT_MET: {
    status: 422,
    description:
      "The presented credentials meet none of the attestation service's preconditions (type from a listed issuer).",
  },
  ATTESTATION_NOT_FOUND: { status: 404, description: "No attestation with this credentialId was issued by the flows." },
  ATTESTATION_NOT_ACTIVE: {
    status: 409,
    description: "The attestation was revoked or superseded already; details give its state.",
  },
  ATTESTATION_NO_REPLY_ENDPOINT: {
    status: 409,
    description: "The holder signed no reply endpoint into a message this agent took: the flow cannot answer it.",
  },
  DID_AUTH_INVALID: {
    status: 422,
    description: "The DID-Auth response does not verify: signature, audience, challenge or DID mismatch.",
  },
  DID_AUTH_CHALLENGE_UNKNOWN: {
    status: 404,
    description: "The answered DID-Auth challenge was never opened by this agent (or closed over a day ago).",
  },
  DID_AUTH_CHALLENGE_USED: {
    status: 409,
    description: "The DID-Auth challenge was already answered: a replayed response; each challenge is accepted once.",
  },
  DID_AUTH_CHALLENGE_EXPIRED: {
    status: 410,
    description: "The DID-Auth challenge expired before it was answered; open a new one.",
  },
  DID_AUTH_TOO_MANY_CHALLENGES: {
    status: 429,
    description:
      "Too many open DID-Auth challenges (per API key, or for the whole agent); answer some or wait for them to expire.",
  },
  MESSAGE_INVALID: {
    status: 422,
    description:
      "An attestation message does not fit its type's JSON Schema (or names no known type); details name the field.",
  },
  MESSAGE_UNDECRYPTABLE: {
    status: 422,
    description: "An encrypted message does not open: not for one of our keys, tampered, or not a JWE of a signed JWT.",
  },
  MESSAGE_SIGNATURE_INVALID: {
    status: 422,
    description: "A message's signature does not verify against its sender's DID document (or the token is malformed).",
  },
  MESSAGE_WRONG_RECIPIENT: { status: 422, description: "A message is addressed (aud) to another DID." },
  MESSAGE_EXPIRED: { status: 422, description: "A message is past its exp, or claims a lifetime longer than allowed." },
  MESSAGE_NOT_ENCRYPTED: {
    status: 422,
    description: "A message type that carries personal data arrived in clear; it must be encrypted to the recipient.",
  },
  MESSAGE_REPLAYED: { status: 409, description: "A message (sender and jti) was already received: a replay." },
  MESSAGE_RECIPIENT_NO_KEY: {
    status: 422,
    description: "The recipient's DID document lists no P-256 keyAgreement key to encrypt a message to.",
  },
  RECOVERY_NOT_ENROLLED: {
    status: 404,
    description: "The identity has no guardians enrolled with the SocialRecovery contract (or is not in its custody).",
  },
  RECOVERY_REFUSED: {
    status: 403,
    description:
      "The SocialRecovery contract refuses the caller: not a guardian, not the operator guardian, or not the controller.",
  },
  RECOVERY_OPERATOR_COOLING_DOWN: {
    status: 409,
    description:
      "The operator guardian's approval is refused until the SIM-swap cool-down ends; facts give coolDownEndsAt.",
  },
  RECOVERY_THRESHOLD_NOT_MET: {
    status: 409,
    description: "The recovery has fewer valid guardian approvals than the threshold; facts give both.",
  },
  RECOVERY_DELAY_RUNNING: {
    status: 409,
    description: "The recovery's delay (the person's time to cancel) has not passed; facts give readyAt.",
  },
  RECOVERY_UNKNOWN: {
    status: 404,
    description: "No open recovery with this id: never proposed, cancelled, executed or ended by a re-enrolment.",
  },
  RECOVERY_CONFLICT: {
    status: 409,
    description: "The recovery already exists, or this guardian already approved it.",
  },
  RECOVERY_NOT_OPERATOR_GUARDIAN: {
    status: 409,
    description: "The identity does not name this member as its operator guardian: its number cannot be enrolled here.",
  },
  RECOVERY_NUMBER_TAKEN: {
    status: 409,
    description: "The number is enrolled with this operator for another identity; remove that enrolment first.",
  },
  RECOVERY_NUMBER_NOT_ENROLLED: {
    status: 404,
    description: "The number is not enrolled with this operator for recovery.",
  },
  BACKUP_UNREADABLE: {
    status: 422,
    description: "A wallet backup does not open: wrong passphrase, tampered, or not a telco-ledger backup.",
  },
  MESSAGE_DELIVERY_FAILED: {
    status: 502,
    description:
      "The recipient's agent or hub could not be reached, timed out, or failed (5xx or no JSON answer); details name the endpoint.",
  },
  MESSAGE_REFUSED: {
    status: 422,
    description:
      "The recipient's agent or hub answered and refused the message (a 4xx: wrong recipient, no such route, access retracted, ...); details give its status, code and message.",
  },
});

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

export class IdentityError extends DomainError<IdentityErrorCode> {}

const CONTEXTS = ["body", "params", "query", "headers"];

/** Identity inputs arrive in request bodies: a bare name is a body field; an absolute path is kept as it is. */
function fieldPath(field: string): FieldPath {
  return (CONTEXTS.some((c) => field === c || field.startsWith(`${c}.`)) ? field : `body.${field}`) as FieldPath;
}

/** Shorthand for a bad input: the message names the field. */
export function invalidInput(field: string, problem: string): IdentityError {
  return new IdentityError("IDENTITY_INVALID_INPUT", `${field}: ${problem}`, { field: fieldPath(field) });
}

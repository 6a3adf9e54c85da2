// Errors of identity assurance (IDM-002 vouching, KYC reuse, IDM-004 attestations): each code with its HTTP status.
import { DomainError, defineErrors, type FieldPath } from "../../core/errors/index.ts";

export const ASSURANCE_ERRORS = defineErrors("identity", {
  ASSURANCE_INVALID_INPUT: {
    status: 400,
    description: "An identity-assurance input breaks a rule its schema cannot express; details name the field.",
  },
  ASSURANCE_VOUCHING_NOT_FOUND: { status: 404, description: "No vouching with this id on the ledger." },
  ASSURANCE_ALREADY_VOUCHED: {
    status: 409,
    description: "This member vouched for this ID file already (standing or revoked: a revocation is final).",
  },
  ASSURANCE_NOT_VOUCHER: { status: 403, description: "Only the member that vouched revokes the vouching." },
  ASSURANCE_ALREADY_REVOKED: {
    status: 409,
    description: "The vouching or attestation is revoked or withdrawn already.",
  },
  ASSURANCE_NOT_VOUCHED: {
    status: 404,
    description:
      "No member vouches (standing) for this ID file: its fingerprint is unknown or every vouching is revoked.",
  },
  ASSURANCE_CONSENT_INVALID: {
    status: 403,
    description:
      "The subscriber's consent to reuse does not hold: another file, holder or relying member, expired, or not " +
      "signed by the holder's DID key; facts name the problem.",
  },
  ASSURANCE_SELF_ATTESTATION: { status: 409, description: "An attester cannot attest about itself." },
  ASSURANCE_DUPLICATE_ATTESTER: {
    status: 409,
    description: "This attester attested this claim about this subject already (standing or withdrawn).",
  },
  ASSURANCE_BAD_SIGNATURE: {
    status: 422,
    description: "The relayed attestation or withdrawal is not signed by the attester's key.",
  },
  ASSURANCE_ATTESTATION_NOT_FOUND: { status: 404, description: "No attestation with this id on the ledger." },
  ASSURANCE_NOT_ATTESTER: {
    status: 403,
    description: "Only the attester withdraws its attestation (a member's own, or a person's through its signature).",
  },
});

export type AssuranceErrorCode = keyof typeof ASSURANCE_ERRORS;

export class AssuranceError extends DomainError {
  constructor(
    code: AssuranceErrorCode,
    message: string,
    options: { field?: FieldPath; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}

export const invalidAssuranceInput = (field: FieldPath, problem: string) =>
  new AssuranceError("ASSURANCE_INVALID_INPUT", `${field} ${problem}`, { field });

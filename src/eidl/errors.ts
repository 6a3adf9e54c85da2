// The EIDL domain's error table: the refusals a client can act on by code (an organisation this ledger does not know,
// one another agent hosts, a vetting or a grant the trust hierarchy forbids). Generic cases use the platform's
// helpers (invalidField, notFound); a contract revert stays the platform's CHAIN_REVERTED. docs/eidl.md lists them.
import { DomainError, type DomainErrorOptions, defineErrors } from "../core/errors/index.ts";

export const EIDL_ERRORS = defineErrors("eidl", {
  EIDL_UNKNOWN_ORGANISATION: {
    status: 404,
    description:
      "No organisation account with this DID on the ledger (an account another agent just created appears once " +
      "this agent has indexed its block); details name the field.",
  },
  EIDL_NOT_HOSTED: {
    status: 403,
    description: "The organisation is hosted by another member's agent: only its own agent can act for it.",
  },
  EIDL_ROLE_MISSING: {
    status: 403,
    description: "This member lacks the consortium role an organisation of this type needs (e.g. TNSP for type 4).",
  },
  EIDL_VETTING_NOT_ALLOWED: {
    status: 403,
    description:
      "The trust hierarchy does not let this vetter vet this organisation: the Trust Authority vets TNSPs, KYC " +
      "vetters, OSPs and CSPs; a KYC vetter vets TNRs, Brands and BPOs.",
  },
  EIDL_VETTING_VERSION: {
    status: 409,
    description: "body.version is not the next version of the organisation's vetting (the ledger numbers them).",
  },
  EIDL_NOT_VETTED: { status: 404, description: "The organisation has no vetting record yet." },
  EIDL_TN_NOT_HELD: {
    status: 403,
    description:
      "The number or block is outside the issuer's grants: the issuer holds no valid grant covering it to pass on.",
  },
  EIDL_NOT_NUMBERING_AUTHORITY: {
    status: 403,
    description:
      "The organisation must be a Numbering Authority (the issuer of a port, the subject of a numbering-plan scope); " +
      "details name the field.",
  },
  EIDL_OUTSIDE_NUMBERING_SCOPE: {
    status: 403,
    description:
      "The number or block lies outside the Numbering Authority's numbering-plan scope (set by the governors): it " +
      "may allocate and port only inside it, and without a scope nothing.",
  },
  EIDL_NOT_GOVERNOR: {
    status: 403,
    description: "This agent's member is not a governor: only governors propose and approve numbering-plan scopes.",
  },
  EIDL_BULK_ITEM_REFUSED: {
    status: 422,
    description:
      "The ledger refused one item of a bulk request (ITnAuthority.BatchItemRefused): details name the item's field " +
      "(body.numbers[i]) and the message the contract's reason. Its batch recorded nothing; other batches of the request (up to three run at once) may stand.",
  },
  EIDL_TOO_MANY_HOLDERS: {
    status: 422,
    description:
      "More grants let someone use the number than one answer carries (MAX_HOLDINGS); page through its chain of " +
      "custody instead.",
  },
} as const);

export type EidlErrorCode = keyof typeof EIDL_ERRORS;

/** A refusal of the EIDL domain, with its code from EIDL_ERRORS. */
export class EidlError extends DomainError<EidlErrorCode> {
  constructor(code: EidlErrorCode, message: string, options?: DomainErrorOptions) {
    super(code, message, options);
  }
}

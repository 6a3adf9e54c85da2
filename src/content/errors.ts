// Typed errors of the content domain and its error table. The ledger's own refusals (an unvetted registrant, a
// sub-licence wider than its parent, a split not summing to 100%, a double claim) reach clients as CHAIN_REVERTED
// naming the contract's custom error; these are the refusals the agent makes before anything is sent.
import { DomainError, defineErrors } from "../core/errors/index.ts";

export const CONTENT_ERRORS = defineErrors("content", {
  CONTENT_WORK_NOT_FOUND: { status: 404, description: "No registered work with this token id in the read model." },
  CONTENT_LICENCE_NOT_FOUND: { status: 404, description: "No licence with this id in the read model." },
  CONTENT_SPLIT_NOT_FOUND: { status: 404, description: "No royalty split with this id in the read model." },
  CONTENT_NOTHING_TO_ANCHOR: {
    status: 409,
    description: "This agent holds no recorded delivery that is not anchored yet (for the licence asked).",
  },
  CONTENT_NOTHING_DUE: {
    status: 409,
    description: "The licence's anchored deliveries of the period are paid for already, or there are none.",
  },
  CONTENT_NOTHING_TO_CLAIM: {
    status: 409,
    description: "No split this member is a recipient of owes it anything now.",
  },
  CONTENT_NO_ATTRIBUTED_DELIVERIES: {
    status: 409,
    description: "No anchored delivery of this licence and period attributed to a promoter waits for its fee.",
  },
});

export type ContentErrorCode = keyof typeof CONTENT_ERRORS;

export class ContentError extends DomainError<ContentErrorCode> {}

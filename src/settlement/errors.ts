// Typed errors of the settlement domain and its error table: the refusals the agent makes before anything is sent.
// The token refuses the same cases itself (NotSettlementBank, BankReferenceUsed), reaching clients as CHAIN_REVERTED
// when a client goes around the agent.
import { DomainError, defineErrors } from "../core/errors/index.ts";

export const SETTLEMENT_ERRORS = defineErrors("settlement", {
  SETTLEMENT_NOT_BANK: {
    status: 403,
    description: "This agent's member does not hold the SETTLEMENT_BANK role: only a settlement bank mints or burns.",
  },
  SETTLEMENT_BANK_REF_USED: {
    status: 409,
    description: "This bank reference was used by an earlier mint or burn: each fiat movement is booked once.",
  },
  SETTLEMENT_BALANCE_TOO_LOW: {
    status: 409,
    description: "The account holds less settlement money than the payout asks to burn.",
  },
});

export type SettlementErrorCode = keyof typeof SETTLEMENT_ERRORS;

export class SettlementError extends DomainError<SettlementErrorCode> {}

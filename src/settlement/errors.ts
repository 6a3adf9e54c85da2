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
  SETTLEMENT_NOT_OPERATOR: {
    status: 403,
    description:
      "This agent's member (or the counterpart named) does not hold MOBILE_OPERATOR: only operators settle roaming.",
  },
  SETTLEMENT_NOT_PARTY: {
    status: 403,
    description:
      "This agent's member is not the party of the agreement that takes this step (e.g. approving its own proposal).",
  },
  SETTLEMENT_AGREEMENT_NOT_FOUND: {
    status: 404,
    description: "No such roaming agreement in this agent's read model.",
  },
  SETTLEMENT_WRONG_STATE: {
    status: 409,
    description:
      "The agreement, batch or invoice is not in the state this step needs (e.g. approving an active agreement).",
  },
  SETTLEMENT_NO_RETURNS: {
    status: 409,
    description:
      "The period has no disputed record to return in a RAP file (no invoice for the period, or no dispute on it).",
  },
  SETTLEMENT_ALREADY_EXISTS: {
    status: 409,
    description: "A record with the same content and creator exists already (its id is derived from them).",
  },
  SETTLEMENT_TERMS_MISMATCH: {
    status: 422,
    description:
      "The agreement terms given do not hash to the termsHash on chain, or disagree with its on-chain values.",
  },
  SETTLEMENT_BATCH_NOT_FOUND: {
    status: 404,
    description: "No such usage record batch in this agent's read model.",
  },
  SETTLEMENT_OUTSIDE_AGREEMENT: {
    status: 422,
    description:
      "A usage record lies outside the agreement's validity, or the batch spans more than one settlement period.",
  },
  SETTLEMENT_BATCH_MISMATCH: {
    status: 422,
    description:
      "The records handed over do not give the batch's anchored Merkle root, count or total: the batch is not confirmed.",
  },
  SETTLEMENT_RECORDS_UNKNOWN: {
    status: 409,
    description:
      "This agent does not hold the batch's records (only the two operators' agents do, once sent or received).",
  },
  SETTLEMENT_INVOICE_NOT_FOUND: {
    status: 404,
    description: "No such invoice in this agent's read model.",
  },
  SETTLEMENT_DISPUTE_NOT_FOUND: {
    status: 404,
    description: "No such dispute in this agent's read model.",
  },
  SETTLEMENT_INVOICE_MISMATCH: {
    status: 409,
    description:
      "The invoice does not cover exactly the period's confirmed batches or their total (the ledger's InvoiceMismatch).",
  },
  SETTLEMENT_WINDOW: {
    status: 409,
    description:
      "The dispute (or answer) window has closed, or the invoice's dispute window is still open for finalising without acceptance.",
  },
  SETTLEMENT_ROUND_NOT_FOUND: {
    status: 404,
    description: "No such netting round in this agent's read model.",
  },
  SETTLEMENT_ALREADY_SETTLED: {
    status: 409,
    description: "This member already paid (or claimed) its net position in the round: nothing is paid twice.",
  },
  SETTLEMENT_ROUND_NOT_FUNDED: {
    status: 409,
    description: "Not every net debtor of the round has paid yet: creditors claim once it is funded.",
  },
  SETTLEMENT_SENDER_NOT_VISITED: {
    status: 403,
    description:
      "A delivered batch is signed by a DID other than the one the batch's visited operator names in the OperatorRegistry.",
  },
  SETTLEMENT_PEER_UNKNOWN: {
    status: 409,
    description:
      "An operator of the batch names no DID in the OperatorRegistry, publishes no encryption key, or its DID names no agent endpoint: publish them first (POST /v1/roaming/keys/publish).",
  },
  SETTLEMENT_DELIVERY_FAILED: {
    status: 502,
    description:
      "The home operator's agent could not be reached, or refused the delivered batch (its status, code and message are in details).",
  },
  SETTLEMENT_TERMS_UNKNOWN: {
    status: 409,
    description: "This agent does not hold the agreement's terms (off chain): propose or approve it here first.",
  },
  SETTLEMENT_CHANNEL_NOT_FOUND: {
    status: 404,
    description: "No such payment channel in this agent's read model, or this member is not one of its two members.",
  },
  SETTLEMENT_CHANNEL_STATE_REFUSED: {
    status: 422,
    description:
      "A proposed channel state this agent will not co-sign: not the counterparty's signature, an old version, balances that do not sum to the deposits, or a payment to the proposer.",
  },
  SETTLEMENT_CHANNEL_FUNDS: {
    status: 409,
    description: "The payment is more than this member's balance in the channel.",
  },
  SETTLEMENT_CHANNEL_USAGE_UNKNOWN: {
    status: 404,
    description: "This agent has no channel payment for that batch (it is not a batch this member confirmed as home).",
  },
  SETTLEMENT_CHANNEL_NO_PEER: {
    status: 409,
    description: "This agent does not know how to reach the counterparty's agent for the channel (set its peer first).",
  },
  SETTLEMENT_BATCH_PAID_BY_CHANNEL: {
    status: 409,
    description:
      "The batch was paid through the operators' payment channel (the ledger's PaidByChannel): it cannot be invoiced, disputed or recorded as channel-paid again.",
  },
  SETTLEMENT_CHANNEL_PEER: {
    status: 502,
    description:
      "The counterparty's agent could not be reached, refused to co-sign, or answered a signature not its member's.",
  },
});

export type SettlementErrorCode = keyof typeof SETTLEMENT_ERRORS;

export class SettlementError extends DomainError<SettlementErrorCode> {}

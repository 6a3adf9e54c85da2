// The data-usage domain's error table: the refusals a client acts on by code. Field paths are absolute (body.x,
// params.y). A contract revert the agent did not foresee stays the platform's CHAIN_REVERTED. docs/datausage.md lists them.
import { DomainError, type DomainErrorOptions, defineErrors } from "../core/errors/index.ts";

export const DATAUSAGE_ERRORS = defineErrors("datausage", {
  DATAUSAGE_UNKNOWN_CONTRACT: { status: 404, description: "No data usage contract with this id on the ledger (yet)." },
  DATAUSAGE_NOT_HELD: {
    status: 404,
    description: "This agent holds no data under this contract (it is another member's, or was never imported).",
  },
  DATAUSAGE_DENIED: {
    status: 403,
    description:
      "The contract's policy denies this use or transfer: the subject revoked it (or a contract up the chain), a " +
      "prohibition matches, or no permission holds (purpose, recipient, time window); facts.reason says which.",
  },
  DATAUSAGE_DELAYED: {
    status: 409,
    description: "The policy permits this only after its delay period; facts.notBefore is the first second it may.",
  },
  DATAUSAGE_BAD_SECRET: {
    status: 403,
    description: "The revocation secret does not open the contract's commitment: only the subject holds it.",
  },
  DATAUSAGE_ALREADY_REVOKED: { status: 409, description: "The subject revoked this contract already." },
  DATAUSAGE_PACKAGE_MISMATCH: {
    status: 422,
    description:
      "An imported transfer package does not match its contract on chain (not addressed to this member, or the " +
      "data or policy fingerprint differs); details name the field.",
  },
  DATAUSAGE_INVALID_POLICY: {
    status: 400,
    description: "The ODRL policy breaks the profile (unknown action or operand, a window that can never hold).",
  },
  DATAUSAGE_NOTHING_TO_ANCHOR: {
    status: 409,
    description: "This agent holds no consultation record waiting for a batch.",
  },
  DATAUSAGE_UNKNOWN_INSIGHT: { status: 404, description: "No insight with this id on the ledger (yet)." },
  DATAUSAGE_UNKNOWN_PURCHASE: { status: 404, description: "No purchase with this id on the ledger (yet)." },
  DATAUSAGE_NOT_INSIGHT_CONTROLLER: {
    status: 403,
    description:
      "Only the controller that offered the insight (and holds the subject's key) may list, deliver or erase it.",
  },
  DATAUSAGE_NOT_BUYER: {
    status: 403,
    description: "This member did not make the purchase, so it holds no delivery key for it.",
  },
  DATAUSAGE_INSIGHT_ERASED: {
    status: 410,
    description:
      "The insight was erased on the subject's request: its key is destroyed and the erasure is on chain; it can be " +
      "neither bought nor delivered, and no delivery of it is opened any more.",
  },
  DATAUSAGE_PURCHASE_REPLAYED: {
    status: 409,
    description:
      "This member bought this insight already (a purchase id derives from insight and buyer); nothing moved.",
  },
  DATAUSAGE_NOT_LISTED: { status: 404, description: "The insight's controller has not listed it with this broker." },
  DATAUSAGE_PRICE_ABOVE_LIMIT: { status: 409, description: "The insight costs more than body.maxPrice; facts.price." },
  DATAUSAGE_INSUFFICIENT_FUNDS: {
    status: 409,
    description: "This member's settlement-token balance is below the price; facts.balance, facts.price.",
  },
  DATAUSAGE_SELF_PURCHASE: { status: 409, description: "A controller cannot buy its own insight." },
  DATAUSAGE_DELIVERY_MISMATCH: {
    status: 422,
    description: "A delivery does not open with this purchase's key or its content differs from the digest on chain.",
  },
  DATAUSAGE_NOTHING_TO_ERASE: {
    status: 404,
    description: "This agent holds no subject key and no unerased insight under this contract.",
  },
  DATAUSAGE_SUBSCRIBER_KEY_EXISTS: {
    status: 409,
    description: "A subscriber key is registered for this contract already (once per contract); facts.subscriberKey.",
  },
  DATAUSAGE_NO_SUBSCRIBER_KEY: {
    status: 409,
    description: "The subscriber of this contract registered no key yet, so no answer of theirs can be checked.",
  },
  DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE: {
    status: 403,
    description:
      "The signature is not made by the subscriber's registered key (an operator cannot answer for the subscriber); " +
      "facts.signer, facts.subscriberKey. Nothing sent.",
  },
  DATAUSAGE_SIGNATURE_EXPIRED: {
    status: 409,
    description: "The subscriber's signed answer is past its deadline, or a reading request is too far from now.",
  },
  DATAUSAGE_ALREADY_ANSWERED: {
    status: 409,
    description: "The subscriber answered this insight already (once per insight); facts.accepted.",
  },
  DATAUSAGE_NOT_ANSWERED: { status: 404, description: "The subscriber has not answered this insight (yet)." },
  DATAUSAGE_NOT_ACCEPTED: {
    status: 409,
    description: "The subscriber has not accepted this insight, so there is nothing delivered to read.",
  },
  DATAUSAGE_NOT_STORED_HERE: {
    status: 404,
    description: "The accepted insight is stored where the subscriber named, not in this agent; facts.storedAt.",
  },
  DATAUSAGE_INSIGHT_DECLINED: {
    status: 409,
    description: "The subscriber declined this insight: it can be neither listed nor bought.",
  },
  DATAUSAGE_NOT_ENTRUSTED: {
    status: 409,
    description:
      "The subscriber did not entrust this insight to this broker (its signed entrustment is not on chain), so the " +
      "broker cannot bundle it; facts.insightId.",
  },
  DATAUSAGE_ALREADY_ENTRUSTED: {
    status: 409,
    description: "The subscriber entrusted this insight to this broker already (once per insight and broker).",
  },
  DATAUSAGE_UNKNOWN_BUNDLE: { status: 404, description: "No bundle with this id on the ledger (yet)." },
  DATAUSAGE_FRIEND_KEY_EXISTS: { status: 409, description: "This friend key is registered already." },
  DATAUSAGE_UNKNOWN_FRIEND_KEY: {
    status: 409,
    description: "No friend registered this key (its own signature on chain), so nothing can be shared with it.",
  },
  DATAUSAGE_SHARE_EXISTS: {
    status: 409,
    description: "The subscriber shared this insight with this friend already (once per insight and friend).",
  },
  DATAUSAGE_SELF_SHARE: { status: 409, description: "The subscriber cannot share an insight with its own key." },
  DATAUSAGE_UNKNOWN_SHARE: { status: 404, description: "No share with this id on the ledger (yet)." },
  DATAUSAGE_BAD_CUSTODY: {
    status: 400,
    description:
      "The custodians or threshold are out of bounds (1 <= threshold <= custodians <= 16, each a member, none twice).",
  },
  DATAUSAGE_CUSTODIANS_EXIST: { status: 409, description: "The contract's key has custodians already (named once)." },
  DATAUSAGE_NO_CUSTODIANS: { status: 404, description: "The contract's key has no custodians named on chain." },
  DATAUSAGE_KEY_ERASED: {
    status: 410,
    description:
      "The subject key's erasure is requested on chain: no share of it is split, received or handed out any more.",
  },
  DATAUSAGE_NO_KEY_SHARE: {
    status: 404,
    description: "This agent holds no share of the contract's subject key (never received, or destroyed).",
  },
  DATAUSAGE_BAD_KEY_SHARE: {
    status: 403,
    description:
      "A delivered key share is refused: its sender is not the consent's controller on chain (the controller's " +
      "account must sign its custody key), or it is not addressed to this member as a named custodian, or its " +
      "count and threshold differ from the chain's; facts name which. Nothing is stored.",
  },
  DATAUSAGE_CUSTODIAN_UNREACHABLE: {
    status: 502,
    description:
      "A custodian's agent could not be reached, refused the share, or its custody key is not signed by the " +
      "custodian's account; facts.custodian and facts.endpoint say which. Shares delivered before stay valid.",
  },
});

export type DataUsageErrorCode = keyof typeof DATAUSAGE_ERRORS;

export class DataUsageError extends DomainError<DataUsageErrorCode> {
  constructor(code: DataUsageErrorCode, message: string, options?: DomainErrorOptions) {
    super(code, message, options);
  }
}

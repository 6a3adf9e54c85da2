// RoamingSettlement's custom errors as the API's errors: a revert the agent's own checks did not foresee (another
// agent's write landing first, a read model a block behind) still reaches the client as a clear code naming the
// field, never as an undecoded failure.
import { TxRevertedError } from "../../core/chain/errors.ts";
import { DomainError, type FieldPath, invalidField } from "../../core/errors/index.ts";
import { SettlementError, type SettlementErrorCode } from "../errors.ts";

const CODES: Record<string, SettlementErrorCode> = {
  NotParty: "SETTLEMENT_NOT_PARTY",
  NotAnOperator: "SETTLEMENT_NOT_OPERATOR",
  AlreadyExists: "SETTLEMENT_ALREADY_EXISTS",
  WrongState: "SETTLEMENT_WRONG_STATE",
  OutsideAgreement: "SETTLEMENT_OUTSIDE_AGREEMENT",
  InvoiceMismatch: "SETTLEMENT_INVOICE_MISMATCH",
  InvalidRecordProof: "SETTLEMENT_BATCH_MISMATCH",
  AlreadyDisputed: "SETTLEMENT_ALREADY_EXISTS",
  WindowClosed: "SETTLEMENT_WINDOW",
  WindowOpen: "SETTLEMENT_WINDOW",
  AlreadySettled: "SETTLEMENT_ALREADY_SETTLED",
  RoundNotFunded: "SETTLEMENT_ROUND_NOT_FUNDED",
  RoundExists: "SETTLEMENT_ALREADY_EXISTS",
  PaidByChannel: "SETTLEMENT_BATCH_PAID_BY_CHANNEL",
  ChannelNotOfAgreement: "SETTLEMENT_CHANNEL_STATE_REFUSED",
};

/** InvalidArgument(what): the contract's argument name -> the API field. */
const FIELDS: Record<string, FieldPath> = {
  home: "body.home",
  token: "body.tariff.currency",
  termsHash: "body",
  validTo: "body.validTo",
  periodSeconds: "body.periodSeconds",
  disputeWindow: "body.disputeWindowSeconds",
  previous: "body.previous",
  merkleRoot: "body.records",
  count: "body.records",
  lastEventAt: "body.records",
  reason: "body.reason",
  amount: "body.recordRef",
  credit: "body.credit",
  invoiceIds: "body.invoiceIds",
};

/** The API error for a RoamingSettlement revert, or the error itself when it is not one. */
export function settlementRevert(error: unknown): unknown {
  if (!(error instanceof TxRevertedError) || !error.errorName) return error;
  const name = error.errorName;
  if (name === "InvalidArgument") {
    const what = String(error.errorArgs[0] ?? "");
    return invalidField(FIELDS[what] ?? "body", `is refused by the ledger (InvalidArgument ${what})`);
  }
  if (name === "UnknownId") {
    return new DomainError("NOT_FOUND", `the ledger knows no record ${String(error.errorArgs[0])}`, { cause: error });
  }
  const code = CODES[name];
  if (!code) return error;
  return new SettlementError(code, error.message, { cause: error, details: { revert: name } });
}

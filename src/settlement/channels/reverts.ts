// PaymentChannels' custom errors as the API's errors, for a revert the agent's own checks did not foresee (the other
// member's transaction landing first, a read model a block behind).
import { TxRevertedError } from "../../core/chain/errors.ts";
import { invalidField } from "../../core/errors/index.ts";
import { SettlementError, type SettlementErrorCode } from "../errors.ts";

const CODES: Record<string, SettlementErrorCode> = {
  NotAnOperator: "SETTLEMENT_NOT_OPERATOR",
  NotChannelMember: "SETTLEMENT_NOT_PARTY",
  UnknownChannel: "SETTLEMENT_CHANNEL_NOT_FOUND",
  ChannelExists: "SETTLEMENT_ALREADY_EXISTS",
  WrongStatus: "SETTLEMENT_WRONG_STATE",
  BadSignature: "SETTLEMENT_CHANNEL_STATE_REFUSED",
  SumMismatch: "SETTLEMENT_CHANNEL_STATE_REFUSED",
  StaleVersion: "SETTLEMENT_CHANNEL_STATE_REFUSED",
  NotFinal: "SETTLEMENT_CHANNEL_STATE_REFUSED",
  ChallengePeriod: "SETTLEMENT_WINDOW",
  // RoamingSettlement.recordChannelPayment, sent by the channel service for a usage payment
  PaidByChannel: "SETTLEMENT_BATCH_PAID_BY_CHANNEL",
  ChannelNotOfAgreement: "SETTLEMENT_CHANNEL_STATE_REFUSED",
  WindowClosed: "SETTLEMENT_WINDOW",
  WrongState: "SETTLEMENT_WRONG_STATE",
};

/** The API error for a PaymentChannels revert, or the error itself when it is not one. */
export function channelRevert(error: unknown): unknown {
  if (!(error instanceof TxRevertedError) || !error.errorName) return error;
  const name = error.errorName;
  if (name === "InvalidArgument") {
    const what = String(error.errorArgs[0] ?? "");
    return invalidField(`body.${what}`, `is refused by the ledger (InvalidArgument ${what})`);
  }
  const code = CODES[name];
  if (!code) return error;
  return new SettlementError(code, error.message, { cause: error, details: { revert: name } });
}

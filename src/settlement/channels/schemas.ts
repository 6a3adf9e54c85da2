// TypeBox schemas of the payment channel API.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, strictObject, TxHashSchema } from "../../core/api/index.ts";

const Amount = Type.String({ pattern: "^[0-9]{1,30}$", description: "Settlement-token minor units, a decimal string" });
const PositiveAmount = Type.String({
  pattern: "^[0-9]{0,29}[1-9][0-9]{0,29}$",
  maxLength: 30,
  description: "Settlement-token minor units, a positive decimal string",
});
const Signature = Type.String({
  pattern: "^0x[0-9a-fA-F]{130}(?:[0-9a-fA-F]{64}){0,16}$",
  description:
    "ECDSA signature r‖s‖v (65 bytes) over the state digest, or, for a state of a multi-state exchange, r‖s‖v over the batch digest of the exchange's Merkle root followed by the state's proof (1 to 16 words)",
});

export const PeerSchema = strictObject({
  url: Type.String({ pattern: "^https?://", maxLength: 500, description: "The counterparty agent's base URL" }),
  apiKey: Type.String({
    minLength: 1,
    maxLength: 200,
    description: "An operator API key the counterparty's agent issued to this member",
  }),
});

export const OpenChannelBody = strictObject({
  counterparty: AddressSchema,
  challengePeriodSeconds: Type.Integer({ minimum: 60, maximum: 30 * 86_400 }),
  salt: Type.Optional(Bytes32Schema),
  deposit: Type.Optional(Amount),
  peer: Type.Optional(PeerSchema),
});

export const AmountBody = strictObject({ amount: PositiveAmount });
export const AmountsBody = strictObject({ amounts: Type.Array(PositiveAmount, { minItems: 1, maxItems: 256 }) });

export const StateSchema = strictObject({
  channelId: Bytes32Schema,
  version: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  balanceA: Amount,
  balanceB: Amount,
  depositA: Amount,
  depositB: Amount,
  isFinal: Type.Boolean(),
  /** The settlement batch the update pays (zero or absent: a plain payment). */
  batchId: Type.Optional(Bytes32Schema),
});

export const CosignBody = strictObject({ state: StateSchema, signature: Signature });
export const CosignResult = strictObject({ signature: Signature });
export const CosignBatchBody = strictObject({
  items: Type.Array(strictObject({ state: StateSchema, signature: Signature }), { minItems: 1, maxItems: 256 }),
});
export const CosignBatchResult = strictObject({
  signatures: Type.Array(Signature, { maxItems: 256 }),
  refused: Type.Optional(
    strictObject({
      index: Type.Integer({ minimum: 1 }),
      code: Type.String(),
      field: Type.Optional(Type.String()),
      message: Type.String(),
    }),
  ),
});
export const PaymentsResult = strictObject({
  states: Type.Array(Type.Union([StateSchema, Type.Null()]), { maxItems: 256 }),
  errors: Type.Array(
    strictObject({ index: Type.Integer({ minimum: 0 }), code: Type.String(), message: Type.String() }),
    {
      maxItems: 256,
    },
  ),
});
export const SignedStateSchema = strictObject({ state: StateSchema, sigA: Signature, sigB: Signature });

export const ChannelParams = strictObject({ channelId: Bytes32Schema });
export const BatchParams = strictObject({ batchId: Bytes32Schema });

export const UsagePaymentSchema = strictObject({
  batchId: Bytes32Schema,
  counterparty: AddressSchema,
  amount: Amount,
  status: Type.Union([
    Type.Literal("pending"),
    Type.Literal("paid"),
    Type.Literal("refused"),
    Type.Literal("no-channel"),
  ]),
  channelId: Type.Union([Bytes32Schema, Type.Null()]),
  version: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

export const ChannelSchema = strictObject({
  channelId: Bytes32Schema,
  memberA: AddressSchema,
  memberB: AddressSchema,
  side: Type.Union([Type.Literal("a"), Type.Literal("b")]),
  token: AddressSchema,
  challengePeriodSeconds: Type.Integer(),
  status: Type.Union([Type.Literal("open"), Type.Literal("closing"), Type.Literal("closed")]),
  depositA: Amount,
  depositB: Amount,
  onChain: strictObject({
    version: Type.Integer(),
    balanceA: Amount,
    balanceB: Amount,
    closesAt: Type.Union([Type.Integer(), Type.Null()]),
    closer: Type.Union([AddressSchema, Type.Null()]),
  }),
  payout: Type.Union([strictObject({ a: Amount, b: Amount }), Type.Null()]),
  latest: Type.Union([StateSchema, Type.Null()]),
  peer: Type.Union([Type.String(), Type.Null()]),
});

export const ChannelTxResult = strictObject({ ...ChannelSchema.properties, txHash: TxHashSchema });

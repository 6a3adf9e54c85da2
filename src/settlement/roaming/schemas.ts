// TypeBox schemas of the roaming settlement API: agreement terms (with the tariff as rating/tariff.ts defines it) and
// the agreement views. Semantic checks (tariff classes exist, tiers ascend, currency is the token's) are the service's.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, strictObject, TxHashSchema } from "../../core/api/index.ts";

const Rate = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: "Minor units of the currency" });
const Seconds = Type.Integer({ minimum: 1, maximum: 86_400 });
const IncrementSchema = strictObject(
  { first: Seconds, next: Seconds },
  { description: "Charging increment first/next seconds: 1/1, 30/30, 60/60, 60/1 ..." },
);
const VoiceRateSchema = strictObject({
  perMinute: Rate,
  increment: IncrementSchema,
});
const ClassName = Type.String({ pattern: "^[A-Za-z0-9_-]{1,32}$", description: "Destination class" });

export const TariffSchema = strictObject(
  {
    currency: Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 code: the settlement token's" }),
    decimals: Type.Integer({ minimum: 0, maximum: 6, description: "Minor units: the settlement token's" }),
    rounding: Type.Union([Type.Literal("up"), Type.Literal("down"), Type.Literal("half-up")]),
    outgoing: Type.Record(ClassName, VoiceRateSchema, {
      description: "Outgoing calls (MOC, wholesale VOICE) per destination class",
    }),
    destinationPrefixes: Type.Record(Type.String({ pattern: "^[0-9]{1,8}$" }), ClassName, {
      description: "Called-number prefix -> destination class; the longest prefix wins",
    }),
    defaultClass: ClassName,
    incoming: VoiceRateSchema,
    smsMo: Rate,
    smsMt: Rate,
    supplementary: Rate,
    data: strictObject({
      unitBytes: Type.Integer({ minimum: 1, maximum: 1_073_741_824 }),
      incrementBytes: Type.Integer({ minimum: 1, maximum: 1_073_741_824 }),
      tiers: Type.Array(strictObject({ fromUnits: Type.Integer({ minimum: 0 }), perUnit: Rate }), {
        minItems: 1,
        maxItems: 16,
      }),
    }),
  },
  { description: "Inter-operator tariff: integer rates in minor units, increments, rounding, data tiers" },
);

const UnixSeconds = Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "Unix seconds" });

export const TermsSchema = strictObject(
  {
    visited: Object.assign({}, AddressSchema, { description: "The visited (charging) operator" }),
    home: Object.assign({}, AddressSchema, { description: "The home (paying) operator" }),
    validFrom: UnixSeconds,
    validTo: UnixSeconds,
    periodSeconds: Type.Integer({ minimum: 1, maximum: 4_294_967_295, description: "Settlement period length" }),
    disputeWindowSeconds: Type.Integer({
      minimum: 1,
      maximum: 4_294_967_295,
      description: "How long after an invoice the home operator may dispute records (the RAP deadline)",
    }),
    previous: Type.Optional(Object.assign({}, Bytes32Schema, { description: "The version this one replaces" })),
    tariff: TariffSchema,
  },
  { description: "Agreement terms: only their hash goes on chain" },
);

export const ApproveBody = strictObject({
  terms: TermsSchema,
});

export const AgreementParams = strictObject({ agreementId: Bytes32Schema });

const StatusSchema = Type.Union([Type.Literal("proposed"), Type.Literal("active"), Type.Literal("superseded")]);

const StoredTermsSchema = strictObject({
  visited: AddressSchema,
  home: AddressSchema,
  token: AddressSchema,
  validFrom: UnixSeconds,
  validTo: UnixSeconds,
  periodSeconds: Type.Integer(),
  disputeWindowSeconds: Type.Integer(),
  previous: Bytes32Schema,
  tariff: TariffSchema,
});

export const AgreementSchema = strictObject({
  agreementId: Bytes32Schema,
  visited: AddressSchema,
  home: AddressSchema,
  termsHash: Bytes32Schema,
  previous: Bytes32Schema,
  proposer: AddressSchema,
  approver: Type.Union([AddressSchema, Type.Null()]),
  status: StatusSchema,
  supersededBy: Type.Union([Bytes32Schema, Type.Null()]),
  proposedBlock: Type.Integer(),
  proposedAt: Type.Integer({ description: "Block time, unix seconds" }),
  terms: Type.Union([StoredTermsSchema, Type.Null()], {
    description: "The off-chain terms, when this agent holds them (it proposed or approved the agreement)",
  }),
});

export const ProposeResult = strictObject({
  agreementId: Bytes32Schema,
  termsHash: Bytes32Schema,
  txHash: TxHashSchema,
  status: Type.Literal("proposed"),
});

export const ApproveResult = strictObject({
  agreementId: Bytes32Schema,
  txHash: TxHashSchema,
  status: Type.Literal("active"),
});

const RecordValue = Type.Union([Type.String({ maxLength: 256 }), Type.Integer(), Type.Null()]);
/** A canonical usage record (usage/record.ts); each field is checked by the service, which names the faulty one. */
const UsageRecordSchema = Type.Record(Type.String({ maxLength: 64 }), RecordValue, {
  description: "A canonical usage record (ref, kind, sender, recipient, imsi, msisdn, startLocal, ... currency)",
});
const RecordsSchema = Type.Array(UsageRecordSchema, { minItems: 1, maxItems: 10_000 });

export const AnchorBody = strictObject({ records: RecordsSchema });
export const ConfirmBody = strictObject({
  salt: Object.assign({}, Bytes32Schema, { description: "The batch's salt, handed over with its records" }),
  records: RecordsSchema,
});
export const BatchParams = strictObject({ batchId: Bytes32Schema });

/** What the visited operator's agent seals to the home operator's agent (the envelope's `msg`; delivery.ts). */
export const DELIVERY_TYPE = "SettlementBatchDelivery";
export const DeliveryMessage = strictObject({
  type: Type.Literal(DELIVERY_TYPE),
  batchId: Bytes32Schema,
  agreementId: Bytes32Schema,
  salt: Bytes32Schema,
  records: RecordsSchema,
});
/**
 * A sealed delivery's size bound: 10,000 records of about 450 characters, base64url twice (the signed JWT, then the
 * JWE around it), with room to spare. The inbox's body limit follows it.
 */
export const MAX_ENVELOPE_CHARS = 12 * 1024 * 1024;
export const InboxBody = strictObject({
  envelope: Type.String({
    minLength: 16,
    maxLength: MAX_ENVELOPE_CHARS,
    pattern: "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$",
    description:
      "A compact JWE (ECDH-ES, A256GCM) to the home operator's encryption key, holding a JWT signed (ES256) by the visited operator's DID whose `msg` is the batch's records and salt",
  }),
});
export const DeliverResult = strictObject({
  batchId: Bytes32Schema,
  txHash: Type.Union([TxHashSchema, Type.Null()], {
    description: "The home agent's confirmBatch transaction; null when an earlier copy had confirmed it",
  }),
  status: Type.Literal("received"),
  homeDid: Type.String({ maxLength: 256, description: "The home operator's DID, named in the OperatorRegistry" }),
  deliveredTo: Type.String({ maxLength: 2048, description: "The home agent's endpoint, from that DID's document" }),
});

const Amount = Type.String({ pattern: "^[0-9]{1,78}$", description: "Minor units of the settlement token" });

export const AnchorResult = strictObject({
  batchId: Bytes32Schema,
  agreementId: Bytes32Schema,
  period: Type.Integer({ description: "Settlement period index from the agreement's validFrom" }),
  merkleRoot: Bytes32Schema,
  count: Type.Integer(),
  total: Amount,
  txHash: TxHashSchema,
});

export const ConfirmResult = strictObject({
  batchId: Bytes32Schema,
  txHash: TxHashSchema,
  status: Type.Literal("received"),
});

/** The inbox's answer: confirmed now, or `duplicate` (an earlier copy of the delivery confirmed it; txHash null). */
export const ReceiveResult = strictObject({
  batchId: Bytes32Schema,
  txHash: Type.Union([TxHashSchema, Type.Null()]),
  status: Type.Literal("received"),
  duplicate: Type.Boolean(),
});

export const BatchSchema = strictObject({
  batchId: Bytes32Schema,
  agreementId: Bytes32Schema,
  period: Type.Integer(),
  merkleRoot: Bytes32Schema,
  count: Type.Integer(),
  total: Amount,
  status: Type.Union([
    Type.Literal("anchored"),
    Type.Literal("received"),
    Type.Literal("invoiced"),
    Type.Literal("channel-paid"),
  ]),
  paidByChannel: Type.Union([strictObject({ channelId: Bytes32Schema, version: Type.Integer() }), Type.Null()], {
    description: "The payment channel and co-signed state version that paid the batch (status channel-paid)",
  }),
  anchoredBlock: Type.Integer(),
  anchoredAt: Type.Integer({ description: "Block time, unix seconds" }),
  receivedAt: Type.Union([Type.Integer(), Type.Null()]),
  recordsHeld: Type.Boolean({ description: "Whether this agent holds the batch's records and salt" }),
});

export const BatchRecordsSchema = strictObject({
  batchId: Bytes32Schema,
  agreementId: Bytes32Schema,
  salt: Bytes32Schema,
  records: Type.Array(UsageRecordSchema, { maxItems: 10_000, description: "A batch holds at most 10,000 records" }),
  amounts: Type.Array(Amount, { maxItems: 10_000, description: "The rated amount of each record, in order" }),
});

export const InvoiceParams = strictObject({ invoiceId: Bytes32Schema });
export const DisputeParams = strictObject({ disputeId: Bytes32Schema });
export const IssueBody = strictObject({
  period: Type.Integer({ minimum: 0, maximum: 1_000_000, description: "Settlement period index from validFrom" }),
});
export const DisputeBody = strictObject({
  batchId: Bytes32Schema,
  recordRef: Type.String({ minLength: 1, maxLength: 256, description: "The disputed record's ref in the batch" }),
  reason: Type.Union(
    ["Duplicate", "OutsideAgreement", "WrongRate", "MissingData", "NotOurSubscriber", "Other"].map((r) =>
      Type.Literal(r),
    ),
    { description: "After the RAP error classes" },
  ),
});
export const AnswerBody = strictObject({
  credit: Object.assign({}, Amount, { description: "Credit note in minor units; 0 upholds the charge" }),
});

export const IssueResult = strictObject({
  invoiceId: Bytes32Schema,
  agreementId: Bytes32Schema,
  period: Type.Integer(),
  batchIds: Type.Array(Bytes32Schema, { maxItems: 10_000 }),
  amount: Amount,
  txHash: TxHashSchema,
});
const InvoiceFields = {
  invoiceId: Bytes32Schema,
  agreementId: Bytes32Schema,
  period: Type.Integer(),
  amount: Amount,
  status: Type.Union([Type.Literal("issued"), Type.Literal("accepted"), Type.Literal("final"), Type.Literal("netted")]),
  amountDue: Type.Union([Amount, Type.Null()], { description: "Once final: amount less credits and escalations" }),
  credited: Type.Union([Amount, Type.Null()]),
  escalated: Type.Union([Amount, Type.Null()]),
  nettingRound: Type.Union([Bytes32Schema, Type.Null()], { description: "Once netted: the round that settles it" }),
  issuedBlock: Type.Integer(),
  issuedAt: Type.Integer({ description: "Block time, unix seconds" }),
};
export const InvoiceSchema = strictObject(InvoiceFields);
export const FinalizeResult = strictObject({ ...InvoiceFields, txHash: TxHashSchema });
export const AcceptResult = strictObject({
  invoiceId: Bytes32Schema,
  txHash: TxHashSchema,
  status: Type.Literal("accepted"),
});
export const DisputeResult = strictObject({
  disputeId: Bytes32Schema,
  invoiceId: Bytes32Schema,
  recordDigest: Bytes32Schema,
  amount: Amount,
  txHash: TxHashSchema,
});
export const AnswerResult = strictObject({
  disputeId: Bytes32Schema,
  invoiceId: Bytes32Schema,
  status: Type.Union([Type.Literal("credited"), Type.Literal("upheld"), Type.Literal("escalated")]),
  txHash: TxHashSchema,
});
export const DisputeSchema = strictObject({
  disputeId: Bytes32Schema,
  invoiceId: Bytes32Schema,
  batchId: Bytes32Schema,
  recordDigest: Bytes32Schema,
  amount: Amount,
  reason: Type.String(),
  status: Type.Union([
    Type.Literal("open"),
    Type.Literal("credited"),
    Type.Literal("upheld"),
    Type.Literal("escalated"),
  ]),
  credit: Amount,
  byRule: Type.Boolean({ description: "Credited by rule: left unanswered past the answer window" }),
});

export const RoundParams = strictObject({ roundId: Bytes32Schema });
export const OpenNettingBody = strictObject({
  period: Type.Integer({ minimum: 0, maximum: 1_000_000, description: "The round's settlement period" }),
  invoiceIds: Type.Array(Bytes32Schema, { minItems: 1, maxItems: 500, description: "Final invoices to net" }),
});
const RoundFields = {
  roundId: Bytes32Schema,
  token: AddressSchema,
  period: Type.Integer(),
  invoices: Type.Integer(),
  positions: Type.Array(
    strictObject({
      member: AddressSchema,
      net: Type.String({ pattern: "^-?[0-9]{1,78}$", description: "Net position: positive receives, negative pays" }),
      settled: Type.Union([Type.Literal("paid"), Type.Literal("claimed"), Type.Null()]),
    }),
    { maxItems: 1000, description: "One per member the round's invoices touch" },
  ),
};
export const RoundSchema = strictObject(RoundFields);
export const RoundResult = strictObject({ ...RoundFields, txHash: TxHashSchema });
export const NetMoveResult = strictObject({ roundId: Bytes32Schema, amount: Amount, txHash: TxHashSchema });

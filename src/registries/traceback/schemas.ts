// TypeBox schemas of the traceback and fraud-signal API. Shared identifiers (addresses, tx hashes, bytes32) from the
// core; numbers are E.164 digits as in number-port clearing.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../../core/api/index.ts";
import { E164Schema } from "../ports/schemas.ts";
import { SIGNAL_KINDS } from "./projection.ts";
import { DEFAULT_HOP_WINDOW, MAX_HOP_WINDOW, MIN_HOP_WINDOW } from "./service.ts";
import { MAX_SIGNAL_TTL, MIN_SIGNAL_TTL } from "./signals.ts";

const NullableAddress = Type.Union([AddressSchema, Type.Null()]);
const NullableName = Type.Union([Type.String(), Type.Null()]);
const AttestationSchema = Type.Union([Type.Literal("A"), Type.Literal("B"), Type.Literal("C")], {
  description: "The PASSporT's attest claim",
});

export const CallSchema = strictObject(
  {
    origid: Type.String({
      pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
      description: "The PASSporT's origid (a UUID)",
    }),
    orig: E164Schema,
    dest: E164Schema,
    iat: Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "The PASSporT's iat (unix seconds)" }),
  },
  { description: "The call's identifiers: hashed with the consortium key, never sent to the chain" },
);

export const OpenTraceBodySchema = strictObject({
  call: Type.Optional(CallSchema),
  passport: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 12288,
      description:
        "The call's SHAKEN PASSporT (compact JWS, or the SIP Identity header value) instead of `call`: verified, its origid, attest and signing certificate's SPC recorded on chain",
    }),
  ),
  firstHop: AddressSchema,
  attestation: Type.Optional(AttestationSchema),
  hopWindowSeconds: Type.Optional(
    Type.Integer({
      minimum: MIN_HOP_WINDOW,
      maximum: MAX_HOP_WINDOW,
      description: `How long each carrier has to answer (default ${DEFAULT_HOP_WINDOW} s)`,
    }),
  ),
});
export const AnswerBodySchema = strictObject({
  upstream: Type.Union([AddressSchema, Type.Null()], {
    description: "The member this carrier received the call from; null: the call originated here",
  }),
  evidence: Type.Optional(Bytes32Schema),
});

const TraceHopSchema = strictObject({
  position: Type.Integer(),
  carrier: AddressSchema,
  carrierName: NullableName,
  upstream: NullableAddress,
  outcome: Type.String({ description: "requester, asked, forwarded, originated or unanswered" }),
  evidence: Type.Union([Bytes32Schema, Type.Null()]),
  askedAt: Type.String({ format: "date-time" }),
  answeredAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  answeredTx: Type.Union([TxHashSchema, Type.Null()]),
});
const TracePassportSchema = strictObject(
  {
    origid: Type.String({ description: "The PASSporT's origid" }),
    spc: Type.String({ description: "The SPC in the signing STI certificate's TNAuthList" }),
    certificate: Bytes32Schema,
    originProvider: NullableAddress,
    originProviderName: NullableName,
    originMatchesPath: Type.Union([Type.Boolean(), Type.Null()], {
      description: "Completed traces: whether the carrier that answered 'originated here' is the originating provider",
    }),
  },
  { description: "What the requester's agent read from the call's verified PASSporT, as recorded on chain" },
);
export const SpcBodySchema = strictObject({
  spc: Type.String({ pattern: "^[0-9A-Za-z]{1,12}$", description: "Service Provider Code (TNAuthList)" }),
});
export const SpcSchema = strictObject({
  spc: Type.String(),
  member: AddressSchema,
  memberName: NullableName,
  registeredBlock: Type.Integer(),
  txHash: TxHashSchema,
});
export const SpcOutcomeSchema = strictObject({ spc: Type.String(), member: AddressSchema, txHash: TxHashSchema });

export const TraceSchema = strictObject({
  traceId: Bytes32Schema,
  requester: AddressSchema,
  requesterName: NullableName,
  state: Type.String({ description: "open, completed (reached the origin) or unanswered" }),
  attestation: Type.Union([AttestationSchema, Type.Null()]),
  callDigest: Bytes32Schema,
  hopWindowSeconds: Type.Integer(),
  asked: AddressSchema,
  askedName: NullableName,
  askedAt: Type.String({ format: "date-time" }),
  deadline: Type.String({ format: "date-time" }),
  overdue: Type.Boolean({ description: "Open and the carrier asked let its deadline pass" }),
  origin: NullableAddress,
  originName: NullableName,
  openedAt: Type.String({ format: "date-time" }),
  passport: Type.Union([TracePassportSchema, Type.Null()]),
  hops: Type.Array(TraceHopSchema, { maxItems: 16 }),
  openedBlock: Type.Integer(),
  txHash: TxHashSchema,
  updatedBlock: Type.Integer(),
  updatedTx: TxHashSchema,
});
export const TraceOutcomeSchema = strictObject({ trace: TraceSchema, txHash: TxHashSchema });
export const TracePageQuery = strictObject({
  ...PageQuerySchema.properties,
  requester: Type.Optional(AddressSchema),
  asked: Type.Optional(AddressSchema),
  state: Type.Optional(Type.Union(["open", "completed", "unanswered"].map((s) => Type.Literal(s)))),
  callDigest: Type.Optional(Bytes32Schema),
});

const KindSchema = Type.Union(
  SIGNAL_KINDS.map((k) => Type.Literal(k)),
  { description: "wangiri, robocall-campaign, sim-box, sim-swap or port-out" },
);
export const ReportSignalBodySchema = strictObject({
  number: E164Schema,
  kind: KindSchema,
  confidence: Type.Integer({ minimum: 1, maximum: 100 }),
  evidence: Bytes32Schema,
  expiresInSeconds: Type.Optional(
    Type.Integer({ minimum: MIN_SIGNAL_TTL, maximum: MAX_SIGNAL_TTL, description: "Default 30 days" }),
  ),
  holder: Type.Optional(AddressSchema),
});
export const ChallengeBodySchema = strictObject({ evidence: Bytes32Schema });

export const SignalSchema = strictObject({
  signalId: Bytes32Schema,
  reporter: AddressSchema,
  reporterName: NullableName,
  holder: NullableAddress,
  subject: Bytes32Schema,
  kind: Type.String(),
  state: Type.String({ description: "active, challenged or cleared, as on chain" }),
  live: Type.Boolean({ description: "Not cleared and not expired" }),
  confidence: Type.Integer(),
  evidence: Bytes32Schema,
  challenger: NullableAddress,
  challengeEvidence: Type.Union([Bytes32Schema, Type.Null()]),
  reportedAt: Type.String({ format: "date-time" }),
  expiresAt: Type.String({ format: "date-time" }),
  reportedBlock: Type.Integer(),
  txHash: TxHashSchema,
  updatedBlock: Type.Integer(),
  updatedTx: TxHashSchema,
});
export const SignalOutcomeSchema = strictObject({ signal: SignalSchema, txHash: TxHashSchema });
export const SignalPageQuery = strictObject({
  ...PageQuerySchema.properties,
  reporter: Type.Optional(AddressSchema),
  kind: Type.Optional(KindSchema),
});
export const NumberCheckSchema = strictObject({
  number: Type.String(),
  subject: Bytes32Schema,
  flagged: Type.Boolean({ description: "At least one live signal" }),
  signals: Type.Array(SignalSchema, { maxItems: 20 }),
});

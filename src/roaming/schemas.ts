// TypeBox schemas of the roaming API: one source for validation and the OpenAPI document.
import { type TSchema, Type } from "@sinclair/typebox";
import { strictObject } from "../core/api/index.ts";
import { IMSI_PATTERN, PLMN_PATTERN } from "./imsi.ts";
import { ANSWER_OUTCOMES } from "./policy.ts";
import { SERVICES, SUBSCRIBER_STATUSES } from "./subscribers/register.ts";
import { SESSION_STATES } from "./visited.ts";

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const ImsiSchema = Type.String({ pattern: IMSI_PATTERN, description: "IMSI: MCC + MNC + MSIN, digits" });
export const PlmnSchema = Type.String({ pattern: PLMN_PATTERN, description: "PLMN: MCC (3 digits) + MNC (2 or 3)" });
export const AddressSchema = Type.String({ pattern: "^0x[0-9a-fA-F]{40}$" });
export const Bytes32Schema = Type.String({ pattern: "^0x[0-9a-fA-F]{64}$" });
export const ServiceSchema = literals(SERVICES);
export const ServiceFlagsSchema = strictObject(
  Object.fromEntries(SERVICES.map((s) => [s, Type.Boolean()])) as Record<string, TSchema>,
);
export const SessionStateSchema = literals(SESSION_STATES);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const AttachSchema = strictObject({
  imsi: ImsiSchema,
  visitedPlmn: Type.Optional(PlmnSchema),
  services: Type.Optional(Type.Array(ServiceSchema, { uniqueItems: true, maxItems: SERVICES.length })),
});

export const SessionSchema = strictObject({
  requestId: Bytes32Schema,
  imsi: ImsiSchema,
  visitedPlmn: PlmnSchema,
  homePlmn: Nullable(PlmnSchema),
  homeOperator: Nullable(AddressSchema),
  state: SessionStateSchema,
  outcome: Nullable(
    Type.String({
      description:
        "activated | home-<answer outcome> | nothing-granted | unknown-network | home-subscriber | " +
        "home-key-unavailable | home-timeout | answer-mismatch | answer-undecryptable | answer-expired | ledger-rejected: ...",
    }),
  ),
  requestedServices: Type.Array(ServiceSchema),
  grantedServices: Nullable(ServiceFlagsSchema),
  activeServices: Nullable(ServiceFlagsSchema),
  validUntil: Nullable(Type.String({ format: "date-time" })),
  expiresAt: Type.String({ format: "date-time" }),
  times: strictObject({
    attachedAt: Type.String({ format: "date-time" }),
    requestMinedAt: Nullable(Type.String({ format: "date-time" })),
    answeredAt: Nullable(Type.String({ format: "date-time" })),
    decidedAt: Nullable(Type.String({ format: "date-time" })),
    closingMinedAt: Nullable(Type.String({ format: "date-time" })),
  }),
  requestTx: Nullable(Type.String()),
  closingTx: Nullable(Type.String()),
});

export const LedgerEventSchema = strictObject({
  kind: literals(["request", "answer", "activation", "refusal", "expiry"]),
  blockNumber: Type.Integer(),
  txHash: Type.String(),
  seenAt: Type.String({ format: "date-time" }),
});

export const ChainOfEventsSchema = strictObject({
  requestId: Bytes32Schema,
  vpmn: AddressSchema,
  hpmn: AddressSchema,
  state: Type.String({ description: "pending | answered | activated | refused | expired (ledger view)" }),
  expiresAt: Type.String({ format: "date-time" }),
  skipped: Nullable(Type.String({ description: "why the ledger skipped a later item, e.g. answers:expired" })),
  events: Type.Array(LedgerEventSchema),
});

export const SubscriberSchema = strictObject({
  imsi: ImsiSchema,
  msisdn: Type.String({ pattern: "^[1-9][0-9]{6,14}$", description: "E.164 without +" }),
  status: literals(SUBSCRIBER_STATUSES),
  roamingAllowed: Type.Boolean(),
  services: ServiceFlagsSchema,
});
export const SubscriberViewSchema = strictObject({
  ...SubscriberSchema.properties,
  updatedAt: Type.String({ format: "date-time" }),
});

export const PolicySchema = strictObject({
  paused: Type.Boolean({ description: "Answer nothing (visited operators see their requests time out)" }),
  validitySeconds: Type.Integer({ minimum: 60, maximum: 30 * 86400 }),
  withheldServices: Type.Array(ServiceSchema, { uniqueItems: true }),
  refusedVisitedOperators: Type.Array(AddressSchema, { maxItems: 1000 }),
});

export const HomeRequestSchema = strictObject({
  requestId: Bytes32Schema,
  visitedOperator: AddressSchema,
  expiresAt: Type.String({ format: "date-time" }),
  ledgerState: Type.String(),
  outcome: Nullable(literals(ANSWER_OUTCOMES)),
  imsiMasked: Nullable(Type.String()),
  receivedAt: Nullable(Type.String({ format: "date-time" })),
  answeredAt: Nullable(Type.String({ format: "date-time" })),
  answerTx: Nullable(Type.String()),
});

export const NetworkSchema = strictObject({
  plmn: PlmnSchema,
  operator: AddressSchema,
  msinRanges: Type.Array(strictObject({ first: Type.String(), last: Type.String() })),
  sinceBlock: Type.Integer(),
});

export const MsinRangeSchema = strictObject({
  first: Type.String({ pattern: "^[0-9]{1,10}$" }),
  last: Type.String({ pattern: "^[0-9]{1,10}$" }),
});

export const ClaimSchema = strictObject({
  id: Type.Integer(),
  kind: Type.String(),
  plmn: PlmnSchema,
  operator: AddressSchema,
  proposer: AddressSchema,
  deadline: Type.String({ format: "date-time" }),
  msinRanges: Type.Array(MsinRangeSchema),
  state: Type.String({ description: "pending | executed | canceled | expired" }),
  approvals: Type.Integer(),
});

export const KeySchema = strictObject({
  kid: Type.String({ description: "RFC 7638 JWK thumbprint; the JWE kid" }),
  publicKeyHex: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  retiredAt: Nullable(Type.String({ format: "date-time" })),
  usableUntil: Nullable(Type.String({ format: "date-time" })),
});

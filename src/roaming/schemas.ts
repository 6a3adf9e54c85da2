// TypeBox schemas of the roaming API: one source for validation and the OpenAPI document. Identifiers every domain
// uses (addresses, 32-byte ids, transaction hashes) come from src/core/api/schemas.ts.
import { type TSchema, Type } from "@sinclair/typebox";
import {
  AddressSchema,
  Bytes32Schema,
  invalidField,
  PageQuerySchema,
  pageRequest,
  strictObject,
  TxHashSchema,
} from "../core/api/index.ts";
import { IMSI_PATTERN, PLMN_PATTERN } from "./imsi.ts";
import { ANSWER_OUTCOMES } from "./policy.ts";
import { CLAIM_STATES, HOME_REQUEST_FILTERS, LEDGER_EVENT_KINDS } from "./readModel.ts";
import { SERVICES, SUBSCRIBER_STATUSES } from "./subscribers/register.ts";
import { SESSION_STATES } from "./visited/types.ts";

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const ImsiSchema = Type.String({ pattern: IMSI_PATTERN, description: "IMSI: MCC + MNC + MSIN, digits" });
export const PlmnSchema = Type.String({ pattern: PLMN_PATTERN, description: "PLMN: MCC (3 digits) + MNC (2 or 3)" });
export const ServiceSchema = literals(SERVICES);
export const ServiceFlagsSchema = strictObject(
  Object.fromEntries(SERVICES.map((s) => [s, Type.Boolean()])) as Record<string, TSchema>,
);
export const SessionStateSchema = literals(SESSION_STATES);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const ServiceListSchema = Type.Array(ServiceSchema, { uniqueItems: true, maxItems: SERVICES.length });
/** The OperatorRegistry takes at most this many MSIN ranges per network. */
export const MAX_MSIN_RANGES = 64;

export const RequestIdParams = strictObject({ requestId: Bytes32Schema });
export const ImsiParams = strictObject({ imsi: ImsiSchema });
export const MsisdnSchema = Type.String({ pattern: "^[1-9][0-9]{6,14}$", description: "E.164 without +" });
export const MsisdnParams = strictObject({ msisdn: MsisdnSchema });
export const SimBindingSchema = strictObject({ imsi: ImsiSchema });
export const TxResultSchema = strictObject({ txHash: TxHashSchema });
export const WaitMsSchema = Type.Integer({
  minimum: 0,
  maximum: 120_000,
  description: "Wait up to this long for the outcome",
});

export const AttachSchema = strictObject({
  imsi: ImsiSchema,
  visitedPlmn: Type.Optional(PlmnSchema),
  services: Type.Optional(ServiceListSchema),
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
  requestedServices: ServiceListSchema,
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
  requestTx: Nullable(TxHashSchema),
  closingTx: Nullable(TxHashSchema),
});

export const LedgerEventSchema = strictObject({
  kind: literals(LEDGER_EVENT_KINDS),
  blockNumber: Type.Integer(),
  txHash: TxHashSchema,
  seenAt: Type.String({ format: "date-time" }),
});

export const ChainOfEventsSchema = strictObject({
  requestId: Bytes32Schema,
  vpmn: AddressSchema,
  hpmn: AddressSchema,
  state: Type.String({ description: "pending | answered | activated | refused | expired (ledger view)" }),
  expiresAt: Type.String({ format: "date-time" }),
  skipped: Nullable(Type.String({ description: "why the ledger skipped a later item, e.g. answers:expired" })),
  events: Type.Array(LedgerEventSchema, {
    maxItems: 3,
    description: "The request, its answer, and the record that closed it (activation, refusal or expiry)",
  }),
});

export const SubscriberSchema = strictObject({
  imsi: ImsiSchema,
  msisdn: MsisdnSchema,
  status: literals(SUBSCRIBER_STATUSES),
  roamingAllowed: Type.Boolean(),
  services: ServiceFlagsSchema,
});
export const SubscriberViewSchema = strictObject({
  ...SubscriberSchema.properties,
  updatedAt: Type.String({ format: "date-time" }),
});

export const SimBindingResultSchema = strictObject({
  subscriber: SubscriberViewSchema,
  swapped: Type.Boolean({
    description: "true: the number moved to this SIM (a SIM swap, published as a fraud signal)",
  }),
  previousImsi: Nullable(ImsiSchema),
  swapId: Nullable(Bytes32Schema),
  swappedAt: Nullable(Type.String({ format: "date-time" })),
});

export const PolicySchema = strictObject({
  paused: Type.Boolean({ description: "Answer nothing (visited operators see their requests time out)" }),
  validitySeconds: Type.Integer({ minimum: 60, maximum: 30 * 86400 }),
  withheldServices: ServiceListSchema,
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
  answerTx: Nullable(TxHashSchema),
  requestedBlock: Type.Integer({ description: "The block the request was mined in" }),
});

export const MsinRangeSchema = strictObject({
  first: Type.String({ pattern: "^[0-9]{1,10}$" }),
  last: Type.String({ pattern: "^[0-9]{1,10}$" }),
});
const MsinRangesSchema = Type.Array(MsinRangeSchema, { maxItems: MAX_MSIN_RANGES });

export const NetworkSchema = strictObject({
  plmn: PlmnSchema,
  operator: AddressSchema,
  msinRanges: MsinRangesSchema,
  sinceBlock: Type.Integer(),
});

export const ClaimSchema = strictObject({
  id: Type.Integer({ description: "The OperatorRegistry's proposal counter at mining time" }),
  kind: Type.String(),
  plmn: PlmnSchema,
  operator: AddressSchema,
  proposer: AddressSchema,
  deadline: Type.String({ format: "date-time" }),
  msinRanges: MsinRangesSchema,
  state: literals(CLAIM_STATES),
  approvals: Type.Integer(),
});

export const KeySchema = strictObject({
  kid: Type.String({ description: "RFC 7638 JWK thumbprint; the JWE kid" }),
  publicKeyHex: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  retiredAt: Nullable(Type.String({ format: "date-time" })),
  usableUntil: Nullable(Type.String({ format: "date-time" })),
});

export const SessionPageQuery = strictObject({
  ...PageQuerySchema.properties,
  state: Type.Optional(SessionStateSchema),
});
export const HomeRequestPageQuery = strictObject({
  ...PageQuerySchema.properties,
  state: Type.Optional(literals(HOME_REQUEST_FILTERS)),
});
export const ClaimPageQuery = strictObject({
  ...PageQuerySchema.properties,
  state: Type.Optional(literals(CLAIM_STATES)),
});

/**
 * `?limit=&cursor=` for a list whose key has parts of these types (e.g. ["string", "string"] for [attachedAt,
 * requestId]): a cursor of another shape is a VALIDATION_FAILED on query.cursor, never a failing SQL comparison.
 */
export function keysetPage<const T extends readonly ("string" | "number")[]>(
  query: { limit?: number; cursor?: string },
  types: T,
): { limit: number; after: { [K in keyof T]: T[K] extends "number" ? number : string } | undefined } {
  const { limit, after } = pageRequest(query, types.length);
  if (after?.some((part, i) => typeof part !== types[i])) {
    throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
  }
  return { limit, after: after as never };
}

// TypeBox schemas of the number-port clearing API. Shared identifiers (addresses, tx hashes, bytes32) from the core.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../../core/api/index.ts";
import { MAX_BATCH, MAX_CONCUR_WINDOW, MAX_NUMBERS_PER_PORT, MIN_CONCUR_WINDOW } from "./service.ts";

export const E164Schema = Type.String({
  pattern: "^[1-9][0-9]{0,14}$",
  description: "An E.164 number (1 to 15 digits, no leading zero)",
});
const ReasonSchema = Type.Integer({ minimum: 0, maximum: 65535, description: "The provider's reason code" });

export const PortRequestBodySchema = strictObject({
  losing: AddressSchema,
  numbers: Type.Optional(
    Type.Array(E164Schema, {
      minItems: 1,
      maxItems: MAX_NUMBERS_PER_PORT,
      description: "Numbers ported together: a bulk port is one request (give numbers or range)",
    }),
  ),
  range: Type.Optional(
    strictObject(
      {
        start: E164Schema,
        count: Type.Integer({ minimum: 1, maximum: MAX_NUMBERS_PER_PORT, description: "How many numbers" }),
        step: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 1_000_000, description: "Between numbers (default 1)" }),
        ),
      },
      { description: "The numbers start, start + step, ... (count of them): a whole block is ported as one grant" },
    ),
  ),
  concurWindowSeconds: Type.Optional(
    Type.Integer({
      minimum: MIN_CONCUR_WINDOW,
      maximum: MAX_CONCUR_WINDOW,
      description: "How long the losing provider has to concur or refuse (default one day)",
    }),
  ),
});
export const BatchActivateBodySchema = strictObject({
  portIds: Type.Array(Bytes32Schema, {
    minItems: 1,
    maxItems: MAX_BATCH,
    description: "Scheduled ports of this member, activated in one transaction, all or nothing",
  }),
  waitSeconds: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 60, description: "Wait up to this long for the EIDL ports (default 30)" }),
  ),
});
export const ReasonBodySchema = strictObject({ reason: ReasonSchema });
export const ScheduleBodySchema = strictObject({
  activateAt: Type.Optional(
    Type.String({ format: "date-time", description: "When to activate (default: now, by the chain's clock)" }),
  ),
});
export const ActivateBodySchema = strictObject({
  waitSeconds: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 60,
      description: "Wait up to this long for the EIDL port of the numbers (default 30)",
    }),
  ),
});

export const PortSchema = strictObject({
  portId: Bytes32Schema,
  gaining: AddressSchema,
  gainingName: Type.Union([Type.String(), Type.Null()]),
  losing: AddressSchema,
  losingName: Type.Union([Type.String(), Type.Null()]),
  state: Type.String({
    description: "requested, concurred, refused, scheduled, activated, cancelled or conflict",
  }),
  reason: Type.Integer(),
  count: Type.Integer(),
  numbers: Type.Array(Type.String(), { maxItems: MAX_NUMBERS_PER_PORT }),
  digest: Bytes32Schema,
  requestedAt: Type.String({ format: "date-time" }),
  concurBy: Type.String({ format: "date-time" }),
  activateAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  activatedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  deadline: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description:
      "The timer of the current state: concurBy when requested, the end of the activation window when scheduled",
  }),
  overdue: Type.Boolean({ description: "The current state's deadline passed (the contract refuses the late step)" }),
  requestedBlock: Type.Integer(),
  txHash: TxHashSchema,
  updatedBlock: Type.Integer(),
  updatedTx: TxHashSchema,
  eidlPorted: Type.Boolean({
    description: "Activated, and this agent's EIDL ledger shows every number at the gaining provider's TNSP account",
  }),
});
export const PortOutcomeSchema = strictObject({ port: PortSchema, txHash: TxHashSchema });
export const BatchOutcomeSchema = strictObject({
  ports: Type.Array(PortSchema, { maxItems: MAX_BATCH }),
  txHash: TxHashSchema,
});

export const PortPageQuery = strictObject({
  ...PageQuerySchema.properties,
  provider: Type.Optional(AddressSchema),
  state: Type.Optional(
    Type.Union(
      ["requested", "concurred", "refused", "scheduled", "activated", "cancelled", "conflict"].map((s) =>
        Type.Literal(s),
      ),
    ),
  ),
  number: Type.Optional(E164Schema),
});

export const PortExecutionSchema = strictObject({
  portId: Bytes32Schema,
  number: Type.String(),
  grantId: Type.Union([Type.String(), Type.Null()]),
  txHash: Type.Union([TxHashSchema, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  executedAt: Type.String({ format: "date-time" }),
});

// TypeBox schemas of the vetter-flag API (a number of a confirmed robocall campaign flagged to its holder's vetter).
import { Type } from "@sinclair/typebox";
import {
  AddressSchema,
  Bytes32Schema,
  DidSchema,
  PageQuerySchema,
  strictObject,
  TxHashSchema,
} from "../../core/api/index.ts";
import { E164Schema } from "../ports/schemas.ts";

const NullableName = Type.Union([Type.String(), Type.Null()]);

export const FlagBodySchema = strictObject({
  number: E164Schema,
  evidence: Type.Optional(Bytes32Schema),
});

export const VetterFlagSchema = strictObject({
  flagId: Bytes32Schema,
  traceId: Bytes32Schema,
  flagger: AddressSchema,
  flaggerName: NullableName,
  subject: Type.String({ description: "The number's keyed hash" }),
  holder: AddressSchema,
  holderDid: Type.String({ description: "The EIDL organisation holding the number" }),
  vetter: AddressSchema,
  vetterDid: Type.String({ description: "The holder's vetter (an EIDL organisation)" }),
  vetterMember: AddressSchema,
  vetterMemberName: NullableName,
  evidence: Bytes32Schema,
  flaggedAt: Type.String(),
  acknowledged: Type.Boolean(),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  flaggedBlock: Type.Integer(),
  txHash: TxHashSchema,
  acknowledgedTx: Type.Union([TxHashSchema, Type.Null()]),
});

export const FlagOutcomeSchema = strictObject({
  flag: VetterFlagSchema,
  txHash: TxHashSchema,
  number: Type.Optional(E164Schema),
});

export const FlagPageQuery = strictObject({
  ...PageQuerySchema.properties,
  vetter: Type.Optional(
    Type.Union([AddressSchema, DidSchema], {
      description: "The vetter: its member account, its organisation's identity address or its DID",
    }),
  ),
  traceId: Type.Optional(Bytes32Schema),
  acknowledged: Type.Optional(Type.Boolean()),
});

// TypeBox schemas of the insights-market API (docs/datausage.md, "The insights market").
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";

const Amount = (description: string) =>
  Type.String({
    pattern: "^(0|[1-9][0-9]{0,30})$",
    description: `${description}, in the settlement token's smallest unit`,
  });
const Hex = (description: string, maxLength: number) =>
  Type.String({ pattern: "^0x([0-9a-fA-F]{2})*$", maxLength, description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const InsightParams = strictObject({ id: Bytes32Schema });
export const PurchaseParams = strictObject({ purchaseId: Bytes32Schema });
export const ConsentParams = strictObject({ consentId: Bytes32Schema });

export const PayloadSchema = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]),
  { minProperties: 1, maxProperties: 32, description: "The insight (kept off chain, sealed under the subject's key)" },
);

export const OfferBody = strictObject({
  consentId: Bytes32Schema,
  payload: PayloadSchema,
  price: Amount("The direct price"),
});

export const OfferedSchema = strictObject({
  insightId: Bytes32Schema,
  contentDigest: Bytes32Schema,
  price: Type.String(),
  txHash: TxHashSchema,
});

export const ListBody = strictObject({
  broker: AddressSchema,
  price: Amount("What a buyer pays through this broker"),
  brokerShareBps: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    description: "The broker's share, basis points (<= 100%)",
  }),
});

export const ListedSchema = strictObject({
  insightId: Bytes32Schema,
  broker: AddressSchema,
  price: Type.String(),
  brokerShareBps: Type.Integer(),
  txHash: TxHashSchema,
});

export const PurchaseBody = strictObject({
  broker: Type.Optional(AddressSchema),
  maxPrice: Amount("The most this member will pay"),
});

export const PurchasedSchema = strictObject({
  purchaseId: Bytes32Schema,
  insightId: Bytes32Schema,
  broker: Nullable(AddressSchema),
  price: Type.String(),
  brokerAmount: Type.String(),
  txHash: TxHashSchema,
});

export const EnvelopeBody = strictObject({
  ephemeralPublicKey: Hex("The controller's ephemeral P-256 key, uncompressed", 132),
  iv: Hex("AES-GCM nonce", 26),
  ciphertext: Hex("The sealed insight", 200_000),
  tag: Hex("AES-GCM tag", 34),
});

export const DeliverySchema = strictObject({
  purchaseId: Bytes32Schema,
  insightId: Bytes32Schema,
  ephemeralPublicKey: Type.String(),
  iv: Type.String(),
  ciphertext: Type.String(),
  tag: Type.String(),
});

export const OpenedSchema = strictObject({
  purchaseId: Bytes32Schema,
  insightId: Bytes32Schema,
  payload: PayloadSchema,
  contentDigest: Bytes32Schema,
});

export const EraseBody = strictObject({ consentId: Bytes32Schema });

export const ErasedSchema = strictObject({
  consentId: Bytes32Schema,
  erased: Type.Array(Bytes32Schema),
  erasureDigest: Bytes32Schema,
  txHash: Nullable(TxHashSchema),
  keyErasure: Type.Union([Type.Literal("none"), Type.Literal("requested"), Type.Literal("attested")], {
    description: "The custodians' attestation of the key's destruction: none (no custodians), requested or attested",
  }),
});

export const ErasureSchema = strictObject({
  consentId: Bytes32Schema,
  certificate: Type.Unknown(),
  erasureDigest: Bytes32Schema,
  subjectKeyHeld: Type.Boolean(),
  insights: Type.Integer({ description: "How many insights the certificate names" }),
  erasedOnChain: Type.Integer({
    description: "How many of them the chain shows erased with this certificate's digest",
  }),
  valid: Type.Boolean(),
});

export const ListingSchema = strictObject({
  broker: AddressSchema,
  price: Type.String(),
  brokerShareBps: Type.Integer(),
});
export const PurchaseSchema = strictObject({
  purchaseId: Bytes32Schema,
  buyer: AddressSchema,
  broker: Nullable(AddressSchema),
  price: Type.String(),
  brokerAmount: Type.String(),
  purchasedAt: Type.Integer(),
  txHash: TxHashSchema,
});

export const InsightSchema = strictObject({
  id: Bytes32Schema,
  controller: AddressSchema,
  consentId: Bytes32Schema,
  contentDigest: Bytes32Schema,
  price: Type.String(),
  offeredAt: Type.Integer(),
  erasedAt: Type.Integer(),
  erasureDigest: Nullable(Bytes32Schema),
});

export const InsightPageQuery = strictObject({ ...PageQuerySchema.properties });

export const InsightsQuery = strictObject({
  ...PageQuerySchema.properties,
  controller: Type.Optional(AddressSchema),
});

// TypeBox schemas of the broker's bundles (docs/datausage.md, "The broker").
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, strictObject, TxHashSchema } from "../core/api/index.ts";

const Amount = (description: string) =>
  Type.String({
    pattern: "^(0|[1-9][0-9]{0,30})$",
    description: `${description}, in the settlement token's smallest unit`,
  });

export const BundleParams = strictObject({ bundleId: Bytes32Schema });

export const EntrustBody = strictObject({
  broker: AddressSchema,
  subscriberShareBps: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    description: "The subscriber's share of this insight's portion of each bundle sale, basis points (<= 100%)",
  }),
  deadline: Type.Integer({ minimum: 0, description: "Unix seconds after which the signed entrustment is void" }),
  signature: Type.String({
    pattern: "^0x[0-9a-fA-F]{130}$",
    description: "The subscriber's EIP-712 Entrustment signature, made with its registered key",
  }),
});

export const EntrustedSchema = strictObject({
  insightId: Bytes32Schema,
  broker: AddressSchema,
  subscriberKey: AddressSchema,
  subscriberShareBps: Type.Integer(),
  txHash: TxHashSchema,
});

export const BundleBody = strictObject({
  insightIds: Type.Array(Bytes32Schema, {
    minItems: 1,
    maxItems: 16,
    description: "Insights the subscribers entrusted to this broker (any order; sent ascending)",
  }),
  price: Amount("The bundle's price"),
});

export const BundledSchema = strictObject({
  bundleId: Bytes32Schema,
  broker: AddressSchema,
  price: Type.String(),
  insightIds: Type.Array(Bytes32Schema),
  txHash: TxHashSchema,
});

export const BundlePurchaseBody = strictObject({ maxPrice: Amount("The most this member will pay") });

export const BundlePurchasedSchema = strictObject({
  bundlePurchaseId: Bytes32Schema,
  bundleId: Bytes32Schema,
  price: Type.String(),
  brokerAmount: Type.String(),
  insights: Type.Array(
    strictObject({
      insightId: Bytes32Schema,
      purchaseId: Bytes32Schema,
      controller: AddressSchema,
      link: Type.String({ description: "The controller agent's delivery path for this insight's purchase" }),
      subscriberKey: AddressSchema,
      subscriberAmount: Type.String(),
    }),
  ),
  txHash: TxHashSchema,
});

export const BundleSchema = strictObject({
  bundleId: Bytes32Schema,
  broker: AddressSchema,
  price: Type.String(),
  createdAt: Type.Integer(),
  txHash: TxHashSchema,
  insights: Type.Array(
    strictObject({
      insightId: Bytes32Schema,
      controller: AddressSchema,
      subscriberKey: AddressSchema,
      subscriberShareBps: Type.Integer(),
      erasedAt: Type.Integer(),
    }),
    { maxItems: 16, description: "The bundle's insights (a bundle holds 1 to 16)" },
  ),
  purchaseCount: Type.Integer({ description: "How many times the bundle was bought" }),
  purchases: Type.Array(
    strictObject({
      bundlePurchaseId: Bytes32Schema,
      buyer: AddressSchema,
      price: Type.String(),
      brokerAmount: Type.String(),
      purchasedAt: Type.Integer(),
      txHash: TxHashSchema,
      subscriberPayments: Type.Array(
        strictObject({ insightId: Bytes32Schema, subscriberKey: AddressSchema, amount: Type.String() }),
        { maxItems: 16 },
      ),
    }),
    { maxItems: 100, description: "The latest 100 purchases, newest first (purchaseCount gives them all)" },
  ),
});

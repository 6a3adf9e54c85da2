// TypeBox schemas of the subscriber's part of the insights market (docs/datausage.md, "The subscriber's own answer").
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";

const Signature = Type.String({
  pattern: "^0x[0-9a-fA-F]{130}$",
  description: "The subscriber's EIP-712 signature (65 bytes, r || s || v) made with its registered key",
});

export const SigningDomainSchema = strictObject({
  name: Type.String(),
  version: Type.String(),
  chainId: Type.Integer(),
  verifyingContract: AddressSchema,
});

export const RegisterKeyBody = strictObject({
  consentId: Bytes32Schema,
  publicKey: Type.String({
    pattern: "^0x04[0-9a-fA-F]{128}$",
    description: "The subscriber's uncompressed secp256k1 public key; insights it accepts are sealed to it",
  }),
  signature: Signature,
});

export const RegisteredKeySchema = strictObject({
  consentId: Bytes32Schema,
  subscriberKey: AddressSchema,
  txHash: TxHashSchema,
});

export const SubscriberKeySchema = strictObject({
  consentId: Bytes32Schema,
  subscriberKey: AddressSchema,
  publicKey: Type.String(),
});

export const AnswerBody = strictObject({
  accepted: Type.Boolean({ description: "true: accept the insight (it is delivered); false: decline it" }),
  location: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: "^(agent|https?://\\S+)$",
      description: 'Where the accepted insight goes: "agent" (this agent\'s store, the default) or an http(s) URL',
    }),
  ),
  deadline: Type.Integer({ minimum: 0, description: "Unix seconds after which the signed answer is void" }),
  signature: Signature,
});

export const AnsweredSchema = strictObject({
  insightId: Bytes32Schema,
  accepted: Type.Boolean(),
  subscriberKey: AddressSchema,
  locationDigest: Bytes32Schema,
  storedAt: Type.Union([Type.String(), Type.Null()]),
  storageError: Type.Optional(Type.String()),
  txHash: TxHashSchema,
});

export const AnswerSchema = strictObject({
  insightId: Bytes32Schema,
  consentId: Bytes32Schema,
  subscriberKey: AddressSchema,
  accepted: Type.Boolean(),
  locationDigest: Bytes32Schema,
  answeredAt: Type.Integer(),
  txHash: TxHashSchema,
});

export const ReadingBody = strictObject({
  issuedAt: Type.Integer({ minimum: 0, description: "Unix seconds; within 300 s of the agent's clock" }),
  signature: Signature,
});

export const ReadSchema = strictObject({
  insightId: Bytes32Schema,
  readerFingerprint: Bytes32Schema,
  txHash: TxHashSchema,
  ephemeralPublicKey: Type.String({ description: "ECIES on secp256k1: the agent's ephemeral key" }),
  iv: Type.String(),
  ciphertext: Type.String({ description: "{payload, salt} sealed to the subscriber's key, the insight id bound in" }),
  tag: Type.String(),
});

export const ReadingSchema = strictObject({
  readerFingerprint: Bytes32Schema,
  recordedBy: AddressSchema,
  readAt: Type.Integer(),
  txHash: TxHashSchema,
});

export const ReadingsQuery = strictObject({ ...PageQuerySchema.properties });

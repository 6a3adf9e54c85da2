// TypeBox schemas of sharing an insight with a friend (docs/datausage.md, "Sharing with a friend").
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const hex = (description: string, maxLength: number, minLength = 3) =>
  Type.String({ pattern: "^0x[0-9a-fA-F]+$", minLength, maxLength, description });

const Signature = Type.String({
  pattern: "^0x[0-9a-fA-F]{130}$",
  description: "An EIP-712 signature (65 bytes, r || s || v)",
});

const PublicKey = Type.String({
  pattern: "^0x04[0-9a-fA-F]{128}$",
  description: "An uncompressed secp256k1 public key (0x04 || x || y)",
});

/** The insight sealed to the friend's key by the subscriber's own client (ECIES on secp256k1, bound to the share id). */
export const ShareEnvelopeSchema = strictObject({
  ephemeralPublicKey: Type.String({
    pattern: "^0x04[0-9a-fA-F]{128}$",
    description: "The subscriber's ephemeral secp256k1 key, uncompressed",
  }),
  iv: hex("AES-GCM nonce (12 bytes)", 26, 26),
  ciphertext: hex("The sealed insight", 200_000),
  tag: hex("AES-GCM tag (16 bytes)", 34, 34),
});

export const FriendKeyParams = strictObject({ key: AddressSchema });
export const ShareParams = strictObject({ shareId: Bytes32Schema });

export const RegisterFriendKeyBody = strictObject({
  publicKey: PublicKey,
  signature: Signature,
});

export const RegisteredFriendKeySchema = strictObject({ friendKey: AddressSchema, txHash: TxHashSchema });

export const FriendKeySchema = strictObject({
  friendKey: AddressSchema,
  publicKey: Type.String(),
  submittedBy: AddressSchema,
});

export const ShareBody = strictObject({
  friendKey: AddressSchema,
  envelope: ShareEnvelopeSchema,
  deadline: Type.Integer({ minimum: 0, description: "Unix seconds after which the signed share is void" }),
  signature: Signature,
});

export const SharedSchema = strictObject({
  shareId: Bytes32Schema,
  insightId: Bytes32Schema,
  friendKey: AddressSchema,
  subscriberKey: AddressSchema,
  envelopeDigest: Bytes32Schema,
  txHash: TxHashSchema,
});

const shareFields = {
  shareId: Bytes32Schema,
  insightId: Bytes32Schema,
  friendKey: AddressSchema,
  subscriberKey: AddressSchema,
  envelopeDigest: Bytes32Schema,
  submittedBy: AddressSchema,
  sharedAt: Type.Integer(),
  txHash: TxHashSchema,
};

export const ShareSchema = strictObject(shareFields);

export const ShareWithEnvelopeSchema = strictObject({
  ...shareFields,
  envelope: Nullable(
    strictObject({
      ephemeralPublicKey: Type.String(),
      iv: Type.String(),
      ciphertext: Type.String(),
      tag: Type.String(),
    }),
  ),
});

export const SharesQuery = strictObject({ ...PageQuerySchema.properties });

export const CustodiansBody = strictObject({
  custodians: Type.Array(AddressSchema, {
    minItems: 1,
    maxItems: 16,
    description: "The members that hold the subject's key or a copy of it (any order; sent ascending)",
  }),
  threshold: Type.Integer({
    minimum: 1,
    maximum: 16,
    description: "How many distinct custodians must attest the key's destruction for the erasure to be Attested",
  }),
});

export const CustodiansNamedSchema = strictObject({
  consentId: Bytes32Schema,
  custodians: Type.Array(AddressSchema, { maxItems: 16 }),
  threshold: Type.Integer(),
  txHash: TxHashSchema,
});

export const KeyErasureSchema = strictObject({
  consentId: Bytes32Schema,
  controller: AddressSchema,
  custodians: Type.Array(AddressSchema, { maxItems: 16 }),
  threshold: Type.Integer(),
  status: Type.Union([Type.Literal("none"), Type.Literal("requested"), Type.Literal("attested")]),
  requestedAt: Nullable(Type.Integer()),
  attestedAt: Nullable(Type.Integer({ description: "When the threshold was reached" })),
  attestations: Type.Array(
    strictObject({
      custodian: AddressSchema,
      destructionDigest: Bytes32Schema,
      attestedAt: Type.Integer(),
      txHash: TxHashSchema,
    }),
    { maxItems: 16, description: "Who attested, in order, with the digest of its destruction record" },
  ),
});

// --- Shares of a subject key with its custodians (keyShares.ts) ---

const HexOf = (bytes: number, description: string) =>
  Type.String({ pattern: `^0x[0-9a-fA-F]{${bytes * 2}}$`, description });
const DidKey = Type.String({
  pattern: "^did:key:z[1-9A-HJ-NP-Za-km-z]{40,60}$",
  description: "The agent's custody key as a P-256 did:key",
});

/** An agent's custody key, bound to its member by the member account's signature (EIP-191). */
export const CustodyKeySchema = strictObject({
  member: AddressSchema,
  did: DidKey,
  proof: Type.String({
    pattern: "^0x[0-9a-fA-F]{130}$",
    description: "The member account's EIP-191 signature of the custody key statement (custodyKeyStatement)",
  }),
});

export const KeySharesBody = strictObject({
  agents: Type.Array(
    strictObject({
      custodian: AddressSchema,
      endpoint: Type.String({
        pattern: "^https?://[^\\s]+$",
        maxLength: 2048,
        description: "The custodian member's agent (base URL)",
      }),
    }),
    { minItems: 1, maxItems: 16, description: "Every named custodian once, with its agent's URL" },
  ),
});

export const KeySharesDistributedSchema = strictObject({
  consentId: Bytes32Schema,
  splitId: HexOf(16, "This split's random id: shares of different splits do not combine"),
  count: Type.Integer(),
  threshold: Type.Integer(),
  keyDigest: Bytes32Schema,
  deliveries: Type.Array(
    strictObject({
      custodian: AddressSchema,
      index: Type.Integer(),
      deliveredTo: Type.String(),
      receivedAt: Type.String(),
    }),
    { maxItems: 16 },
  ),
});

/** The `msg` of a key share's envelope (signed by the controller's custody key, encrypted to the custodian's). */
export const KeyShareMessage = strictObject({
  type: Type.Literal("telco-ledger subject key share v1"),
  consentId: Bytes32Schema,
  controller: AddressSchema,
  custodian: AddressSchema,
  splitId: HexOf(16, "The split's id"),
  index: Type.Integer({ minimum: 1, maximum: 16 }),
  count: Type.Integer({ minimum: 1, maximum: 16 }),
  threshold: Type.Integer({ minimum: 1, maximum: 16 }),
  share: Type.String({
    pattern: "^0x([0-9a-fA-F]{64}|[0-9a-fA-F]{66})$",
    description: "The Shamir share (or the key when m = 1)",
  }),
  keyDigest: Bytes32Schema,
  controllerKey: CustodyKeySchema,
});

export const KeyShareInboxBody = strictObject({
  envelope: Type.String({
    minLength: 16,
    maxLength: 16_384,
    pattern: "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$",
    description:
      "A compact JWE (ECDH-ES, A256GCM) to this agent's custody key, holding a JWT signed (ES256) by the controller's custody key whose `msg` is the share",
  }),
});

export const KeyShareReceivedSchema = strictObject({
  consentId: Bytes32Schema,
  custodian: AddressSchema,
  index: Type.Integer(),
  splitId: Type.String(),
  receivedAt: Type.String(),
});

export const KeyShareSchema = strictObject({
  consentId: Bytes32Schema,
  custodian: AddressSchema,
  controller: AddressSchema,
  splitId: Type.String(),
  index: Type.Integer(),
  threshold: Type.Integer(),
  share: Type.String(),
  keyDigest: Bytes32Schema,
  receivedAt: Type.String(),
});

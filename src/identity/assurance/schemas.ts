// TypeBox schemas of the identity-assurance API (IDM-002 vouching and KYC reuse, IDM-004 attestations).
import { Type } from "@sinclair/typebox";
import {
  AddressSchema,
  Bytes32Schema,
  DID_ETHR_PATTERN,
  PageQuerySchema,
  strictObject,
  TxHashSchema,
} from "../../core/api/index.ts";

const HolderDid = Type.String({ pattern: DID_ETHR_PATTERN, maxLength: 120, description: "did:ethr of the holder" });
/** A subject or attester: a did:ethr or a bare address. */
const PersonSchema = Type.String({
  pattern: `^(0x[0-9a-fA-F]{40}|did:ethr:(0x[0-9a-fA-F]+:)?0x[0-9a-fA-F]{40})$`,
  maxLength: 120,
  description: "A person's did:ethr, or its address",
});
const SignatureSchema = Type.String({
  pattern: "^0x[0-9a-fA-F]{130}$",
  description: "65-byte ECDSA signature (r, s, v)",
});

export const IdFileSchema = strictObject(
  {
    version: Type.Literal(1),
    salt: Bytes32Schema,
    holder: HolderDid,
    data: Type.Record(Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_.-]{0,63}$" }), Type.String({ maxLength: 1000 }), {
      maxProperties: 64,
      description: "Structured identity data (strings)",
    }),
    documents: Type.Array(
      strictObject({
        kind: Type.String({ minLength: 1, maxLength: 64 }),
        mediaType: Type.String({ pattern: "^[a-z]+/[a-z0-9.+-]+$", maxLength: 100 }),
        content: Type.String({ pattern: "^[A-Za-z0-9+/]*={0,2}$", maxLength: 2_000_000, description: "base64" }),
      }),
      { maxItems: 8 },
    ),
  },
  { description: "A subscriber's ID file, prepared by their device; only its salted fingerprint goes on chain" },
);

export const ConsentSchema = strictObject(
  {
    type: Type.Literal("KycReuseConsent"),
    fingerprint: Bytes32Schema,
    holder: HolderDid,
    relyingMember: AddressSchema,
    issuedAt: Type.Integer({ minimum: 0 }),
    expiresAt: Type.Integer({ minimum: 0 }),
    signature: SignatureSchema,
  },
  { description: "The holder's consent, signed with its did:ethr key, that the named member may reuse the vouching" },
);

export const VouchBodySchema = strictObject({
  file: IdFileSchema,
  decision: Type.Literal("verified", { description: "The operator's decision: it verified the file" }),
});
export const CheckBodySchema = strictObject({ file: IdFileSchema });
export const ReuseBodySchema = strictObject({ file: IdFileSchema, consent: ConsentSchema });
export const VouchIdParams = strictObject({ vouchId: Bytes32Schema });
export const VouchingPageQuery = strictObject({ fingerprint: Bytes32Schema, ...PageQuerySchema.properties });

export const VouchingSchema = strictObject({
  vouchId: Bytes32Schema,
  fingerprint: Bytes32Schema,
  member: AddressSchema,
  memberName: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal("standing"), Type.Literal("revoked")]),
  vouchedAt: Type.Integer(),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
  block: Type.Integer(),
});
export const VouchingWriteSchema = strictObject({ vouching: VouchingSchema, txHash: TxHashSchema });
export const CheckResultSchema = strictObject({
  fingerprint: Bytes32Schema,
  valid: Type.Boolean(),
  vouchings: Type.Array(VouchingSchema, { maxItems: 1000, description: "One per member at most" }),
});
export const ReuseResultSchema = strictObject({
  ...CheckResultSchema.properties,
  relyingMember: AddressSchema,
  holder: HolderDid,
});

export const AttestBodySchema = strictObject({ subject: PersonSchema, claim: Bytes32Schema });
export const RelayBodySchema = strictObject({
  attester: PersonSchema,
  subject: PersonSchema,
  claim: Bytes32Schema,
  signature: SignatureSchema,
});
export const WithdrawBodySchema = strictObject({
  signature: Type.Optional(SignatureSchema),
});
export const AttestationIdParams = strictObject({ attestationId: Bytes32Schema });
export const AttestationPageQuery = strictObject({
  subject: PersonSchema,
  claim: Type.Optional(Bytes32Schema),
  ...PageQuerySchema.properties,
});
export const DigestQuery = strictObject({ attester: PersonSchema, subject: PersonSchema, claim: Bytes32Schema });
export const ConfidenceQuery = strictObject({ subject: PersonSchema, claim: Bytes32Schema });

export const AttestationSchema = strictObject({
  attestationId: Bytes32Schema,
  subject: AddressSchema,
  claim: Bytes32Schema,
  attester: AddressSchema,
  organisation: Type.Boolean(),
  relayer: AddressSchema,
  status: Type.Union([Type.Literal("standing"), Type.Literal("withdrawn")]),
  attestedAt: Type.Integer(),
  withdrawnAt: Type.Union([Type.Integer(), Type.Null()]),
  block: Type.Integer(),
  log: Type.Integer(),
});
export const AttestationWriteSchema = strictObject({ attestation: AttestationSchema, txHash: TxHashSchema });
export const DigestSchema = strictObject({
  digest: Bytes32Schema,
  howToSign: Type.String(),
});
export const ConfidenceSchema = strictObject({
  subject: AddressSchema,
  claim: Bytes32Schema,
  people: Type.Integer(),
  organisations: Type.Integer(),
  confidence: Type.Integer({ minimum: 0, maximum: 100 }),
  formula: Type.String(),
});

// TypeBox schemas of the IoT API. Shared identifiers (addresses, hashes, pages) come from src/core/api/schemas.ts.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";
import { ATTESTER_KIND_NAMES } from "./kinds.ts";

const KindSchema = Type.Union(
  ATTESTER_KIND_NAMES.map((k) => Type.Literal(k)),
  {
    description: "oem | operator | third-party | peer",
  },
);
const SubjectSchema = Type.String({
  pattern: "^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$",
  description: "A device address, or a 32-byte subject such as a model id",
});
const ClaimValueSchema = Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]);
const NullableHex = Type.Union([Bytes32Schema, Type.Null()]);
const SignatureSchema = Type.String({
  pattern: "^0x[0-9a-fA-F]{130}$",
  description: "A 65-byte secp256k1 signature (r, s, v), EIP-191",
});

export const IdParams = strictObject({ id: Bytes32Schema });
export const SchemaParams = strictObject({ schemaId: Bytes32Schema });
export const DeviceParams = strictObject({ device: AddressSchema });
export const AttesterParams = strictObject({ attester: AddressSchema });
export const BatchParams = strictObject({ batchId: Bytes32Schema });
export const PolicyParams = strictObject({ policyId: Type.String({ pattern: "^[a-z0-9][a-z0-9._-]{0,63}$" }) });
export const PolicyQuery = strictObject({ version: Type.Optional(Type.Integer({ minimum: 1 })) });
export const SubjectParams = strictObject({ subject: SubjectSchema });
export const SubjectPageQuery = PageQuerySchema;

export const RegisterSchemaBody = strictObject({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  definition: Type.String({ minLength: 1, maxLength: 1024, description: 'Field list, e.g. "bool verifiedBoot"' }),
  revocable: Type.Boolean(),
  attesterKinds: Type.Array(KindSchema, { minItems: 1, maxItems: 4, uniqueItems: true }),
});
export const SchemaCreatedSchema = strictObject({
  schemaId: Bytes32Schema,
  txHash: Type.Union([TxHashSchema, Type.Null()]),
});
export const SchemaSchema = strictObject({
  schemaId: Bytes32Schema,
  creator: AddressSchema,
  name: Type.String(),
  definition: Type.String(),
  revocable: Type.Boolean(),
  attesterKinds: Type.Array(KindSchema, { maxItems: 4 }),
  blockNumber: Type.Integer(),
});

export const VetBody = strictObject({ attester: AddressSchema, kind: KindSchema });
export const VettedSchema = strictObject({ attester: AddressSchema, kind: KindSchema, txHash: TxHashSchema });
export const AttesterSchema = strictObject({
  attester: AddressSchema,
  kind: Type.Union([KindSchema, Type.Null()], { description: "null: neither vetted nor a registered device" }),
  vettedBy: Type.Union([AddressSchema, Type.Null()]),
});

export const BindingQuery = strictObject({
  device: AddressSchema,
  make: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.String({ minLength: 1, maxLength: 64 }),
});
export const BindingSchema = strictObject({ oem: AddressSchema, modelId: Bytes32Schema, digest: Bytes32Schema });
export const RegisterDeviceBody = strictObject({
  device: AddressSchema,
  make: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.String({ minLength: 1, maxLength: 64 }),
  signature: Type.String({ pattern: "^0x[0-9a-fA-F]{130}$", description: "The device key's EIP-191 signature" }),
});
export const DeviceRegisteredSchema = strictObject({
  device: AddressSchema,
  modelId: Bytes32Schema,
  txHash: TxHashSchema,
});
export const SimBindingSchema = strictObject({ device: AddressSchema, operator: AddressSchema, txHash: TxHashSchema });
export const DeviceSchema = strictObject({
  device: AddressSchema,
  oem: AddressSchema,
  modelId: Bytes32Schema,
  make: Type.String(),
  model: Type.String(),
  simOperator: Type.Union([AddressSchema, Type.Null()]),
});

export const IssueBody = strictObject({
  schemaId: Bytes32Schema,
  subject: SubjectSchema,
  data: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 }),
  expiresAt: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 253_402_300_799,
      description: "Unix seconds (at most year 9999); absent or 0: no expiry",
    }),
  ),
  form: Type.Union([Type.Literal("onchain"), Type.Literal("offchain")]),
  oemid: Type.Optional(Type.String({ maxLength: 64 })),
  hwmodel: Type.Optional(Type.String({ maxLength: 64 })),
});
export const ImportBody = strictObject({
  jwt: Type.String({ minLength: 10, maxLength: 16_384 }),
  batchId: Type.Optional(Bytes32Schema),
  proof: Type.Optional(Type.Array(Bytes32Schema, { maxItems: 64 })),
  peerSignature: Type.Optional(SignatureSchema),
});
export const PeerAttestationBody = strictObject({
  jwt: Type.String({ minLength: 10, maxLength: 16_384, description: "The device's signed token (ES256K-R eat+jwt)" }),
  signature: SignatureSchema,
});
export const SignedRevocationBody = strictObject({ signature: SignatureSchema });
export const RevocationDigestSchema = strictObject({
  id: Bytes32Schema,
  attester: AddressSchema,
  leaf: Bytes32Schema,
  digest: Bytes32Schema,
});
export const AttestationSchema = strictObject({
  id: Bytes32Schema,
  form: Type.Union([Type.Literal("onchain"), Type.Literal("offchain")]),
  schemaId: Bytes32Schema,
  subject: Bytes32Schema,
  attester: AddressSchema,
  expiresAt: Type.Integer(),
  issuedAt: Type.Integer(),
  revokedAt: Type.Integer(),
  status: Type.String({
    description: "valid | REVOKED | EXPIRED | ATTESTER_NOT_VETTED | PENDING_ANCHOR (held, its batch not anchored yet)",
  }),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  jwt: Type.Union([Type.String(), Type.Null()]),
  leaf: NullableHex,
  batchId: NullableHex,
  proof: Type.Union([Type.Array(Bytes32Schema, { maxItems: 64 }), Type.Null()]),
  relayer: Type.Union([AddressSchema, Type.Null()]),
  peerSignature: Type.Union([SignatureSchema, Type.Null()]),
});
export const RevokedSchema = strictObject({ id: Bytes32Schema, txHash: TxHashSchema });

export const AnchorBody = strictObject({ max: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000 })) });
export const AnchoredSchema = strictObject({
  batchId: Bytes32Schema,
  root: Bytes32Schema,
  count: Type.Integer(),
  txHash: TxHashSchema,
  kind: Type.Union([Type.Literal("own"), Type.Literal("peer")]),
});
export const BatchSchema = strictObject({
  batchId: Bytes32Schema,
  attester: AddressSchema,
  root: Bytes32Schema,
  count: Type.Integer(),
  anchoredAt: Type.Integer(),
  blockNumber: Type.Integer(),
  txHash: TxHashSchema,
});

export const CriterionSchema = strictObject({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  schemaId: Bytes32Schema,
  attesterKinds: Type.Optional(Type.Array(KindSchema, { minItems: 1, maxItems: 4, uniqueItems: true })),
  attesters: Type.Optional(Type.Array(AddressSchema, { minItems: 1, maxItems: 64 })),
  match: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), ClaimValueSchema, { maxProperties: 16 })),
  withinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
  min: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  max: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
});
export const PolicyBody = strictObject({
  version: Type.Integer({ minimum: 1 }),
  description: Type.Optional(Type.String({ maxLength: 512 })),
  criteria: Type.Array(CriterionSchema, { minItems: 1, maxItems: 32 }),
});
export const PolicySchema = strictObject({
  policyId: Type.String(),
  version: Type.Integer(),
  description: Type.Optional(Type.String()),
  criteria: Type.Array(CriterionSchema, { maxItems: 32 }),
});
export const DecisionQuery = strictObject({
  policyId: Type.String({ pattern: "^[a-z0-9][a-z0-9._-]{0,63}$" }),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
});
const NotCountedSchema = strictObject({ id: Bytes32Schema, reason: Type.String() });
export const DecisionSchema = strictObject({
  subject: Bytes32Schema,
  policyId: Type.String(),
  version: Type.Integer(),
  allowed: Type.Boolean(),
  at: Type.Integer(),
  criteria: Type.Array(
    strictObject({
      name: Type.String(),
      satisfied: Type.Boolean(),
      attesters: Type.Integer(),
      min: Type.Integer(),
      max: Type.Union([Type.Integer(), Type.Null()]),
      counted: Type.Array(Bytes32Schema, { maxItems: 10_000 }),
      notCounted: Type.Array(NotCountedSchema, { maxItems: 10_000 }),
    }),
    { maxItems: 32 },
  ),
});

export const FirmwareBody = strictObject({
  make: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.String({ minLength: 1, maxLength: 32 }),
  sha256: Bytes32Schema,
  signature: Type.String({ pattern: "^0x[0-9a-fA-F]{2,1024}$", description: "The OEM's signature of the image" }),
});
export const DocumentBody = strictObject({
  make: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.String({ minLength: 1, maxLength: 64 }),
  kind: Type.String({ minLength: 1, maxLength: 32, description: "manual, safety notice ..." }),
  title: Type.String({ minLength: 1, maxLength: 128 }),
  sha256: Bytes32Schema,
  url: Type.String({ minLength: 1, maxLength: 512 }),
});
export const UpdatesQuery = strictObject({ version: Type.String({ minLength: 1, maxLength: 32 }) });
export const UpdatesSchema = strictObject({
  device: AddressSchema,
  oem: AddressSchema,
  modelId: Bytes32Schema,
  current: Type.String(),
  firmware: Type.Array(AttestationSchema, { maxItems: 1000 }),
  documents: Type.Array(AttestationSchema, { maxItems: 1000 }),
});
export const FirmwareCheckBody = strictObject({ device: AddressSchema, sha256: Bytes32Schema });

export const CertificateChainBody = strictObject({
  chain: Type.Array(Type.String({ minLength: 1, maxLength: 16_384, description: "One PEM certificate" }), {
    minItems: 1,
    maxItems: 8,
    description: "The device's certificate chain, device certificate first, up to the OEM's certificate",
  }),
});
const ChainLinkSchema = strictObject({
  subject: Type.String(),
  issuer: Type.String(),
  sha256: Bytes32Schema,
  notBefore: Type.String(),
  notAfter: Type.String(),
});
export const TrustedChainSchema = strictObject({
  trusted: Type.Literal(true),
  chain: Type.Array(ChainLinkSchema, { maxItems: 8 }),
  anchor: strictObject({
    index: Type.Integer({ minimum: 0 }),
    sha256: Bytes32Schema,
    attestationId: Bytes32Schema,
    oem: AddressSchema,
  }),
});
export const OemCertificateBody = strictObject({
  pem: Type.String({ minLength: 1, maxLength: 16_384, description: "The OEM's root or intermediate certificate" }),
  expiresAt: Type.Optional(Type.Integer({ minimum: 0, description: "Unix seconds; 0 or absent: no expiry" })),
});

// TypeBox schemas of the PKI API. Shared identifiers (addresses, hashes) come from the API core.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";
import { KINDS } from "./projection.ts";
import { REVOCATION_REASONS } from "./service.ts";

/** At most this many members vouch for one application (the consortium's size bounds it far below). */
const MAX_VOUCHERS = 64;

export const KindSchema = Type.Union(
  KINDS.map((k) => Type.Literal(k)),
  { description: "DV (domain validated), OV (organisation validated), EV (extended validation)" },
);
export const DnsNameSchema = Type.String({
  pattern: "^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$",
  description: "A fully qualified DNS name (no wildcard)",
});
export const ApplicationIdParams = strictObject({ id: Bytes32Schema });
export const SerialParams = strictObject({
  serial: Type.String({ pattern: "^[0-9a-fA-F]{2,40}$", description: "Certificate serial number, hex" }),
});

export const ApplySchema = strictObject({
  kind: KindSchema,
  dnsName: DnsNameSchema,
  identified: Type.Boolean({
    description: "true: the certificate names the applicant's organisation (members only); false: anonymous",
  }),
  organization: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Identified applicants only" })),
  publicKey: Type.String({
    minLength: 40,
    maxLength: 4096,
    description: "The key to certify: a P-256 SubjectPublicKeyInfo, PEM or base64 DER",
  }),
  salt: Type.Optional(Bytes32Schema),
});

const CertificateFacts = Type.Union([
  Type.Null(),
  strictObject({
    serial: Type.String(),
    sha256: Bytes32Schema,
    issuer: AddressSchema,
    caHash: Bytes32Schema,
    der: Type.String({ description: "The certificate, DER as 0x hex" }),
    issuedBlock: Type.Integer(),
    issuedAt: Type.Integer({ description: "Block time, unix seconds" }),
  }),
]);

export const ApplicationSchema = strictObject({
  id: Bytes32Schema,
  applicant: AddressSchema,
  kind: KindSchema,
  identified: Type.Boolean(),
  dnsName: Type.String(),
  organization: Type.Union([Type.String(), Type.Null()]),
  publicKey: Type.String({ description: "SubjectPublicKeyInfo, DER as 0x hex" }),
  state: Type.Union([Type.Literal("filed"), Type.Literal("issued"), Type.Literal("revoked")]),
  domainAttestations: Type.Integer(),
  endorsements: Type.Integer(),
  filedBlock: Type.Integer(),
  filedTx: TxHashSchema,
  certificate: CertificateFacts,
  revocation: Type.Union([
    Type.Null(),
    strictObject({ by: AddressSchema, at: Type.Integer(), reason: Type.Integer() }),
  ]),
});

export const VouchSchema = strictObject({
  member: AddressSchema,
  kind: Type.Union([Type.Literal("domain-control"), Type.Literal("endorsement")]),
  blockNumber: Type.Integer(),
});

export const ApplicationDetailSchema = strictObject({
  ...ApplicationSchema.properties,
  vouches: Type.Array(VouchSchema, { maxItems: MAX_VOUCHERS }),
});

export const ChallengeSchema = strictObject({
  token: Type.String(),
  keyAuthorization: Type.String(),
  url: Type.String(),
});

export const ApplyResultSchema = strictObject({
  application: ApplicationSchema,
  challenge: Type.Union([ChallengeSchema, Type.Null()]),
});

export const WriteResultSchema = strictObject({ application: ApplicationSchema, txHash: TxHashSchema });

export const ApplicationPageQuery = strictObject({
  ...PageQuerySchema.properties,
  state: Type.Optional(Type.Union([Type.Literal("filed"), Type.Literal("issued"), Type.Literal("revoked")])),
});

export const RevokeSchema = strictObject({
  reason: Type.Union(
    Object.keys(REVOCATION_REASONS).map((r) => Type.Literal(r)),
    { description: "RFC 5280 CRLReason" },
  ),
});

export const CaSetupSchema = strictObject({
  commonName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

export const CaSchema = strictObject({
  caHash: Bytes32Schema,
  issuer: Type.Optional(AddressSchema),
  blockNumber: Type.Optional(Type.Integer()),
  certificate: Type.String({ description: "The issuing CA certificate, PEM" }),
  created: Type.Optional(Type.Boolean()),
});

export const StatusSchema = strictObject({
  serial: Type.String(),
  status: Type.Union([Type.Literal("good"), Type.Literal("revoked")]),
  applicationId: Bytes32Schema,
  sha256: Bytes32Schema,
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
  producedAt: Type.String({ format: "date-time" }),
});

export const VerifyBodySchema = strictObject({
  certificate: Type.String({ minLength: 100, maxLength: 16_384, description: "PEM, or DER in base64" }),
});

const Voucher = Type.Array(AddressSchema, { maxItems: MAX_VOUCHERS });
export const VerificationSchema = strictObject({
  valid: Type.Boolean(),
  problems: Type.Array(Type.String(), { maxItems: 8, description: "Why it is not valid (empty when valid)" }),
  sha256: Bytes32Schema,
  serial: Type.String(),
  subject: Type.String(),
  applicationId: Type.Union([Bytes32Schema, Type.Null()]),
  kind: Type.Union([Type.String(), Type.Null()]),
  identified: Type.Union([Type.Boolean(), Type.Null()]),
  applicant: Type.Union([AddressSchema, Type.Null()]),
  issuer: Type.Union([AddressSchema, Type.Null()]),
  validators: Voucher,
  endorsers: Voucher,
  revocation: Type.Union([
    Type.Null(),
    strictObject({ by: AddressSchema, at: Type.Integer(), reason: Type.Integer() }),
  ]),
});

export const PinSchema = strictObject({
  dnsName: DnsNameSchema,
  target: Type.String({ pattern: "^[A-Za-z0-9.-]+:[0-9]{1,5}$", description: "host:port the name's HTTP-01 is at" }),
});
export const PinListSchema = strictObject({ items: Type.Array(PinSchema, { maxItems: 1000 }) });

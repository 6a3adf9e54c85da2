// TypeBox schemas of the signed-calls API: the ATIS-1000082 signing and verification shapes, the OSP's attestation
// decision, enterprise PASSporTs, STI-CA and STI key administration, trusted roots and settings. Shared identifiers
// (DIDs, pages) come from src/core/api/schemas.ts.
import { Type } from "@sinclair/typebox";
import { DidSchema, pageOf, strictObject } from "../core/api/index.ts";
import { MAX_IDENTITIES } from "./divVerifier.ts";
import { MAX_IDENTITY_HEADER_LENGTH } from "./identityHeader.ts";
import { MAX_DEST_TNS } from "./passport.ts";

export const TnSchema = Type.String({
  minLength: 1,
  maxLength: 40,
  description: "E.164 telephone number (digits, optional +)",
});
export const TnsSchema = Type.Array(TnSchema, { minItems: 1, maxItems: MAX_DEST_TNS });
export const IdentitySchema = Type.String({
  minLength: 1,
  maxLength: MAX_IDENTITY_HEADER_LENGTH,
  description: "SIP Identity header value",
});
export const AttestSchema = Type.Union([Type.Literal("A"), Type.Literal("B"), Type.Literal("C")]);
const PemSchema = Type.String({ minLength: 1, maxLength: 32_768 });
const SpcSchema = Type.String({ minLength: 1, maxLength: 12, description: "Service Provider Code (TNAuthList)" });
const UuidSchema = Type.String({
  pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
});
/** An attestation makes at most nine checks today (attestation.ts); the bound leaves room. */
const MAX_CHECKS = 16;

// ATIS-1000082 centralized signing and verification.

export const SigningRequestSchema = strictObject({
  signingRequest: strictObject({
    attest: AttestSchema,
    dest: strictObject({ tn: TnsSchema }),
    iat: Type.Integer({ minimum: 0, maximum: 2 ** 40 }),
    orig: strictObject({ tn: TnSchema }),
    origid: UuidSchema,
  }),
});
export const SigningResponseSchema = strictObject({ signingResponse: strictObject({ identity: Type.String() }) });

export const VerificationRequestSchema = strictObject({
  verificationRequest: strictObject({
    from: strictObject({ tn: TnSchema }),
    to: strictObject({ tn: TnsSchema }),
    identity: Type.Optional(Type.String({ maxLength: MAX_IDENTITY_HEADER_LENGTH * 2 })),
    time: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40 })),
  }),
});
export const VerificationResponseSchema = strictObject({
  verificationResponse: strictObject({
    verstat: Type.Union([
      Type.Literal("TN-Validation-Passed"),
      Type.Literal("TN-Validation-Failed"),
      Type.Literal("No-TN-Validation"),
    ]),
    attest: Type.Optional(AttestSchema),
    origid: Type.Optional(Type.String()),
    reasonCode: Type.Optional(Type.Integer({ description: "RFC 8224 SIP response code on failure" })),
    reasonText: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: "Machine-readable reason" })),
  }),
});

// The OSP's attestation and the enterprise's PASSporT.

export const AttestationRequestSchema = strictObject({
  orig: strictObject({ tn: TnSchema }),
  dest: strictObject({ tn: TnsSchema }),
  identity: Type.Optional(IdentitySchema),
  directCustomer: Type.Boolean({ description: "The caller is a customer this OSP authenticated" }),
});
const CheckSchema = strictObject({ code: Type.String(), passed: Type.Boolean(), detail: Type.Optional(Type.String()) });
export const DecisionSchema = strictObject({
  attest: AttestSchema,
  origid: Type.String(),
  reasons: Type.Array(Type.String(), {
    maxItems: MAX_CHECKS,
    description: "Failed checks: why the call is not A (empty for A)",
  }),
  checks: Type.Array(CheckSchema, { maxItems: MAX_CHECKS }),
  callerDid: Type.Union([Type.String(), Type.Null()]),
  identity: Type.String({ description: "SHAKEN Identity header to add to the forwarded INVITE" }),
});

export const EnterprisePassportRequestSchema = strictObject({
  did: DidSchema,
  orig: strictObject({ tn: TnSchema }),
  dest: strictObject({ tn: TnsSchema }),
  tnauth: Type.String({ minLength: 1, maxLength: 512, description: "Reference of the TN authorization" }),
  rcd: Type.Optional(strictObject({ nam: Type.String({ minLength: 1, maxLength: 256 }) })),
});
export const EnterprisePassportSchema = strictObject({ identity: Type.String(), token: Type.String() });

// STI-CA, STI key and certificate.

export const CertificateFileParamsSchema = strictObject({ file: Type.String({ pattern: "^[0-9a-f]{16}\\.pem$" }) });
export const CreateCaRequestSchema = strictObject({ commonName: Type.String({ minLength: 1, maxLength: 64 }) });
export const CertificatePemSchema = strictObject({ certificatePem: Type.String() });
export const IssueCertificateRequestSchema = strictObject({
  publicKeyPem: PemSchema,
  spc: SpcSchema,
  commonName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});
export const IssuedCertificateSchema = strictObject({ certificatePem: Type.String(), chainPem: Type.String() });
export const StiKeyRequestSchema = strictObject({ spc: SpcSchema });
export const StiKeySchema = strictObject({ publicKeyPem: Type.String() });
export const InstallCertificateRequestSchema = strictObject({ chainPem: PemSchema });
export const InstalledCertificateSchema = strictObject({ x5u: Type.String() });

// Trusted roots and settings.

export const RootSchema = strictObject({
  fingerprint: Type.String(),
  subject: Type.String(),
  notAfter: Type.String(),
  source: Type.Union([Type.Literal("config"), Type.Literal("api")]),
  pem: Type.String(),
});
export const RootPageSchema = pageOf(RootSchema);
export const AddRootRequestSchema = strictObject({ pem: PemSchema });
/** A PEM bundle of at most 32 KiB holds a few dozen certificates: the roots one request adds. */
export const AddedRootsSchema = strictObject({ items: Type.Array(RootSchema, { maxItems: 100 }) });
export const RootParamsSchema = strictObject({
  fingerprint: Type.String({ pattern: "^[0-9A-F]{2}(:[0-9A-F]{2}){31}$" }),
});

export const SettingsSchema = strictObject({
  freshnessSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  x5uAllowedOrigins: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100 }),
  x5uBaseUrl: Type.String({ maxLength: 300, pattern: "^https?://" }),
});
export const SettingsChangeSchema = strictObject({
  freshnessSeconds: Type.Optional(SettingsSchema.properties.freshnessSeconds),
  x5uAllowedOrigins: Type.Optional(SettingsSchema.properties.x5uAllowedOrigins),
  x5uBaseUrl: Type.Optional(SettingsSchema.properties.x5uBaseUrl),
});

// Diverted calls (RFC 8946): the OSP signs a div PASSporT; the STI-VS verifies the chain of a call's PASSporTs.

export const DiversionRequestSchema = strictObject({
  identity: Type.String({
    minLength: 1,
    maxLength: MAX_IDENTITY_HEADER_LENGTH,
    description: "Identity header of the PASSporT the call arrived with (its SHAKEN one, or the latest div)",
  }),
  div: strictObject({ tn: TnSchema }, { description: "The number the call is diverted from (one of that dest)" }),
  dest: strictObject({ tn: TnsSchema }, { description: "The new target" }),
  /** The organisation forwarding the call: this OSP's customer on whose behalf it signs. */
  divertingDid: DidSchema,
});
export const DiversionSchema = strictObject({
  identity: Type.String({ description: "The div PASSporT's Identity header, to add beside the call's others" }),
  orig: Type.String(),
  dest: Type.Array(Type.String(), { maxItems: MAX_DEST_TNS }),
  div: Type.String(),
  origid: Type.String(),
  iat: Type.Integer(),
  tnauth: Type.String({ description: "The authorization (issuer DID # credential hash) for the div number" }),
  divertingDid: Type.String(),
});

export const DivertedVerificationRequestSchema = strictObject({
  from: strictObject({ tn: TnSchema }),
  to: strictObject({ tn: TnsSchema }),
  identities: Type.Array(IdentitySchema, {
    minItems: 1,
    maxItems: MAX_IDENTITIES,
    description: "Every Identity header of the call: one SHAKEN PASSporT and its div PASSporTs, in any order",
  }),
  time: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40 })),
});
const StepSchema = strictObject({
  index: Type.Integer({ description: "Position of the header in identities" }),
  ppt: Type.Union([Type.Literal("shaken"), Type.Literal("div")]),
  orig: Type.String(),
  dest: Type.Array(Type.String(), { maxItems: MAX_DEST_TNS }),
  div: Type.Optional(Type.String()),
  divertingDid: Type.Optional(Type.String()),
  iat: Type.Integer(),
  x5u: Type.String(),
  passed: Type.Boolean(),
  reason: Type.Optional(Type.String()),
});
export const DivertedVerificationSchema = strictObject({
  verstat: VerificationResponseSchema.properties.verificationResponse.properties.verstat,
  attest: Type.Optional(AttestSchema),
  origid: Type.Optional(Type.String()),
  steps: Type.Array(StepSchema, { maxItems: MAX_IDENTITIES, description: "The chain, SHAKEN first" }),
  reasonCode: Type.Optional(Type.Integer({ description: "RFC 8224 SIP response code on failure" })),
  reasonText: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String({ description: "Machine-readable reason" })),
  message: Type.Optional(Type.String()),
});

// TypeBox schemas of the identity API (hosted DIDs, credentials and their status, DID-Auth). Shared identifiers
// (addresses, DIDs, 32-byte values, pages) come from src/core/api/schemas.ts.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, DidSchema, PageQuerySchema, strictObject } from "../core/api/index.ts";
import { statusReasons } from "../core/identity/credentialStatus.ts";

export const CredentialIdSchema = { ...Bytes32Schema, description: "keccak256 of the credential's id" };
export const UrlSchema = Type.String({ pattern: "^https?://[^\\s]+$", maxLength: 2048 });
export const JwtSchema = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const DidParams = strictObject({ did: DidSchema });
export const CredentialParams = strictObject({ credentialId: CredentialIdSchema });

export const HostedDidSchema = strictObject({
  did: DidSchema,
  address: AddressSchema,
  label: Type.String(),
  controller: AddressSchema,
  signingKid: Type.Union([Type.String(), Type.Null()]),
  serviceEndpoint: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const CreateDidBodySchema = strictObject({
  label: Type.String({ minLength: 1, maxLength: 200 }),
  serviceEndpoint: Type.Optional(UrlSchema),
});
export const ResolutionSchema = strictObject({
  didDocument: Type.Unknown(),
  didDocumentMetadata: Type.Unknown(),
  didResolutionMetadata: Type.Unknown(),
});

const CredentialTypeName = Type.String({ pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$" });
export const IssueCredentialBodySchema = strictObject({
  issuer: DidSchema,
  type: Type.Union([CredentialTypeName, Type.Array(CredentialTypeName, { minItems: 1, maxItems: 8 })]),
  credentialSubject: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
    minProperties: 1,
    maxProperties: 64,
  }),
  expirationDate: Type.Optional(Type.String({ format: "date-time" })),
  format: Type.Optional(
    Type.Union([Type.Literal("jwt-vc-1.1"), Type.Literal("vc+jwt-2.0")], {
      description:
        "jwt-vc-1.1 (the default: the vc claim, nbf/exp) or vc+jwt-2.0 (VC Data Model 2.0 secured as JOSE: typ " +
        "vc+jwt, @context v2, validFrom/validUntil)",
    }),
  ),
});
export const IssuedCredentialSchema = strictObject({
  jwt: Type.String(),
  id: Type.String(),
  credentialId: CredentialIdSchema,
  kid: Type.String(),
});

export const ReasonSchema = Type.Union(
  (Object.keys(statusReasons) as Array<keyof typeof statusReasons>).map((r) => Type.Literal(r)),
  { description: "Why the status changes" },
);
export const StatusSchema = Type.Union([Type.Literal("active"), Type.Literal("suspended"), Type.Literal("revoked")]);
export const StatusRecordSchema = strictObject({
  status: StatusSchema,
  reason: Type.String(),
  since: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export const StatusChangeSchema = strictObject({
  status: StatusSchema,
  reason: Type.String(),
  at: Type.String({ format: "date-time" }),
  blockNumber: Type.Integer(),
});
export const CredentialListQuerySchema = strictObject({
  role: Type.Optional(
    Type.Literal("issued", {
      description:
        "issued (the default): the credentials this member's hosted DIDs issued. Credentials held (issued to its " +
        "DIDs by others) are listed by GET /v1/identity/credentials/held.",
    }),
  ),
  ...PageQuerySchema.properties,
});
export const ListedCredentialSchema = strictObject({
  credentialId: CredentialIdSchema,
  id: Type.String({ description: "The credential's id (urn:uuid:)" }),
  issuer: DidSchema,
  subject: Type.Union([Type.String(), Type.Null()], { description: "The holder's DID, when the credential names one" }),
  types: Type.Array(Type.String(), { description: 'The types after "VerifiableCredential"' }),
  issuedAt: Type.String({ format: "date-time" }),
  expiresAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  status: StatusSchema,
  reason: Type.String(),
  since: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export const StatusChangeBodySchema = strictObject({ issuer: DidSchema, reason: ReasonSchema });
export const IssuerQuerySchema = strictObject({ issuer: DidSchema });
export const StatusHistoryQuerySchema = strictObject({ issuer: DidSchema, ...PageQuerySchema.properties });

export const StatusCheckSchema = strictObject(
  {
    method: Type.Union([Type.String(), Type.Null()], {
      description: "TelcoLedgerStatusRegistry2026, BitstringStatusListEntry, or null: no status method known here",
    }),
    status: Type.Optional(
      Type.Union(
        ["active", "suspended", "revoked", "set", "unset", "unknown"].map((s) => Type.Literal(s)),
        { description: "unknown: the status cannot be read here (reason says why)" },
      ),
    ),
    reason: Type.Optional(Type.String({ description: "The registry's reason, or why the status is unknown" })),
    since: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
    purpose: Type.Optional(Type.String({ description: "A Bitstring Status List entry's statusPurpose" })),
    statusListCredential: Type.Optional(Type.String()),
    note: Type.Optional(Type.String({ description: 'With method null: "no status method", or the unknown ones' })),
  },
  { description: "What the credential's status is, by which method" },
);
export const VerificationSchema = strictObject({
  verified: Type.Boolean(),
  format: Type.Optional(Type.Union([Type.Literal("jwt-vc-1.1"), Type.Literal("vc+jwt-2.0")])),
  issuer: Type.Optional(Type.String({ description: "The issuer's DID" })),
  id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  credentialId: Type.Optional(Type.Union([CredentialIdSchema, Type.Null()])),
  validFrom: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
  validUntil: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
  status: Type.Optional(StatusCheckSchema),
  payload: Type.Optional(Type.Unknown()),
  error: Type.Optional(strictObject({ code: Type.String(), message: Type.String() })),
});

export const ChallengeQuerySchema = strictObject({
  ttlSeconds: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 600, description: "How long the challenge may be answered; default 120" }),
  ),
});
export const ChallengeSchema = strictObject({
  challenge: Type.String(),
  audience: Type.String(),
  expiresAt: Type.String({ format: "date-time" }),
});

export const HeldDigestSchema = {
  ...Bytes32Schema,
  description: "keccak256 of the credential's JWT: its key in the wallet",
};
export const HeldParams = strictObject({ digest: HeldDigestSchema });
export const ReceiveCredentialBodySchema = strictObject({
  jwt: Type.String({ minLength: 1, maxLength: 65536, description: "The credential (JWT) issued to a DID hosted here" }),
});
export const HeldCredentialSchema = strictObject({
  digest: HeldDigestSchema,
  id: Type.Union([Type.String(), Type.Null()], { description: "The credential's id, when it has one" }),
  credentialId: Type.Union([CredentialIdSchema, Type.Null()]),
  issuer: Type.String({ description: "The issuer's DID" }),
  subject: DidSchema,
  types: Type.Array(Type.String(), { maxItems: 16, description: 'The types after "VerifiableCredential"' }),
  validFrom: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  validUntil: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  receivedAt: Type.String({ format: "date-time" }),
  status: Type.Union([StatusSchema, Type.Literal("unknown")], {
    description: "Read from this ledger's status registry now; unknown when the credential's status lives elsewhere",
  }),
  reason: Type.String(),
  since: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export const ReceivedCredentialSchema = strictObject({
  stored: Type.Boolean({ description: "false when the wallet already held this credential" }),
  credential: HeldCredentialSchema,
});
export const HeldCredentialWithJwtSchema = strictObject({
  ...HeldCredentialSchema.properties,
  jwt: Type.String({ description: "The credential as received, to present" }),
});

const ClaimString = Type.String({ minLength: 1, maxLength: 512 });
export const IdentityClaimsSchema = strictObject(
  {
    given_name: Type.Optional(ClaimString),
    family_name: Type.Optional(ClaimString),
    birthdate: Type.Optional(Type.String({ format: "date", description: "YYYY-MM-DD" })),
    age_over_18: Type.Optional(Type.Boolean()),
    age_over_21: Type.Optional(Type.Boolean()),
    nationality: Type.Optional(ClaimString),
    email: Type.Optional(ClaimString),
    phone_number: Type.Optional(ClaimString),
    address: Type.Optional(
      strictObject(
        {
          street_address: Type.Optional(ClaimString),
          locality: Type.Optional(ClaimString),
          region: Type.Optional(ClaimString),
          postal_code: Type.Optional(ClaimString),
          country: Type.Optional(ClaimString),
        },
        { minProperties: 1, description: "Each member selectively disclosable on its own" },
      ),
    ),
  },
  { minProperties: 1, description: "The identity profile: each attribute selectively disclosable" },
);
export const IssueSdJwtBodySchema = strictObject({
  issuer: DidSchema,
  holder: Type.String({
    minLength: 5,
    maxLength: 512,
    description: "The holder's DID; the credential is bound (cnf.jwk) to its P-256 key",
  }),
  claims: IdentityClaimsSchema,
  vct: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description: "Credential type; default urn:telco-ledger:vct:identity:1",
    }),
  ),
  expirationDate: Type.Optional(Type.String({ format: "date-time" })),
});
export const IssuedSdJwtSchema = strictObject({
  sdJwt: Type.String({ description: "The SD-JWT with every disclosure: the holder's copy" }),
  id: Type.String(),
  credentialId: CredentialIdSchema,
  kid: Type.String(),
  vct: Type.String(),
});
const NonceSchema = Type.String({ minLength: 8, maxLength: 256, description: "The verifier's nonce (single use)" });
const AudienceSchema = Type.String({
  minLength: 1,
  maxLength: 512,
  description: "The verifier's identifier (DID or URL)",
});
export const PresentSdJwtBodySchema = strictObject({
  disclose: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: 32,
    description: "Claims to disclose: given_name, age_over_18, address.locality... (nothing else is shown)",
  }),
  nonce: NonceSchema,
  audience: AudienceSchema,
});
export const SdJwtPresentationSchema = strictObject({
  presentation: Type.String({ description: "<issuer JWT>~<chosen disclosures>~<key-binding JWT>" }),
  disclosed: Type.Array(Type.String(), { maxItems: 32 }),
});
export const VerifySdJwtBodySchema = strictObject({
  presentation: Type.String({ minLength: 1, maxLength: 65536 }),
  nonce: NonceSchema,
  audience: AudienceSchema,
});
export const SdJwtVerificationSchema = strictObject({
  verified: Type.Boolean(),
  format: Type.Optional(Type.Literal("dc+sd-jwt")),
  issuer: Type.Optional(Type.String({ description: "The issuer's DID" })),
  vct: Type.Optional(Type.String()),
  subject: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  credentialId: Type.Optional(Type.Union([CredentialIdSchema, Type.Null()])),
  validFrom: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
  validUntil: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
  claims: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: "Exactly the claims the holder disclosed" }),
  ),
  keyBinding: Type.Optional(
    strictObject({ audience: Type.String(), nonce: Type.String(), issuedAt: Type.String({ format: "date-time" }) }),
  ),
  status: Type.Optional(StatusCheckSchema),
  error: Type.Optional(strictObject({ code: Type.String(), message: Type.String() })),
});

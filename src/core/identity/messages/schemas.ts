// The fourteen attestation message objects of the EEA use case 6 ("Message Objects"), one JSON Schema each. They are
// schema.org Actions extended under one context. Where the seed is inconsistent this module decides, and
// docs/identity.md ("Attestation messages") lists each choice:
// - one `@context`, the EEA's (two of the seed's examples say schema.identity.foundation);
// - the denial of access is `DenyAccess` (the seed's heading) not `DenyPermissionAction` (its example);
// - "linked attestation action ID" is `replyTo`, the `identifier` of the message answered;
// - revocation codes are RFC 5280 CRLReason names (the seed asks for "an existing standard");
// - times are Unix seconds, as the seed's EPOCH_TIME;
// - an attestation travels as { format, payload } (a compact JWT-VC, vc+jwt or SD-JWT VC), never as loose claims.
// Every object is closed (no unknown fields), so a message carries exactly what its flow needs.
import { type Static, type TObject, type TProperties, type TSchema, Type } from "@sinclair/typebox";

export const MESSAGE_CONTEXT = "http://schema.entethalliance.org/";

const strict = <T extends TProperties>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, description });

const Did = Type.String({ pattern: "^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", maxLength: 256, description: "A DID" });
const Identifier = Type.String({
  pattern: "^[A-Za-z0-9._:-]{8,128}$",
  description: "Unique id of this message (a UUID or 128 random bits), chosen by its sender",
});
const EpochSeconds = Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "Unix time, seconds" });
const Text = (description: string, maxLength = 1000) => Type.String({ minLength: 1, maxLength, description });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 32,
  description: "Tag strings describing the attestation",
});

export const ATTESTATION_FORMATS = ["jwt_vc", "vc+jwt", "vc+sd-jwt", "jwt_vp"] as const;
const Format = Type.Union(
  ATTESTATION_FORMATS.map((f) => Type.Literal(f)),
  {
    description:
      "jwt_vc: VC 1.1 as a JWT; vc+jwt: VC 2.0 secured with JOSE; vc+sd-jwt: SD-JWT VC (with its key-binding JWT when " +
      "presented); jwt_vp: a W3C presentation as a JWT signed by the holder DID, bound to the verifier (aud) and request (nonce)",
  },
);

/** An attestation as it travels: its proof format and the compact token. */
const Attestation = strict(
  { format: Format, payload: Type.String({ minLength: 16, maxLength: 65_536, description: "The compact token" }) },
  "An attestation: format and compact token",
);

/** What a party can issue or needs: used by offers and preconditions. */
const AttestationDescriptor = strict(
  {
    attestationType: Text("Type of attestation, e.g. IdentityAttestation, IspAccount", 128),
    description: Text("Human-readable description for the user agent to show"),
    tags: Type.Optional(Tags),
    formats: Type.Array(Format, { minItems: 1, maxItems: 4, uniqueItems: true }),
    issuers: Type.Optional(
      Type.Array(Did, { maxItems: 32, description: "Issuers whose attestation is accepted (any when absent)" }),
    ),
  },
  "An attestation type with its formats",
);

/** An object capability to read a person's hub data: who, what, until when. */
const Permission = strict(
  {
    id: Type.Optional(Identifier),
    grantee: Did,
    attestationTypes: Type.Array(Text("Attestation type", 128), { minItems: 1, maxItems: 16 }),
    actions: Type.Array(Type.Literal("read"), { minItems: 1, maxItems: 1 }),
    expiresAt: Type.Optional(EpochSeconds),
  },
  "An access permission (capability): grantee, attestation types, actions, optional expiry",
);

const CRL_REASONS = [
  "unspecified",
  "keyCompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "privilegeWithdrawn",
] as const;

const base = <T extends string>(type: T) => ({
  "@context": Type.Literal(MESSAGE_CONTEXT),
  "@type": Type.Literal(type),
  identifier: Identifier,
});

export const MessageSchemas = {
  RequestAttestation: strict(
    {
      ...base("RequestAttestation"),
      attestationType: Text("Type of attestation wanted", 128),
      for: Type.Array(Did, { minItems: 1, maxItems: 8, description: "Whom the attestation is for" }),
      format: Format,
      expiration: Type.Optional(EpochSeconds),
      description: Text("What is requested, for people"),
      tags: Type.Optional(Tags),
      preconditions: Type.Optional(
        Type.Array(Attestation, { maxItems: 8, description: "Attestations offered as preconditions" }),
      ),
    },
    "A holder asks an issuer for an attestation",
  ),
  DenyAttestation: strict(
    { ...base("DenyAttestation"), replyTo: Identifier, purpose: Text("Why the request is refused") },
    "The issuer cannot provide the attestation",
  ),
  PreconditionsAttestation: strict(
    {
      ...base("PreconditionsAttestation"),
      replyTo: Identifier,
      preconditions: Type.Array(AttestationDescriptor, { minItems: 1, maxItems: 8 }),
    },
    "What the holder must present before the attestation can be issued",
  ),
  OfferAttestation: strict(
    {
      ...base("OfferAttestation"),
      replyTo: Identifier,
      availableAttestations: Type.Array(AttestationDescriptor, { minItems: 1, maxItems: 16 }),
    },
    "The attestations the issuer can provide instead",
  ),
  DeliverAttestation: strict(
    {
      ...base("DeliverAttestation"),
      replyTo: Identifier,
      object: Attestation,
      description: Text("What is delivered"),
      tags: Type.Optional(Tags),
      deliveredAt: EpochSeconds,
    },
    "An issued attestation delivered to its holder",
  ),
  PresentAttestation: strict(
    {
      ...base("PresentAttestation"),
      replyTo: Type.Optional(Identifier),
      object: Attestation,
      description: Text("What is presented"),
      tags: Type.Optional(Tags),
    },
    "An attestation presented to an inspecting party",
  ),
  SignAttestation: strict(
    {
      ...base("SignAttestation"),
      replyTo: Type.Optional(Identifier),
      object: Attestation,
      description: Text("What is to be signed"),
      tags: Type.Optional(Tags),
      deliveredAt: EpochSeconds,
    },
    "A party asks another to sign (endorse) an attestation",
  ),
  RevokeAttestation: strict(
    {
      ...base("RevokeAttestation"),
      object: strict(
        { attestationId: Text("The revoked attestation's id (its credential hash or jti)", 256) },
        "Which attestation",
      ),
      result: strict(
        {
          revocationCodes: Type.Array(Type.Union(CRL_REASONS.map((r) => Type.Literal(r))), {
            minItems: 1,
            maxItems: 4,
            description: "RFC 5280 CRLReason names",
          }),
          revokedAt: EpochSeconds,
        },
        "The revocation record",
      ),
      purpose: Text("Why, for people"),
    },
    "The issuer revoked an attestation it supplied",
  ),
  AmendAttestation: strict(
    {
      ...base("AmendAttestation"),
      replyTo: Type.Optional(Identifier),
      replaces: Text("The id of the attestation this one replaces", 256),
      object: Attestation,
      description: Type.Optional(Text("What the attestation is")),
      purpose: Text("Why it was amended"),
    },
    "An attestation replaced by an amended one",
  ),
  RequestAccess: strict(
    { ...base("RequestAccess"), object: Permission, purpose: Text("The intended use of the data") },
    "A party asks for access to a person's hub data",
  ),
  GrantAccess: strict(
    { ...base("GrantAccess"), replyTo: Identifier, object: Permission },
    "The person grants the requested access",
  ),
  DenyAccess: strict(
    {
      ...base("DenyAccess"),
      replyTo: Identifier,
      object: Permission,
      purpose: Type.Optional(Text("Why access is denied")),
    },
    "The person denies the requested access",
  ),
  RetractAccess: strict(
    {
      ...base("RetractAccess"),
      object: strict({ permissionId: Identifier }, "Which permission"),
      purpose: Type.Optional(Text("Why access is retracted")),
    },
    "The person retracts a permission granted before",
  ),
  RetrieveAttestations: strict(
    {
      ...base("RetrieveAttestations"),
      object: strict(
        {
          permissionId: Identifier,
          attestationTypes: Type.Optional(Type.Array(Text("Attestation type", 128), { maxItems: 16 })),
        },
        "Under which permission, and which types",
      ),
      description: Type.Optional(Text("What is retrieved")),
      tags: Type.Optional(Tags),
    },
    "A party with a granted permission retrieves attestations",
  ),
} satisfies Record<string, TObject>;

export type MessageType = keyof typeof MessageSchemas;
export const MESSAGE_TYPES = Object.keys(MessageSchemas) as MessageType[];
export type MessageOf<T extends MessageType> = Static<(typeof MessageSchemas)[T]>;
export type AttestationMessage = { [T in MessageType]: MessageOf<T> }[MessageType];

/**
 * Messages that carry personal data (an attestation's claims, a person's preconditions): they travel encrypted to the
 * recipient, and a recipient refuses them in clear. The others carry ids, types and reasons only.
 */
export const PERSONAL_DATA_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  "RequestAttestation",
  "DeliverAttestation",
  "PresentAttestation",
  "SignAttestation",
  "AmendAttestation",
]);

export const isMessageType = (value: unknown): value is MessageType =>
  typeof value === "string" && Object.hasOwn(MessageSchemas, value);

/** The JSON Schema of one message type (for docs and OpenAPI). */
export const messageSchema = (type: MessageType): TSchema => MessageSchemas[type];

// REST API of signed calls: the ATIS centralized signing and verification shapes, the OSP's attestation of an
// enterprise call, enterprise PASSporT signing, STI-CA / STI key administration, trusted
// roots and settings, and the public x5u certificate route.
import { Type } from "@sinclair/typebox";
import { ApiError, type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import { MAX_IDENTITY_HEADER_LENGTH } from "./identityHeader.ts";
import { MAX_DEST_TNS } from "./passport.ts";
import type { StirService } from "./service.ts";

const Tn = Type.String({ minLength: 1, maxLength: 40, description: "E.164 telephone number (digits, optional +)" });
const Tns = Type.Array(Tn, { minItems: 1, maxItems: MAX_DEST_TNS });
const Identity = Type.String({
  minLength: 1,
  maxLength: MAX_IDENTITY_HEADER_LENGTH,
  description: "SIP Identity header value",
});
const Did = Type.String({ minLength: 8, maxLength: 512, pattern: "^did:" });
const Attest = Type.Union([Type.Literal("A"), Type.Literal("B"), Type.Literal("C")]);
const Pem = Type.String({ minLength: 1, maxLength: 32_768 });
const Uuid = Type.String({ pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" });

const CheckSchema = strictObject({ code: Type.String(), passed: Type.Boolean(), detail: Type.Optional(Type.String()) });
const DecisionSchema = strictObject({
  attest: Attest,
  origid: Type.String(),
  reasons: Type.Array(Type.String(), { description: "Failed checks: why the call is not A (empty for A)" }),
  checks: Type.Array(CheckSchema),
  callerDid: Type.Union([Type.String(), Type.Null()]),
  identity: Type.String({ description: "SHAKEN Identity header to add to the forwarded INVITE" }),
});
const VerificationResponse = strictObject({
  verificationResponse: strictObject({
    verstat: Type.Union([
      Type.Literal("TN-Validation-Passed"),
      Type.Literal("TN-Validation-Failed"),
      Type.Literal("No-TN-Validation"),
    ]),
    attest: Type.Optional(Attest),
    origid: Type.Optional(Type.String()),
    reasonCode: Type.Optional(Type.Integer({ description: "RFC 8224 SIP response code on failure" })),
    reasonText: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: "Machine-readable reason" })),
  }),
});
const RootSchema = strictObject({
  fingerprint: Type.String(),
  subject: Type.String(),
  notAfter: Type.String(),
  source: Type.Union([Type.Literal("config"), Type.Literal("api")]),
  pem: Type.String(),
});
const SettingsSchema = strictObject({
  freshnessSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  x5uAllowedOrigins: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100 }),
  x5uBaseUrl: Type.String({ maxLength: 300, pattern: "^https?://" }),
});
const inputErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN");
const adminErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "NOT_FOUND");
const tags = ["stir"];

export function stirApiModule(service: StirService): ApiModule {
  return {
    name: "stir",
    tags: [{ name: "stir", description: "Signed calls: Enterprise PASSporT, OSP attestation, STI-AS and STI-VS" }],
    register(app) {
      app.post(
        "/stir/v1/signing",
        {
          config: { auth: "operator" },
          schema: {
            summary: "ATIS signing API: sign a SHAKEN PASSporT with the OSP's STI certificate",
            tags,
            operationId: "stirSign",
            body: strictObject({
              signingRequest: strictObject({
                attest: Attest,
                dest: strictObject({ tn: Tns }),
                iat: Type.Integer({ minimum: 0, maximum: 2 ** 40 }),
                orig: strictObject({ tn: Tn }),
                origid: Uuid,
              }),
            }),
            response: {
              200: strictObject({ signingResponse: strictObject({ identity: Type.String() }) }),
              ...adminErrors,
            },
          },
        },
        async (request) => {
          const r = request.body.signingRequest;
          const { identity } = service.sign({
            attest: r.attest,
            orig: r.orig.tn,
            dest: r.dest.tn,
            iat: r.iat,
            origid: r.origid,
          });
          return { signingResponse: { identity } };
        },
      );

      app.post(
        "/stir/v1/verification",
        {
          config: { auth: "operator" },
          schema: {
            summary: "ATIS verification API: verify a SHAKEN Identity header against the call's From/To",
            description:
              "Answers 200 with a verstat; on failure also the RFC 8224 SIP code (403, 428, 436, 437, 438) and reason.",
            tags,
            operationId: "stirVerify",
            body: strictObject({
              verificationRequest: strictObject({
                from: strictObject({ tn: Tn }),
                to: strictObject({ tn: Tns }),
                identity: Type.Optional(Type.String({ maxLength: MAX_IDENTITY_HEADER_LENGTH * 2 })),
                time: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40 })),
              }),
            }),
            response: { 200: VerificationResponse, ...inputErrors },
          },
        },
        async (request) => {
          const r = request.body.verificationRequest;
          const result = await service.verify({
            identity: r.identity,
            from: r.from.tn,
            to: r.to.tn,
            ...(r.time !== undefined ? { time: r.time } : {}),
          });
          return {
            verificationResponse: {
              verstat: result.verstat,
              ...(result.attest ? { attest: result.attest } : {}),
              ...(result.origid ? { origid: result.origid } : {}),
              ...(result.sipCode
                ? { reasonCode: result.sipCode, reasonText: result.sipReason, reason: result.reason }
                : {}),
            },
          };
        },
      );

      app.post(
        "/stir/v1/osp/attestations",
        {
          config: { auth: "operator" },
          schema: {
            summary: "OSP: decide the attestation of an enterprise's call (ledger checks) and sign its SHAKEN PASSporT",
            tags,
            operationId: "stirAttest",
            body: strictObject({
              orig: strictObject({ tn: Tn }),
              dest: strictObject({ tn: Tns }),
              identity: Type.Optional(Identity),
              directCustomer: Type.Boolean({ description: "The caller is a customer this OSP authenticated" }),
            }),
            response: { 200: DecisionSchema, ...adminErrors },
          },
        },
        async (request) => {
          const b = request.body;
          return service.attest({
            orig: b.orig.tn,
            dest: b.dest.tn,
            identity: b.identity,
            directCustomer: b.directCustomer,
          });
        },
      );

      app.post(
        "/stir/v1/enterprise/passports",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Enterprise: sign an Enterprise PASSporT (base, or rcd with a caller name) for a hosted DID",
            tags,
            operationId: "stirSignEnterprisePassport",
            body: strictObject({
              did: Did,
              orig: strictObject({ tn: Tn }),
              dest: strictObject({ tn: Tns }),
              tnauth: Type.String({ minLength: 1, maxLength: 512, description: "Reference of the TN authorization" }),
              rcd: Type.Optional(strictObject({ nam: Type.String({ minLength: 1, maxLength: 256 }) })),
            }),
            response: { 200: strictObject({ identity: Type.String(), token: Type.String() }), ...adminErrors },
          },
        },
        async (request) => {
          const b = request.body;
          return service.signEnterprise({
            did: b.did,
            orig: b.orig.tn,
            dest: b.dest.tn,
            tnauth: b.tnauth,
            rcdName: b.rcd?.nam,
          });
        },
      );

      app.get(
        "/stir/v1/certificates/:file",
        {
          config: { auth: "public" },
          schema: {
            summary: "STI-CR: the OSP's STI certificate chain (the x5u of its SHAKEN PASSporTs)",
            tags,
            operationId: "stirCertificate",
            params: strictObject({ file: Type.String({ pattern: "^[0-9a-f]{16}\\.pem$" }) }),
            response: { 200: Type.String(), ...errorResponses("NOT_FOUND", "VALIDATION_FAILED") },
          },
        },
        async (request, reply) => {
          const pem = service.sti.certificateFile(request.params.file);
          if (!pem) throw new ApiError("NOT_FOUND", `no certificate ${request.params.file}`);
          return reply.type("application/x-pem-file").send(pem);
        },
      );

      app.post(
        "/stir/v1/ca",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-CA: create this agent's STI-CA root (idempotent)",
            tags,
            operationId: "stirCreateCa",
            body: strictObject({ commonName: Type.String({ minLength: 1, maxLength: 64 }) }),
            response: { 200: strictObject({ certificatePem: Type.String() }), ...adminErrors },
          },
        },
        async (request) => service.sti.createCa(request.body.commonName),
      );

      app.post(
        "/stir/v1/ca/certificates",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-CA: issue an STI certificate with TNAuthList { SPC } for an OSP's public key",
            tags,
            operationId: "stirIssueCertificate",
            body: strictObject({
              publicKeyPem: Pem,
              spc: Type.String({ minLength: 1, maxLength: 12 }),
              commonName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
              validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
            }),
            response: { 200: strictObject({ certificatePem: Type.String(), chainPem: Type.String() }), ...adminErrors },
          },
        },
        async (request) => service.sti.issue(request.body),
      );

      app.post(
        "/stir/v1/sti/key",
        {
          config: { auth: "admin" },
          schema: {
            summary: "OSP: create (once) the STI signing key; answers its public key for the STI-CA",
            tags,
            operationId: "stirCreateStiKey",
            body: strictObject({ spc: Type.String({ minLength: 1, maxLength: 12 }) }),
            response: { 200: strictObject({ publicKeyPem: Type.String() }), ...adminErrors },
          },
        },
        async (request) => service.sti.ospKey(request.body.spc),
      );

      app.put(
        "/stir/v1/sti/certificate",
        {
          config: { auth: "admin" },
          schema: {
            summary: "OSP: install the STI certificate chain issued for the STI key; answers the x5u URL",
            tags,
            operationId: "stirInstallStiCertificate",
            body: strictObject({ chainPem: Pem }),
            response: { 200: strictObject({ x5u: Type.String() }), ...adminErrors },
          },
        },
        async (request) => service.sti.installCertificate(request.body.chainPem),
      );

      app.get(
        "/stir/v1/trust-roots",
        {
          schema: {
            summary: "STI-VS: the trusted STI-CA roots",
            tags,
            operationId: "stirListTrustRoots",
            response: { 200: strictObject({ items: Type.Array(RootSchema) }), ...inputErrors },
          },
        },
        async () => ({ items: service.trust.list() }),
      );

      app.post(
        "/stir/v1/trust-roots",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-VS: trust an STI-CA root (self-signed CA certificate, PEM)",
            tags,
            operationId: "stirAddTrustRoot",
            body: strictObject({ pem: Pem }),
            response: { 201: strictObject({ items: Type.Array(RootSchema) }), ...adminErrors },
          },
        },
        async (request, reply) => reply.code(201).send({ items: await service.addTrustRoot(request.body.pem) }),
      );

      app.delete(
        "/stir/v1/trust-roots/:fingerprint",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-VS: stop trusting an STI-CA root",
            tags,
            operationId: "stirRemoveTrustRoot",
            params: strictObject({ fingerprint: Type.String({ pattern: "^[0-9A-F]{2}(:[0-9A-F]{2}){31}$" }) }),
            response: { 204: Type.Null(), ...adminErrors },
          },
        },
        async (request, reply) => {
          await service.removeTrustRoot(request.params.fingerprint);
          return reply.code(204).send(null);
        },
      );

      app.get(
        "/stir/v1/settings",
        {
          schema: {
            summary: "STI-AS/VS settings: iat freshness and the x5u origin allow-list",
            tags,
            operationId: "stirGetSettings",
            response: { 200: SettingsSchema, ...inputErrors },
          },
        },
        async () => service.settings,
      );

      app.put(
        "/stir/v1/settings",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Change the STI-AS/VS settings at run time",
            tags,
            operationId: "stirUpdateSettings",
            body: strictObject({
              freshnessSeconds: Type.Optional(SettingsSchema.properties.freshnessSeconds),
              x5uAllowedOrigins: Type.Optional(SettingsSchema.properties.x5uAllowedOrigins),
              x5uBaseUrl: Type.Optional(SettingsSchema.properties.x5uBaseUrl),
            }),
            response: { 200: SettingsSchema, ...adminErrors },
          },
        },
        async (request) => service.updateSettings(request.body),
      );
    },
  };
}

// REST API of signed calls: the ATIS-1000082 centralized signing and verification (their standard paths, /stir/v1/),
// and under /v1/stir/ the OSP's attestation of an enterprise call, enterprise PASSporT signing, the public x5u
// certificate route, STI-CA / STI key administration, trusted roots and settings. Schemas in schemas.ts; no SQL, no
// logic: each handler calls the service.
import { Type } from "@sinclair/typebox";
import { type ApiModule, errorResponses, PageQuerySchema, pageOfRows, pageRequest } from "../core/api/index.ts";
import { notFound } from "../core/errors/index.ts";
import {
  AddedRootsSchema,
  AddRootRequestSchema,
  AttestationRequestSchema,
  CertificateFileParamsSchema,
  CertificatePemSchema,
  CreateCaRequestSchema,
  DecisionSchema,
  DiversionRequestSchema,
  DiversionSchema,
  DivertedVerificationRequestSchema,
  DivertedVerificationSchema,
  EnterprisePassportRequestSchema,
  EnterprisePassportSchema,
  InstallCertificateRequestSchema,
  InstalledCertificateSchema,
  IssueCertificateRequestSchema,
  IssuedCertificateSchema,
  RootPageSchema,
  RootParamsSchema,
  SettingsChangeSchema,
  SettingsSchema,
  SigningRequestSchema,
  SigningResponseSchema,
  StiKeyRequestSchema,
  StiKeySchema,
  VerificationRequestSchema,
  VerificationResponseSchema,
} from "./schemas.ts";
import type { StirService } from "./service.ts";
import { CERTIFICATE_PATH } from "./stiAuthority.ts";

/** The paths ATIS-1000082 (SHAKEN APIs for a centralized signing and signature validation server) gives. */
export const ATIS_1000082_PATHS = ["/stir/v1/signing", "/stir/v1/verification"] as const;
const [SIGNING_PATH, VERIFICATION_PATH] = ATIS_1000082_PATHS;

const signErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "STIR_NOT_CONFIGURED");
const divertErrors = errorResponses(
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "STIR_NOT_CONFIGURED",
  "STIR_DIVERSION_REFUSED",
  "STIR_IDENTITY_MISSING",
  "STIR_IDENTITY_MALFORMED",
  "STIR_IDENTITY_UNSUPPORTED",
  "STIR_IDENTITY_STALE",
);
const readErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED");
const adminErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "STIR_NOT_CONFIGURED");
const tags = ["stir"];

export function stirApiModule(service: StirService): ApiModule {
  return {
    name: "stir",
    tags: [{ name: "stir", description: "Signed calls: Enterprise PASSporT, OSP attestation, STI-AS and STI-VS" }],
    register(app) {
      app.post(
        SIGNING_PATH,
        {
          // Operator: it changes nothing, but it signs with the OSP's STI key, vouching for the call in the provider's
          // name; a read-only key must not obtain that signature.
          config: { auth: "operator" },
          schema: {
            summary: "ATIS signing API: sign a SHAKEN PASSporT with the OSP's STI certificate",
            tags,
            operationId: "stirSign",
            body: SigningRequestSchema,
            response: { 200: SigningResponseSchema, ...signErrors },
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
        VERIFICATION_PATH,
        {
          // Read-only: verification changes nothing and discloses nothing the PASSporT does not carry, so the
          // terminating proxy's key needs no right to sign or attest. (It may fetch x5u, from allow-listed origins.)
          config: { auth: "read-only" },
          schema: {
            summary: "ATIS verification API: verify a SHAKEN Identity header against the call's From/To",
            description:
              "Answers 200 with a verstat; on failure also the RFC 8224 SIP code (403, 428, 436, 437, 438) and reason.",
            tags,
            operationId: "stirVerify",
            body: VerificationRequestSchema,
            response: { 200: VerificationResponseSchema, ...readErrors },
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
        "/v1/stir/osp/attestations",
        {
          // Operator: it signs a SHAKEN PASSporT with the OSP's STI key.
          config: { auth: "operator" },
          schema: {
            summary: "OSP: decide the attestation of an enterprise's call (ledger checks) and sign its SHAKEN PASSporT",
            tags,
            operationId: "stirAttest",
            body: AttestationRequestSchema,
            response: { 200: DecisionSchema, ...signErrors },
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
        "/v1/stir/osp/diversions",
        {
          // Operator: it signs a div PASSporT with the OSP's STI key, on behalf of the customer forwarding the call.
          config: { auth: "operator" },
          schema: {
            summary:
              "OSP: sign a div PASSporT (RFC 8946) for a customer's diversion, if the ledger lets it use the number",
            description:
              "403 STIR_DIVERSION_REFUSED (facts.reason div-tn-not-authorised or diverting-party-not-vetted) when the " +
              "EIDL facts do not let the diverting party use the div number now.",
            tags,
            operationId: "stirSignDiversion",
            body: DiversionRequestSchema,
            response: { 200: DiversionSchema, ...divertErrors },
          },
        },
        async (request) => {
          const b = request.body;
          return service.signDiversion({
            identity: b.identity,
            div: b.div.tn,
            dest: b.dest.tn,
            divertingDid: b.divertingDid,
          });
        },
      );

      app.post(
        "/v1/stir/verifications",
        {
          // Read-only, as the ATIS verification: it changes nothing.
          config: { auth: "read-only" },
          schema: {
            summary: "STI-VS: verify every Identity header of a call (SHAKEN and div PASSporTs) as one diversion chain",
            description:
              "Answers 200 with a verstat and each step of the chain; on failure also the RFC 8224 SIP code and reason.",
            tags,
            operationId: "stirVerifyDiverted",
            body: DivertedVerificationRequestSchema,
            response: { 200: DivertedVerificationSchema, ...readErrors },
          },
        },
        async (request) => {
          const b = request.body;
          const result = await service.verifyDiverted({
            identities: b.identities,
            from: b.from.tn,
            to: b.to.tn,
            time: b.time,
          });
          return {
            verstat: result.verstat,
            ...(result.attest ? { attest: result.attest } : {}),
            ...(result.origid ? { origid: result.origid } : {}),
            steps: result.steps,
            ...(result.sipCode
              ? {
                  reasonCode: result.sipCode,
                  reasonText: result.sipReason,
                  reason: result.reason,
                  message: result.message,
                }
              : {}),
          };
        },
      );

      app.post(
        "/v1/stir/enterprise/passports",
        {
          // Operator: it signs with the key of a DID this agent hosts.
          config: { auth: "operator" },
          schema: {
            summary: "Enterprise: sign an Enterprise PASSporT (base, or rcd with a caller name) for a hosted DID",
            tags,
            operationId: "stirSignEnterprisePassport",
            body: EnterprisePassportRequestSchema,
            response: { 200: EnterprisePassportSchema, ...signErrors, ...errorResponses("NOT_FOUND") },
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
        `${CERTIFICATE_PATH}/:file`,
        {
          // Public: verifiers anywhere fetch the x5u a PASSporT names.
          config: { auth: "public" },
          schema: {
            summary: "STI-CR: the OSP's STI certificate chain (the x5u of its SHAKEN PASSporTs)",
            tags,
            operationId: "stirCertificate",
            params: CertificateFileParamsSchema,
            response: { 200: Type.String(), ...errorResponses("NOT_FOUND", "VALIDATION_FAILED") },
          },
        },
        async (request, reply) => {
          const pem = service.sti.certificateFile(request.params.file);
          if (!pem) throw notFound(`no certificate ${request.params.file}`);
          return reply.type("application/x-pem-file").send(pem);
        },
      );

      app.post(
        "/v1/stir/ca",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-CA: create this agent's STI-CA root (idempotent)",
            tags,
            operationId: "stirCreateCa",
            body: CreateCaRequestSchema,
            response: { 200: CertificatePemSchema, ...adminErrors },
          },
        },
        async (request) => service.sti.createCa(request.body.commonName),
      );

      app.post(
        "/v1/stir/ca/certificates",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-CA: issue an STI certificate with TNAuthList { SPC } for an OSP's public key",
            tags,
            operationId: "stirIssueCertificate",
            body: IssueCertificateRequestSchema,
            response: { 200: IssuedCertificateSchema, ...adminErrors },
          },
        },
        async (request) => service.sti.issue(request.body),
      );

      app.post(
        "/v1/stir/sti/key",
        {
          config: { auth: "admin" },
          schema: {
            summary: "OSP: create (once) the STI signing key; answers its public key for the STI-CA",
            tags,
            operationId: "stirCreateStiKey",
            body: StiKeyRequestSchema,
            response: { 200: StiKeySchema, ...adminErrors },
          },
        },
        async (request) => service.sti.ospKey(request.body.spc),
      );

      app.put(
        "/v1/stir/sti/certificate",
        {
          config: { auth: "admin" },
          schema: {
            summary: "OSP: install the STI certificate chain issued for the STI key; answers the x5u URL",
            tags,
            operationId: "stirInstallStiCertificate",
            body: InstallCertificateRequestSchema,
            response: { 200: InstalledCertificateSchema, ...adminErrors },
          },
        },
        async (request) => service.sti.installCertificate(request.body.chainPem),
      );

      app.get(
        "/v1/stir/trust-roots",
        {
          config: { auth: "read-only" },
          schema: {
            summary: "STI-VS: the trusted STI-CA roots, in fingerprint order",
            tags,
            operationId: "stirListTrustRoots",
            querystring: PageQuerySchema,
            response: { 200: RootPageSchema, ...readErrors },
          },
        },
        async (request) => {
          const page = pageRequest(request.query, 1);
          const after = page.after === undefined ? undefined : String(page.after[0]);
          const roots = service.trust.list({ after, limit: page.limit + 1 });
          return pageOfRows(roots, page.limit, (root) => [root.fingerprint]);
        },
      );

      app.post(
        "/v1/stir/trust-roots",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-VS: trust an STI-CA root (self-signed CA certificate, PEM); answers the roots added",
            tags,
            operationId: "stirAddTrustRoot",
            body: AddRootRequestSchema,
            response: { 201: AddedRootsSchema, ...adminErrors },
          },
        },
        async (request, reply) => reply.code(201).send({ items: await service.addTrustRoot(request.body.pem) }),
      );

      app.delete(
        "/v1/stir/trust-roots/:fingerprint",
        {
          config: { auth: "admin" },
          schema: {
            summary: "STI-VS: stop trusting an STI-CA root",
            tags,
            operationId: "stirRemoveTrustRoot",
            params: RootParamsSchema,
            response: { 204: Type.Null(), ...adminErrors, ...errorResponses("NOT_FOUND") },
          },
        },
        async (request, reply) => {
          await service.removeTrustRoot(request.params.fingerprint);
          return reply.code(204).send(null);
        },
      );

      app.get(
        "/v1/stir/settings",
        {
          config: { auth: "read-only" },
          schema: {
            summary: "STI-AS/VS settings: iat freshness and the x5u origin allow-list",
            tags,
            operationId: "stirGetSettings",
            response: { 200: SettingsSchema, ...readErrors },
          },
        },
        async () => service.settings,
      );

      app.put(
        "/v1/stir/settings",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Change the STI-AS/VS settings at run time",
            tags,
            operationId: "stirUpdateSettings",
            body: SettingsChangeSchema,
            response: { 200: SettingsSchema, ...adminErrors },
          },
        },
        async (request) => service.updateSettings(request.body),
      );
    },
  };
}

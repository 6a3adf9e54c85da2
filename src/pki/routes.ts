// REST API of the PKI: applications, validation and endorsement, the issuing CA, issuance, revocation, an OCSP-style
// status and the ledger verifier. Schemas in schemas.ts; logic in service.ts; no SQL here.
import { Type } from "@sinclair/typebox";
import type { ApiApp, ApiModule } from "../core/api/index.ts";
import { invalidField, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../core/api/index.ts";
import type { Http01Validator } from "./http01.ts";
import type { TransparencyLog } from "./log/transparencyLog.ts";
import type { DataOfferService } from "./offers/service.ts";
import type { ApplicationState } from "./readModel.ts";
import { registerDataOfferRoutes } from "./routesDataOffers.ts";
import { registerLogRoutes } from "./routesLog.ts";
import { registerTimestampRoutes } from "./routesTimestamps.ts";
import { registerTriggerRoutes } from "./routesTriggers.ts";
import {
  ApplicationDetailSchema,
  ApplicationIdParams,
  ApplicationPageQuery,
  ApplicationSchema,
  ApplyResultSchema,
  ApplySchema,
  CaSchema,
  CaSetupSchema,
  ChallengeSchema,
  PinListSchema,
  PinSchema,
  RevokeSchema,
  SerialParams,
  StatusSchema,
  VerificationSchema,
  VerifyBodySchema,
  WriteResultSchema,
} from "./schemas.ts";
import type { ApplyInput, PkiService, RevocationReason } from "./service.ts";
import type { TriggerService } from "./triggers/service.ts";
import type { TimestampAnchoring } from "./tsa/anchoring.ts";
import type { TimeStampAuthority } from "./tsa/authority.ts";

const tags = ["pki"];

export interface PkiTimestamping {
  anchoring: TimestampAnchoring;
  tsa: TimeStampAuthority;
  triggers: TriggerService;
  dataOffers: DataOfferService;
}

export function pkiApiModule(
  service: PkiService,
  validator: Http01Validator,
  log: TransparencyLog,
  timestamping: PkiTimestamping,
): ApiModule {
  return {
    name: "pki",
    tags: [{ name: "pki", description: "Ledger-based PKI: DV/OV/EV certificates, revocation, status, verification" }],
    register(app) {
      registerApplicationRoutes(app, service);
      registerCertificateRoutes(app, service, validator);
      registerLogRoutes(app, log);
      registerTimestampRoutes(app, timestamping.anchoring, timestamping.tsa);
      registerTriggerRoutes(app, timestamping.triggers);
      registerDataOfferRoutes(app, timestamping.dataOffers);
    },
  };
}

function registerApplicationRoutes(app: ApiApp, service: PkiService): void {
  app.post(
    "/v1/pki/applications",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Apply for a certificate (DV, OV or EV; identified or anonymous) by a ledger transaction",
        description:
          "The id derives from the content and a salt, so it is known before mining. DV answers its HTTP-01 challenge.",
        tags,
        operationId: "pkiApply",
        body: ApplySchema,
        response: { 201: ApplyResultSchema, ...writeErrors("PKI_INVALID_INPUT", "PKI_WRONG_STATE") },
      },
    },
    async (request, reply) => reply.code(201).send(await service.apply(request.body as ApplyInput)),
  );

  app.get(
    "/v1/pki/applications",
    {
      schema: {
        summary: "Certificate applications on the ledger, in filing order",
        tags,
        operationId: "pkiListApplications",
        querystring: ApplicationPageQuery,
        response: { 200: pageOf(ApplicationSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 2);
      if (after && (typeof after[0] !== "number" || typeof after[1] !== "string")) {
        throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
      }
      const state = request.query.state as ApplicationState | undefined;
      const rows = await service.applications(state ? { state } : {}, limit, after as [number, string] | undefined);
      return pageOfRows(rows, limit, (a) => [a.filedBlock, a.id]);
    },
  );

  app.get(
    "/v1/pki/applications/:id",
    {
      schema: {
        summary: "One application: its state, certificate, revocation and who vouched for it",
        tags,
        operationId: "pkiGetApplication",
        params: ApplicationIdParams,
        response: { 200: ApplicationDetailSchema, ...readErrors("PKI_APPLICATION_NOT_FOUND") },
      },
    },
    async (request) => {
      const application = await service.application(request.params.id);
      return { ...application, vouches: await service.vouches(application.id) };
    },
  );

  app.get(
    "/v1/pki/applications/:id/challenge",
    {
      schema: {
        summary: "The HTTP-01 challenge of a DV application: what the name's server must answer, and where",
        tags,
        operationId: "pkiChallenge",
        params: ApplicationIdParams,
        response: {
          200: ChallengeSchema,
          ...readErrors("PKI_APPLICATION_NOT_FOUND", "PKI_WRONG_STATE", "PKI_WRONG_KIND"),
        },
      },
    },
    async (request) => service.challenge(request.params.id),
  );

  app.post(
    "/v1/pki/applications/:id/validate",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As a validator: check the DV applicant's HTTP-01 answer and, if it matches, attest on chain",
        tags,
        operationId: "pkiValidate",
        params: ApplicationIdParams,
        response: {
          200: strictResult(),
          ...writeErrors("PKI_APPLICATION_NOT_FOUND", "PKI_WRONG_STATE", "PKI_WRONG_KIND", "PKI_CHALLENGE_FAILED"),
        },
      },
    },
    async (request) => {
      const { application, txHash, checkedUrl } = await service.validate(request.params.id);
      return { application, txHash, checkedUrl };
    },
  );

  app.post(
    "/v1/pki/applications/:id/endorse",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As an endorser: vouch for an OV or EV applicant on chain",
        tags,
        operationId: "pkiEndorse",
        params: ApplicationIdParams,
        response: {
          200: WriteResultSchema,
          ...writeErrors("PKI_APPLICATION_NOT_FOUND", "PKI_WRONG_STATE", "PKI_WRONG_KIND"),
        },
      },
    },
    async (request) => service.endorse(request.params.id),
  );

  app.post(
    "/v1/pki/applications/:id/issue",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As the issuing member: issue the X.509 certificate of an application that met its threshold",
        tags,
        operationId: "pkiIssue",
        params: ApplicationIdParams,
        response: {
          200: Type.Object(
            { ...WriteResultSchema.properties, certificate: Type.String() },
            { additionalProperties: false },
          ),
          ...writeErrors("PKI_APPLICATION_NOT_FOUND", "PKI_WRONG_STATE", "PKI_THRESHOLD_NOT_MET", "PKI_NOT_ISSUER"),
        },
      },
    },
    async (request) => service.issue(request.params.id),
  );

  app.post(
    "/v1/pki/applications/:id/revoke",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Revoke a certificate (its issuer or its applicant)",
        tags,
        operationId: "pkiRevoke",
        params: ApplicationIdParams,
        body: RevokeSchema,
        response: { 200: WriteResultSchema, ...writeErrors("PKI_APPLICATION_NOT_FOUND", "PKI_WRONG_STATE") },
      },
    },
    async (request) => service.revoke(request.params.id, request.body.reason as RevocationReason),
  );
}

function registerCertificateRoutes(app: ApiApp, service: PkiService, validator: Http01Validator): void {
  app.post(
    "/v1/pki/ca",
    {
      config: { auth: "admin" },
      schema: {
        summary: "As the issuing member: create the issuing CA key in the keystore and register its certificate",
        tags,
        operationId: "pkiSetupCa",
        body: CaSetupSchema,
        response: { 200: CaSchema, ...writeErrors() },
      },
    },
    async (request) => service.setupIssuingCa(request.body.commonName ?? "Telco Ledger Issuing CA"),
  );

  app.get(
    "/v1/pki/ca",
    {
      schema: {
        summary: "The consortium's current issuing CA certificate, as registered on the ledger",
        tags,
        operationId: "pkiGetCa",
        response: { 200: CaSchema, ...readErrors("PKI_CERTIFICATE_NOT_FOUND") },
      },
    },
    async () => service.currentCa(),
  );

  app.get(
    "/v1/pki/status/:serial",
    {
      schema: {
        summary: "OCSP-style status of a certificate by serial number, from the read model",
        tags,
        operationId: "pkiStatus",
        params: SerialParams,
        response: { 200: StatusSchema, ...readErrors("PKI_CERTIFICATE_NOT_FOUND") },
      },
    },
    async (request) => service.status(request.params.serial),
  );

  app.post(
    "/v1/pki/verify",
    {
      config: { auth: "read-only" },
      schema: {
        summary: "Verify a certificate against the ledger: issued, by whom, vouched for by whom, not revoked",
        tags,
        operationId: "pkiVerify",
        body: VerifyBodySchema,
        response: { 200: VerificationSchema, ...readErrors("PKI_INVALID_INPUT") },
      },
    },
    async (request) => service.verify(request.body.certificate),
  );

  app.put(
    "/v1/pki/http01/pins",
    {
      config: { auth: "admin" },
      schema: {
        summary: "As a validator: pin where a name's HTTP-01 server is (host:port), like curl --resolve",
        tags,
        operationId: "pkiPinHttp01",
        body: PinSchema,
        response: { 200: PinListSchema, ...writeErrors() },
      },
    },
    async (request) => {
      validator.pin(request.body.dnsName, request.body.target);
      return { items: validator.pinned() };
    },
  );
}

const strictResult = () =>
  Type.Object({ ...WriteResultSchema.properties, checkedUrl: Type.String() }, { additionalProperties: false });

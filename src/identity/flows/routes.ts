// Routes of the attestation flows (operator API): the attestation services this agent offers (flows 2.2 and 2.3 answer
// RequestAttestation with them), the attestations the flows issued, and their revocation and amendment (each told to
// the holder by RevokeAttestation / AmendAttestation at the reply endpoint it signed).
import { Type } from "@sinclair/typebox";
import {
  type ApiApp,
  DID_ETHR_PATTERN,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../../core/api/index.ts";
import { keysetPage } from "../routesPaging.ts";
import { type AttestationFlows, CRL_TO_STATUS_REASON, type IssuedAttestation } from "./service.ts";

export interface FlowRoutesDeps {
  flows: AttestationFlows;
}

const tags = ["messages"];
const TypeName = Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_]{0,63}$", description: "A credential type name" });
const Did = Type.String({ pattern: "^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", maxLength: 256, description: "A DID" });
const ClaimValue = Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]);
const ClaimName = "^[A-Za-z][A-Za-z0-9_]{0,63}$";
const Claims = Type.Record(Type.String({ pattern: ClaimName }), ClaimValue, {
  maxProperties: 32,
  description: "Claim name to value",
});
const PreconditionSchema = strictObject({
  type: TypeName,
  issuers: Type.Array(Did, { minItems: 1, maxItems: 32, description: "Accepted issuers (any of them)" }),
  description: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  claims: Type.Optional(Claims),
});
const ServiceBody = strictObject({
  issuer: Type.String({ pattern: DID_ETHR_PATTERN, description: "A did:ethr DID this agent hosts: the issuer" }),
  description: Type.String({ minLength: 1, maxLength: 1000 }),
  preconditions: Type.Array(PreconditionSchema, {
    minItems: 1,
    maxItems: 8,
    description: "What the requester must present: any one of these",
  }),
  claims: strictObject({
    values: Claims,
    generated: Type.Array(Type.String({ pattern: ClaimName }), {
      maxItems: 8,
      uniqueItems: true,
      description: "Claims given a new random id at first issuance (kept when reopened or amended), e.g. accountId",
    }),
  }),
  validitySeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 10 * 365 * 24 * 3600 })),
  reopenPurpose: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
});
const ServiceSchema = strictObject({
  type: TypeName,
  ...ServiceBody.properties,
  updatedAt: Type.String({ format: "date-time" }),
});
const CredentialIdParam = strictObject({
  credentialId: Type.String({ pattern: "^0x[0-9a-fA-F]{64}$", description: "keccak256 of the credential id" }),
});
const IssuedSchema = strictObject({
  credentialId: Type.String(),
  id: Type.String(),
  type: Type.String(),
  issuer: Type.String(),
  holder: Type.String(),
  claims: Type.Record(Type.String(), Type.Unknown()),
  state: Type.Union([Type.Literal("active"), Type.Literal("revoked"), Type.Literal("superseded")]),
  replacedBy: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.String({ format: "date-time" }),
});
const Purpose = Type.String({ minLength: 1, maxLength: 1000, description: "Why, for the holder" });

export function registerFlowRoutes(app: ApiApp, deps: FlowRoutesDeps): void {
  const { flows } = deps;

  app.put(
    "/v1/identity/attestation-services/:type",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Offer (or change) an attestation service: RequestAttestation of this type is answered with its preconditions, a presentation meeting one with the credential",
        tags,
        operationId: "putAttestationService",
        params: strictObject({ type: TypeName }),
        body: ServiceBody,
        response: { 200: ServiceSchema, 201: ServiceSchema, ...writeErrors("DID_NOT_HOSTED") },
      },
    },
    async (request, reply) => {
      const { service, created } = await flows.putService({ type: request.params.type, ...request.body });
      return reply.code(created ? 201 : 200).send(service);
    },
  );

  app.get(
    "/v1/identity/attestation-services/:type",
    {
      schema: {
        summary: "One attestation service",
        tags,
        operationId: "getAttestationService",
        params: strictObject({ type: TypeName }),
        response: { 200: ServiceSchema, ...readErrors("ATTESTATION_SERVICE_NOT_FOUND") },
      },
    },
    async (request) => flows.getService(request.params.type),
  );

  app.get(
    "/v1/identity/attestation-services",
    {
      schema: {
        summary: "The attestation services this agent offers, by type",
        tags,
        operationId: "listAttestationServices",
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(ServiceSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string]>(request.query, ["string"]);
      const rows = await flows.listServices(page.limit + 1, page.after?.[0]);
      return pageOfRows(rows, page.limit, (s) => [s.type]);
    },
  );

  app.get(
    "/v1/identity/attestations",
    {
      schema: {
        summary: "The attestations the flows issued, newest first, with their state",
        tags,
        operationId: "listFlowAttestations",
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(IssuedSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      const rows = await flows.listIssued(page.limit + 1, page.after);
      return pageOfRows(rows, page.limit, (a: IssuedAttestation) => [a.issuedAt, a.credentialId]);
    },
  );

  app.post(
    "/v1/identity/attestations/:credentialId/revoke",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Revoke an attestation the flows issued (on-chain status), and send the holder a RevokeAttestation",
        tags,
        operationId: "revokeFlowAttestation",
        params: CredentialIdParam,
        body: strictObject({
          reason: Type.Union(
            Object.keys(CRL_TO_STATUS_REASON).map((r) => Type.Literal(r)),
            { description: "RFC 5280 CRLReason name" },
          ),
          purpose: Purpose,
        }),
        response: {
          200: IssuedSchema,
          ...writeErrors(
            "ATTESTATION_NOT_FOUND",
            "ATTESTATION_NOT_ACTIVE",
            "ATTESTATION_NO_REPLY_ENDPOINT",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
          ),
        },
      },
    },
    async (request) => flows.revoke(request.params.credentialId, request.body.reason, request.body.purpose),
  );

  app.post(
    "/v1/identity/attestations/:credentialId/amend",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Amend an attestation the flows issued: a new credential with the changed claims, the old revoked (superseded), an AmendAttestation to the holder",
        tags,
        operationId: "amendFlowAttestation",
        params: CredentialIdParam,
        body: strictObject({ claims: Claims, purpose: Purpose }),
        response: {
          200: strictObject({ replaced: IssuedSchema, issued: IssuedSchema }),
          ...writeErrors(
            "ATTESTATION_NOT_FOUND",
            "ATTESTATION_NOT_ACTIVE",
            "ATTESTATION_SERVICE_NOT_FOUND",
            "ATTESTATION_NO_REPLY_ENDPOINT",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
          ),
        },
      },
    },
    async (request) => flows.amend(request.params.credentialId, request.body.claims, request.body.purpose),
  );
}

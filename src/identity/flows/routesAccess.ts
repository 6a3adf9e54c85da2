// Operator routes of the enterprise agent's access permissions (/v1/identity/access): ask a person for access
// (RequestAccess through the outbox), list what was asked and answered, and retrieve what a granted permission lets
// this agent read from the person's hub.
import { Type } from "@sinclair/typebox";
import {
  type ApiApp,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  principalOf,
  readErrors,
  strictObject,
  writeErrors,
} from "../../core/api/index.ts";
import { keysetPage } from "../routesPaging.ts";
import type { AccessFlow, AccessStatus } from "./access.ts";

const tags = ["messages"];
const AnyDid = Type.String({ pattern: "^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", maxLength: 256, description: "A DID" });
const Url = Type.String({ minLength: 8, maxLength: 2048, pattern: "^https?://", description: "An http(s) URL" });
const AttestationType = Type.String({ minLength: 1, maxLength: 128, description: "An attestation type" });
const Types = Type.Array(AttestationType, { minItems: 1, maxItems: 16, uniqueItems: true });
const PermissionId = Type.String({ pattern: "^[A-Za-z0-9._:-]{8,128}$", description: "The permission's id" });
const STATUSES = ["requested", "granted", "denied", "retracted"] as const;
const Status = Type.Union(STATUSES.map((s) => Type.Literal(s)));

export const AccessRecordSchema = strictObject({
  permissionId: PermissionId,
  requestIdentifier: Type.String({ description: "The RequestAccess message's identifier" }),
  peer: AnyDid,
  endpoint: Type.String(),
  hub: strictObject({ url: Type.String(), owner: AnyDid }),
  attestationTypes: Type.Array(Type.String(), { maxItems: 16 }),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  purpose: Type.String(),
  status: Status,
  requestedBy: Type.String({ description: "The API key (id) that asked" }),
  requestedAt: Type.String(),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  retractedAt: Type.Union([Type.String(), Type.Null()]),
});
const RetrievedSchema = strictObject({
  permissionId: PermissionId,
  attestations: Type.Array(
    strictObject({
      attestationType: Type.String(),
      format: Type.String({ description: "jwt_vc, vc+jwt or vc+sd-jwt" }),
      payload: Type.String({ description: "The compact token, opened with this agent's messaging key" }),
    }),
    { maxItems: 16 },
  ),
});

export function registerAccessRoutes(app: ApiApp, access: AccessFlow): void {
  app.post(
    "/v1/identity/access/requests",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Ask a person for access to attestation types: a RequestAccess (grantee: this agent's messaging DID) sent to their endpoint",
        tags,
        operationId: "requestAccess",
        body: strictObject({
          to: AnyDid,
          endpoint: Url,
          hub: strictObject({ url: Url, owner: AnyDid }, { description: "The person's identity hub" }),
          attestationTypes: Types,
          purpose: Type.String({ minLength: 1, maxLength: 1000, description: "The intended use of the data" }),
          expiresAt: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "Unix seconds" })),
        }),
        response: {
          201: AccessRecordSchema,
          ...writeErrors(
            "IDENTITY_INVALID_INPUT",
            "MESSAGE_INVALID",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        to: string;
        endpoint: string;
        hub: { url: string; owner: string };
        attestationTypes: string[];
        purpose: string;
        expiresAt?: number;
      };
      return reply.code(201).send(await access.request(body, principalOf(request).keyId));
    },
  );
  app.get(
    "/v1/identity/access",
    {
      schema: {
        summary: "The access permissions this agent asked for, newest first, with the person's answer",
        tags,
        operationId: "listAccessPermissions",
        querystring: strictObject({ ...PageQuerySchema.properties, status: Type.Optional(Status) }),
        response: { 200: pageOf(AccessRecordSchema), ...readErrors() },
      },
    },
    async (request) => {
      const query = request.query as { limit?: number; cursor?: string; status?: AccessStatus };
      const page = keysetPage<[string, string]>(query, ["string", "string"]);
      const rows = await access.list(page.limit, page.after, query.status);
      return pageOfRows(rows, page.limit, (r) => [r.requestedAt, r.permissionId]);
    },
  );
  app.get(
    "/v1/identity/access/:permissionId",
    {
      schema: {
        summary: "One access permission this agent asked for",
        tags,
        operationId: "getAccessPermission",
        params: strictObject({ permissionId: PermissionId }),
        response: { 200: AccessRecordSchema, ...readErrors("ACCESS_NOT_FOUND") },
      },
    },
    async (request) => access.get((request.params as { permissionId: string }).permissionId),
  );
  app.post(
    "/v1/identity/access/:permissionId/retrieve",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Retrieve from the person's hub what a granted permission lets this agent read (RetrieveAttestations), opened with its messaging key",
        tags,
        operationId: "retrieveAccessAttestations",
        params: strictObject({ permissionId: PermissionId }),
        body: Type.Optional(strictObject({ attestationTypes: Type.Optional(Types) })),
        response: {
          200: RetrievedSchema,
          ...writeErrors(
            "ACCESS_NOT_FOUND",
            "ACCESS_NOT_GRANTED",
            "ATTESTATION_NOT_ACCEPTED",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
            "MESSAGE_UNDECRYPTABLE",
          ),
        },
      },
    },
    async (request) => {
      const { permissionId } = request.params as { permissionId: string };
      const types = (request.body as { attestationTypes?: string[] } | undefined)?.attestationTypes;
      const { attestations } = await access.retrieve(permissionId, types);
      return { permissionId, attestations };
    },
  );
}

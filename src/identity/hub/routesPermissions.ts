// Routes of access permissions at the identity hubs (/v1/identity/hubs/{did}/permissions, .../retrieve). The person
// grants, lists and retracts with requests signed by the owner or a device (requestAuth.ts); a grantee retrieves with
// a RetrieveAttestations message signed by its own DID. No API key: the signatures are the credentials.
import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import {
  type ApiApp,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../../core/api/index.ts";
import { keysetPage } from "../routesPaging.ts";
import type { HubPermissions } from "./permissions.ts";
import { PERMISSION_LIMITS } from "./permissions.ts";
import { DidKeySchema } from "./schemas.ts";
import type { SignedRequest } from "./service.ts";

const tags = ["identity-hubs"];
const SIGNED = [
  "HUB_NOT_FOUND",
  "HUB_REQUEST_UNSIGNED",
  "HUB_REQUEST_INVALID",
  "HUB_REQUEST_REPLAYED",
  "HUB_NOT_A_DEVICE",
];
const AnyDid = Type.String({ pattern: "^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", maxLength: 256, description: "A DID" });
const PermissionId = Type.String({
  pattern: "^[A-Za-z0-9._:-]{8,128}$",
  description: "The permission's id, chosen by the user agent (the PERMISSION_OCAP `id`)",
});
const AttestationType = Type.String({ minLength: 1, maxLength: 128, description: "An attestation type" });
const CompactJwe = Type.String({
  pattern: "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$",
  maxLength: 100_000,
  description: "Compact JWE to the grantee's key-agreement key, sealed on the person's device",
});
const CopySchema = strictObject({ attestationType: AttestationType, jwe: CompactJwe });
const PermissionObject = strictObject({
  id: PermissionId,
  grantee: AnyDid,
  attestationTypes: Type.Array(AttestationType, { minItems: 1, maxItems: 16 }),
  actions: Type.Array(Type.Literal("read"), { minItems: 1, maxItems: 1 }),
  expiresAt: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "Unix seconds" })),
});
const GrantBody = strictObject({
  permission: PermissionObject,
  copies: Type.Array(CopySchema, { minItems: 1, maxItems: PERMISSION_LIMITS.copies }),
});
const HubPermissionSchema = strictObject({
  owner: DidKeySchema,
  id: PermissionId,
  grantee: AnyDid,
  attestationTypes: Type.Array(Type.String(), { maxItems: 16 }),
  actions: Type.Array(Type.Literal("read"), { maxItems: 1 }),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String({ description: "The DID (owner or device) that signed the grant" }),
  retractedAt: Type.Union([Type.String(), Type.Null()]),
  retrievedCount: Type.Integer(),
  lastRetrievedAt: Type.Union([Type.String(), Type.Null()]),
});
const PermissionParams = strictObject({ did: DidKeySchema, permissionId: PermissionId });
const RetrievedSchema = strictObject({
  permissionId: PermissionId,
  grantee: AnyDid,
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  attestations: Type.Array(CopySchema, { maxItems: PERMISSION_LIMITS.copies }),
});

const signed = (request: FastifyRequest): SignedRequest => ({
  authorization: request.headers.authorization,
  method: request.method,
  url: request.url,
  body: request.body,
});
const didOf = (request: FastifyRequest) => (request.params as { did: string }).did;

export function registerHubPermissionRoutes(app: ApiApp, permissions: HubPermissions): void {
  app.post(
    "/v1/identity/hubs/:did/permissions",
    {
      config: { auth: "public" },
      bodyLimit: 1_700_000,
      schema: {
        summary:
          "Grant access (signed by the owner or a device): the permission and the granted attestations sealed to the grantee",
        tags,
        operationId: "grantIdentityHubAccess",
        params: strictObject({ did: DidKeySchema }),
        body: GrantBody,
        response: {
          201: HubPermissionSchema,
          ...writeErrors(
            ...SIGNED,
            "HUB_PERMISSION_EXISTS",
            "HUB_ITEM_NOT_SEALED",
            "HUB_QUOTA_EXCEEDED",
            "IDENTITY_INVALID_INPUT",
            "MESSAGE_RECIPIENT_NO_KEY",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { permission, copies } = request.body as {
        permission: { id: string; grantee: string; attestationTypes: string[]; actions: "read"[]; expiresAt?: number };
        copies: { attestationType: string; jwe: string }[];
      };
      const granted = await permissions.grant(didOf(request), signed(request), { ...permission, copies });
      return reply.code(201).send(granted);
    },
  );
  app.get(
    "/v1/identity/hubs/:did/permissions",
    {
      config: { auth: "public" },
      schema: {
        summary: "The hub's access permissions, newest first (signed by the owner or a device)",
        tags,
        operationId: "listIdentityHubPermissions",
        params: strictObject({ did: DidKeySchema }),
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(HubPermissionSchema), ...readErrors(...SIGNED) },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query as { limit?: number; cursor?: string }, [
        "string",
        "string",
      ]);
      const rows = await permissions.list(didOf(request), signed(request), page.limit, page.after);
      return pageOfRows(rows, page.limit, (p) => [p.createdAt, p.id]);
    },
  );
  app.delete(
    "/v1/identity/hubs/:did/permissions/:permissionId",
    {
      config: { auth: "public" },
      schema: {
        summary: "Retract a permission (signed by the owner or a device): immediate, its sealed copies deleted",
        tags,
        operationId: "retractIdentityHubAccess",
        params: PermissionParams,
        response: {
          200: HubPermissionSchema,
          ...writeErrors(...SIGNED, "HUB_PERMISSION_NOT_FOUND", "HUB_ACCESS_RETRACTED"),
        },
      },
    },
    async (request) => {
      const { did, permissionId } = request.params as { did: string; permissionId: string };
      return permissions.retract(did, signed(request), permissionId);
    },
  );
  app.post(
    "/v1/identity/hubs/:did/retrieve",
    {
      // No API key: the RetrieveAttestations message is a JWS by the grantee's DID, addressed to the owner, used once.
      config: { auth: "public" },
      bodyLimit: 70_000,
      schema: {
        summary:
          "A grantee retrieves the attestations a permission grants it (RetrieveAttestations, a JWS by its DID to the hub's owner)",
        tags,
        operationId: "retrieveIdentityHubAttestations",
        params: strictObject({ did: DidKeySchema }),
        body: strictObject({
          message: Type.String({
            pattern: "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){2}$",
            maxLength: 65_536,
            description: "Compact JWS of a RetrieveAttestations message, signed by the grantee",
          }),
        }),
        response: {
          200: RetrievedSchema,
          ...writeErrors(
            "HUB_NOT_FOUND",
            "HUB_REQUEST_INVALID",
            "HUB_ACCESS_NOT_GRANTED",
            "HUB_ACCESS_RETRACTED",
            "HUB_ACCESS_EXPIRED",
            "HUB_ACCESS_TYPE_NOT_GRANTED",
            "IDENTITY_INVALID_INPUT",
            "MESSAGE_INVALID",
            "MESSAGE_SIGNATURE_INVALID",
            "MESSAGE_WRONG_RECIPIENT",
            "MESSAGE_EXPIRED",
            "MESSAGE_REPLAYED",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request) => permissions.retrieve(didOf(request), (request.body as { message: string }).message),
  );
}

// Admin routes that manage this member's API keys: create (the plaintext key is in the response, once), list, revoke.
import { Type } from "@sinclair/typebox";
import type { Queryable } from "../store/index.ts";
import { type ApiKeyCache, createApiKey, KEY_ID_PATTERN, listApiKeys, ROLES, revokeApiKey } from "./api-keys.ts";
import { principalOf } from "./auth.ts";
import { ApiError } from "./errors.ts";
import { errorResponses, PageQuerySchema, pageOf, strictObject } from "./schemas.ts";
import type { ApiModule } from "./types.ts";

const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: "admin > operator > read-only" },
);

const ApiKeySummarySchema = strictObject({
  keyId: Type.String(),
  userName: Type.String(),
  role: RoleSchema,
  createdAt: Type.String({ format: "date-time" }),
  revokedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

export function apiKeyModule(store: Queryable & { dialect?: string }, cache?: ApiKeyCache): ApiModule {
  return {
    name: "api-keys",
    tags: [{ name: "api-keys", description: "API keys of this member's users" }],
    register(app) {
      app.post(
        "/v1/api-keys",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Create an API key for a user of this member; the key is shown only in this response",
            tags: ["api-keys"],
            operationId: "createApiKey",
            body: strictObject({
              userName: Type.String({ minLength: 1, maxLength: 100, pattern: "^[^\\p{C}]+$" }),
              role: RoleSchema,
            }),
            response: {
              201: strictObject({
                key: Type.String({ description: "tlk_<keyId>_<secret>: store it now, it cannot be shown again" }),
                apiKey: ApiKeySummarySchema,
              }),
            },
          },
        },
        async (request, reply) => {
          const { memberId } = principalOf(request);
          const created = await createApiKey(store, { memberId, ...request.body });
          request.log.info({ keyId: created.keyId, role: request.body.role }, "API key created");
          return reply.code(201).send({ key: created.key, apiKey: created.summary });
        },
      );

      app.get(
        "/v1/api-keys",
        {
          config: { auth: "admin" },
          schema: {
            summary: "List this member's API keys (revoked ones included), oldest first",
            tags: ["api-keys"],
            operationId: "listApiKeys",
            querystring: PageQuerySchema,
            response: { 200: pageOf(ApiKeySummarySchema) },
          },
        },
        async (request) => listApiKeys(store, { memberId: principalOf(request).memberId, ...request.query }),
      );

      app.delete(
        "/v1/api-keys/:keyId",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Revoke an API key (idempotent); it stops working at once",
            description: "A key cannot revoke itself (409): that would lock its holder out by accident.",
            tags: ["api-keys"],
            operationId: "revokeApiKey",
            params: strictObject({ keyId: Type.String({ pattern: KEY_ID_PATTERN }) }),
            response: { 200: ApiKeySummarySchema, ...errorResponses("CONFLICT", "NOT_FOUND") },
          },
        },
        async (request) => {
          const principal = principalOf(request);
          if (principal.keyId === request.params.keyId) {
            throw new ApiError("CONFLICT", "an API key cannot revoke itself; use another admin key");
          }
          const revoked = await revokeApiKey(
            store,
            { memberId: principal.memberId, keyId: request.params.keyId },
            cache,
          );
          request.log.info({ keyId: revoked.keyId }, "API key revoked");
          return revoked;
        },
      );
    },
  };
}

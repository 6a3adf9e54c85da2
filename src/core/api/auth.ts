// Authentication and authorisation: every route requires a Bearer API key of this member with at least the role in
// its `config.auth` ("read-only" by default), unless it is declared "public". Runs first, before the body is parsed.
import type { FastifyRequest } from "fastify";
import type { Queryable } from "../store/index.ts";
import { type ApiKeyCache, lastUsedRecorder, type Principal, roleAllows, verifyApiKey } from "./api-keys.ts";
import { ApiError } from "./errors.ts";
import type { ApiApp, AuthLevel } from "./types.ts";

export const AUTH_LEVELS: readonly AuthLevel[] = ["public", "read-only", "operator", "admin"];
export const DEFAULT_AUTH: AuthLevel = "read-only";

/** The caller of an authenticated route (throws UNAUTHENTICATED on a public route, where there is none). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError("UNAUTHENTICATED", "this operation needs an API key");
  return request.principal;
}

export function installAuthentication(app: ApiApp, store: Queryable, memberId: string, cache?: ApiKeyCache): void {
  app.decorateRequest("principal", undefined);
  const recordUse = lastUsedRecorder(store);
  app.addHook("onRequest", async (request) => {
    const needed = request.routeOptions.config.auth ?? DEFAULT_AUTH;
    if (request.is404 || needed === "public") return;
    const header = request.headers.authorization;
    if (!header) throw new ApiError("UNAUTHENTICATED", "missing Authorization: Bearer <API key>");
    const [scheme, presented, extra] = header.split(" ");
    if (scheme?.toLowerCase() !== "bearer" || !presented || extra !== undefined) {
      throw new ApiError("UNAUTHENTICATED", "the Authorization header must be: Bearer <API key>");
    }
    const result = await verifyApiKey(store, memberId, presented, cache);
    if (!result.ok) {
      request.log.info({ keyId: result.keyId, reason: result.reason }, "API key refused");
      throw new ApiError("UNAUTHENTICATED", "invalid or revoked API key");
    }
    request.principal = result.principal;
    await recordUse(result.principal.keyId);
    if (!roleAllows(result.principal.role, needed as Exclude<AuthLevel, "public">)) {
      throw new ApiError("FORBIDDEN", `this operation needs the ${needed} role; the key has ${result.principal.role}`);
    }
  });
}

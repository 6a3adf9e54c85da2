// Authentication and authorisation: every route requires an API key of this member with at least the role in its
// `config.auth` ("read-only" by default), unless it is declared "public". Runs first, before the body is parsed.
// The key comes as `Authorization: Bearer <key>`, or as the password of HTTP Basic (`Basic base64(<any user>:<key>)`):
// clients that pool keep-alive connections but only know Basic credentials (Kamailio's http_client connections,
// libcurl's CURLOPT_USERPWD) send it that way. Both carry the same secret and pass the same checks.
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
    const presented = presentedKey(request.headers.authorization);
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

const MALFORMED = "the Authorization header must be: Bearer <API key>, or Basic with the API key as the password";

/** The API key an Authorization header presents (Bearer, or Basic's password), or UNAUTHENTICATED naming the problem. */
export function presentedKey(header: string | undefined): string {
  if (!header) throw new ApiError("UNAUTHENTICATED", "missing Authorization: Bearer <API key>");
  const [scheme, credentials, extra] = header.split(" ");
  if (!credentials || extra !== undefined) throw new ApiError("UNAUTHENTICATED", MALFORMED);
  switch (scheme?.toLowerCase()) {
    case "bearer":
      return credentials;
    case "basic": {
      // RFC 7617: base64 of user-id ":" password; the user-id carries nothing here, the password is the key.
      const decoded = Buffer.from(credentials, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const key = colon < 0 ? "" : decoded.slice(colon + 1);
      if (!key) throw new ApiError("UNAUTHENTICATED", MALFORMED);
      return key;
    }
    default:
      throw new ApiError("UNAUTHENTICATED", MALFORMED);
  }
}

// How a person's device proves a hub request is theirs: `Authorization: DID <JWT>`, an ES256 JWT signed by the hub
// owner's DID or a device's did:key, bound to this one request the way DPoP binds an HTTP request (RFC 9449): the
// method (`htm`), the path with its query (`htu`), the SHA-256 of the JSON body in its RFC 8785 canonical form (`bh`,
// so that re-serialisation on the way cannot break it), the hub (`aud`: the owner's DID), a short life and a single-use
// `jti`. No API key: a member hosts the hub, but the person is who acts on it.
import { createHash } from "node:crypto";
import { verifyJWT } from "did-jwt";
import type { Resolvable } from "did-resolver";
import { canonicalJson } from "../../core/canonicalJson.ts";
import type { ReplayGuard } from "../../core/identity/messages/index.ts";
import { HubError } from "./errors.ts";

/** The longest a signed request may live (exp - iat): long enough for a phone on a slow link, short for a thief. */
export const MAX_REQUEST_LIFETIME_SECONDS = 120;
export const AUTH_SCHEME = "DID";

export interface HubRequestClaims {
  aud: string;
  htm: string;
  htu: string;
  bh: string;
  iat: number;
  exp: number;
  jti: string;
}

/** SHA-256 (base64url) of a JSON body in canonical form; of the empty string when there is none. */
export function bodyHash(body: unknown): string {
  const canonical = body === undefined || body === null ? "" : canonicalJson(body);
  return createHash("sha256").update(canonical, "utf8").digest("base64url");
}

export interface RequestToVerify {
  owner: string;
  authorization: string | undefined;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  body: unknown;
}

/** Verifies the request's JWT and answers the DID that signed it (the caller checks it may act on the hub). */
export async function verifyHubRequest(
  request: RequestToVerify,
  resolver: Resolvable,
  replay: ReplayGuard,
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  const [scheme, jwt, extra] = (request.authorization ?? "").split(" ");
  if (scheme !== AUTH_SCHEME || !jwt || extra !== undefined) {
    throw new HubError("HUB_REQUEST_UNSIGNED", `a hub request needs the header Authorization: ${AUTH_SCHEME} <JWT>`, {
      field: "headers.authorization",
    });
  }
  let verified: Awaited<ReturnType<typeof verifyJWT>>;
  try {
    verified = await verifyJWT(jwt, {
      resolver,
      audience: request.owner,
      proofPurpose: "authentication",
      policies: { now, exp: false, nbf: false, iat: false },
    });
  } catch (cause) {
    throw invalid(`the request's JWT does not verify: ${(cause as Error).message}`, cause);
  }
  const claims = verified.payload as Partial<HubRequestClaims>;
  const signer = verified.issuer;
  if (claims.htm !== request.method) invalid(`htm is ${String(claims.htm)}, the request is ${request.method}`, true);
  if (claims.htu !== request.url) invalid(`htu is ${String(claims.htu)}, the request is ${request.url}`, true);
  if (claims.bh !== bodyHash(request.body)) invalid("bh does not match the body: it was changed on the way", true);
  if (typeof claims.iat !== "number" || typeof claims.exp !== "number" || typeof claims.jti !== "string") {
    invalid("iat, exp and jti are required", true);
  }
  const { iat, exp, jti } = claims as HubRequestClaims;
  if (exp - iat > MAX_REQUEST_LIFETIME_SECONDS) {
    invalid(`the JWT lives ${exp - iat} s; at most ${MAX_REQUEST_LIFETIME_SECONDS} s`, true);
  }
  // A minute of clock skew either way, as for DID-Auth answers.
  if (iat > now + 60) invalid("iat is in the future", true);
  if (exp <= now - 60) invalid("the request's JWT expired", true);
  if (jti.length < 16 || jti.length > 64) invalid("jti must be 16 to 64 characters", true);
  if (!(await replay.consume(`hub:${signer}:${jti}`, exp + 60))) {
    throw new HubError("HUB_REQUEST_REPLAYED", `this request (${signer}, jti ${jti}) was already received`);
  }
  return signer;
}

function invalid(message: string, cause?: unknown): never {
  throw new HubError("HUB_REQUEST_INVALID", message, {
    field: "headers.authorization",
    ...(cause === undefined || cause === true ? {} : { cause }),
  });
}

// Route conventions, enforced when a route is added (so a mistake fails at startup, not in review): every documented
// route has summary, tags and a unique operationId, strict input schemas, its security in the OpenAPI document, and
// the error responses it can produce.
import type { RouteOptions } from "fastify";
import { AUTH_LEVELS, DEFAULT_AUTH } from "./auth.ts";
import type { ApiErrorCode } from "./errors.ts";
import { errorResponses } from "./schemas.ts";
import type { ApiApp, AuthLevel } from "./types.ts";

export const DOCS_PREFIX = "/docs";

interface RouteSchema {
  hide?: boolean;
  summary?: string;
  tags?: string[];
  operationId?: string;
  security?: unknown[];
  body?: unknown;
  querystring?: unknown;
  params?: unknown;
  response?: Record<string | number, unknown>;
}

/** Paths of object schemas that do not set additionalProperties (and so would accept unknown fields). */
export function looseObjects(schema: unknown, path: string, out: string[] = []): string[] {
  if (!schema || typeof schema !== "object") return out;
  const s = schema as Record<string, unknown>;
  if (
    (s.type === "object" || s.properties) &&
    s.additionalProperties === undefined &&
    s.patternProperties === undefined
  ) {
    out.push(path);
  }
  for (const [name, child] of Object.entries((s.properties as Record<string, unknown>) ?? {})) {
    looseObjects(child, `${path}.${name}`, out);
  }
  if (s.items) looseObjects(s.items, `${path}[]`, out);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const [i, child] of ((s[key] as unknown[]) ?? []).entries()) looseObjects(child, `${path}<${key}[${i}]>`, out);
  }
  return out;
}

export function installRouteConventions(app: ApiApp): void {
  const operationIds = new Set<string>();
  app.addHook("onRoute", (route: RouteOptions) => {
    const schema = (route.schema ?? {}) as RouteSchema;
    route.schema = schema as RouteOptions["schema"];
    const where = `${String(route.method)} ${route.url}`;
    if (route.url.startsWith(DOCS_PREFIX)) {
      route.config = { ...route.config, auth: "public" };
      return;
    }
    const declared = (route.config as { auth?: AuthLevel } | undefined)?.auth;
    const auth: AuthLevel = declared ?? DEFAULT_AUTH;
    if (!AUTH_LEVELS.includes(auth)) throw new Error(`${where}: config.auth must be one of ${AUTH_LEVELS.join(", ")}`);
    route.config = { ...route.config, auth, authDeclared: declared !== undefined };
    if (schema.hide) return;

    if (!schema.summary) throw new Error(`${where}: schema.summary is required`);
    if (!schema.tags?.length) throw new Error(`${where}: schema.tags is required`);
    if (!schema.operationId) throw new Error(`${where}: schema.operationId is required`);
    if (operationIds.has(schema.operationId)) throw new Error(`${where}: duplicate operationId ${schema.operationId}`);
    operationIds.add(schema.operationId);
    for (const part of ["body", "querystring", "params"] as const) {
      const loose = looseObjects(schema[part], part);
      if (loose.length) {
        throw new Error(`${where}: ${loose.join(", ")} must set additionalProperties (use strictObject)`);
      }
    }

    schema.security = auth === "public" ? [] : [{ bearerAuth: [] }, { basicAuth: [] }];
    const errors: ApiErrorCode[] = ["VALIDATION_FAILED", "MALFORMED_REQUEST", "NOT_FOUND", "INTERNAL"];
    if (auth !== "public") errors.push("UNAUTHENTICATED", "FORBIDDEN");
    if (schema.body) errors.push("PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE");
    // Statuses the route documents itself (409, 422, 503 ...) are kept as written.
    schema.response = { ...errorResponses(...errors), ...schema.response };
  });
}

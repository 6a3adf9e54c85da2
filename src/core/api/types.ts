// Types shared by the server and the domains' route modules, and Fastify's type augmentations for our additions.
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Registry } from "prom-client";
import type { Principal, Role } from "./api-keys.ts";
import type { HealthChecks } from "./health.ts";

/** Who may call a route: a key with at least this role, or anyone ("public"). Default: "read-only". */
export type AuthLevel = Role | "public";

/** The Fastify instance route modules receive: handlers are typed from their TypeBox schemas. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A domain's contribution to the API: its routes (and health checks), registered in its own encapsulated scope. */
export interface ApiModule {
  name: string;
  /** OpenAPI tags the module's routes use, with descriptions for the docs. */
  tags?: { name: string; description?: string }[];
  register(app: ApiApp): Promise<void> | void;
}

/** One route as registered: which module (domain) added it, who may call it, and its schema. */
export interface RouteCatalogEntry {
  method: string;
  url: string;
  module: string;
  auth: AuthLevel;
  /** Whether the route said who may call it, rather than taking the read-only default. */
  authDeclared: boolean;
  schema: Record<string, unknown>;
}

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: AuthLevel;
    /** Set by the route conventions: whether the route declared `auth` itself. */
    authDeclared?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller; undefined only on public routes. See principalOf(). */
    principal: Principal | undefined;
  }
  interface FastifyInstance {
    healthChecks: HealthChecks;
    /** Every route of every module, for the domain contract test and the docs. */
    routeCatalog: RouteCatalogEntry[];
    /** This server's Prometheus registry (served at /metrics): a module adds its own metrics to it at register time. */
    metricsRegistry: Registry;
  }
}

// createApiServer: the member agent's HTTP API. Core concerns live here once (request ids, auth, errors, OpenAPI,
// health, metrics, logs); each domain adds its routes as an ApiModule.
import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { LogController } from "fastify";
import type { DestinationStream, LoggerOptions } from "pino";
import type { Store } from "../store/index.ts";
import { apiKeyModule } from "./api-key-routes.ts";
import { ApiKeyCache } from "./api-keys.ts";
import { installAuthentication } from "./auth.ts";
import { DOCS_PREFIX, installRouteConventions } from "./conventions.ts";
import { installErrorHandling } from "./error-handler.ts";
import { HealthChecks, registerHealthRoute } from "./health.ts";
import { registerMetrics } from "./metrics.ts";
import { answerClientError, answerRouterError } from "./protocolErrors.ts";
import { redactPaths } from "./redaction.ts";
import { lazyRequestLogger } from "./requestLogger.ts";
import type { ApiApp, ApiModule, AuthLevel, RouteCatalogEntry } from "./types.ts";
import { requestValidatorFactory } from "./validators.ts";

export interface ApiServerOptions {
  store: Store;
  member: { id: string; name: string };
  /** pino options (plus `stream`, e.g. to capture logs in tests), or false for no logs. Secrets are always redacted. */
  logger?: (LoggerOptions & { stream?: DestinationStream }) | false;
  /** The agent's version, shown in the OpenAPI document and /health. */
  version: string;
  modules: ApiModule[];
  /** Largest accepted body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Access log: one "request completed" line for every answer >= 400, and for one in `accessLogSampleEvery` of the
   * others (default 100; 1 logs every request). The sampled lines carry `sampledOneIn`, so counts scale back.
   */
  accessLogSampleEvery?: number;
  /**
   * API keys known to this process (api-keys.ts). Default: live with SQLite (one process owns the file); with
   * PostgreSQL off unless the caller keeps it live with listenForRevocations (other replicas may revoke).
   */
  apiKeyCache?: ApiKeyCache;
}

/** Accepted incoming x-request-id values; anything else is replaced, so a client cannot inject into logs. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const DEFAULT_ACCESS_LOG_SAMPLE_EVERY = 100;

export async function createApiServer(options: ApiServerOptions): Promise<ApiApp> {
  const { store, member, version } = options;
  const logger =
    options.logger === false
      ? false
      : { level: "info", ...options.logger, redact: { paths: redactPaths(), censor: "[redacted]" } };
  const sampleEvery = options.accessLogSampleEvery ?? DEFAULT_ACCESS_LOG_SAMPLE_EVERY;
  if (!Number.isInteger(sampleEvery) || sampleEvery < 1)
    throw new Error("accessLogSampleEvery must be an integer >= 1");
  const app = Fastify({
    logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    exposeHeadRoutes: false,
    // DIDs and other identifiers travel in paths, percent-encoded. The router sets no limit of its own below Node's
    // 16 KiB for the request line and headers, so an over-long parameter reaches schema validation and gets a
    // field-level 400 naming it (every path parameter's schema bounds its length).
    routerOptions: { maxParamLength: 16 * 1024 },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    // Fastify's own two lines per request (incoming, completed), each serialised and redacted, cost more than an
    // attestation's signature: the access log below writes one line per error and a sample of the rest.
    logController: new LogController({ requestIdLogLabel: "requestId", disableRequestLogging: true }),
    // The request's child logger is made on its first log line, not for every request (requestLogger.ts).
    childLoggerFactory: lazyRequestLogger,
    genReqId: (req) => {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Bodies are validated as sent (no type coercion); path, query and header text is coerced (validators.ts).
    schemaController: { compilersFactory: { buildValidator: requestValidatorFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate("healthChecks", new HealthChecks());
  app.healthChecks.register("store", async () => {
    await store.one("SELECT 1 AS ok");
    return { ok: true, dialect: store.dialect };
  });
  installRouteConventions(app);
  installErrorHandling(app);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  const apiKeys = options.apiKeyCache ?? new ApiKeyCache({ live: store.dialect === "sqlite" });
  installAuthentication(app, store, member.id, apiKeys);
  let answered = 0;
  app.addHook("onResponse", async (request, reply) => {
    const failed = reply.statusCode >= 400;
    // The first success is logged, then one in sampleEvery: an idle agent's rare requests still show.
    if (!failed && answered++ % sampleEvery !== 0) return;
    request.log.info(
      {
        req: request,
        res: reply,
        responseTime: reply.elapsedTime,
        ...(failed || sampleEvery === 1 ? {} : { sampledOneIn: sampleEvery }),
      },
      "request completed",
    );
  });
  // JSON only: Fastify's default text/plain parser would let a wrong content type reach validation instead of 415.
  app.removeContentTypeParser("text/plain");

  const modules = [apiKeyModule(store, apiKeys), ...options.modules];
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: `telco-ledger member agent: ${member.name}`, version },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "tlk_<keyId>_<secret>" },
          basicAuth: {
            type: "http",
            scheme: "basic",
            description: "The same API key as the password (any user-id), for clients that pool connections with Basic",
          },
        },
      },
      tags: [{ name: "system", description: "Health, metrics" }, ...modules.flatMap((m) => m.tags ?? [])],
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  app.get("/openapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () => app.swagger());
  // Routes are added after swagger so its onRoute hook sees them.
  registerHealthRoute(app, { version, memberId: member.id });
  registerMetrics(app);

  app.decorate("routeCatalog", [] as RouteCatalogEntry[]);
  for (const module of modules) {
    await app.register(async (scope) => {
      // Runs after the conventions' hook, so auth is settled: the catalog says which module owns each route.
      scope.addHook("onRoute", (route) => {
        const config = route.config as { auth: AuthLevel; authDeclared?: boolean };
        for (const method of [route.method].flat()) {
          app.routeCatalog.push({
            method: String(method),
            url: route.url,
            module: module.name,
            auth: config.auth,
            authDeclared: config.authDeclared ?? false,
            schema: (route.schema ?? {}) as Record<string, unknown>,
          });
        }
      });
      await module.register(scope);
    });
  }
  await app.ready();
  return app;
}

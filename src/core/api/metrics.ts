// Prometheus metrics: a registry per server (so two agents in one process, as in tests and the sandbox, never mix
// their numbers), default process metrics, and request durations by route template, method and status.
import { Type } from "@sinclair/typebox";
import { collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { ApiApp } from "./types.ts";

export function registerMetrics(app: ApiApp): Registry {
  const registry = new Registry();
  // The event-loop lag histogram samples on a timer: prom-client's default 10 ms wakes an idle agent 100 times a
  // second (5 ms of CPU per second, most of what an idle agent spent); every 250 ms still shows a stalled loop.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 250 });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration in seconds, by route template, method and status code",
    labelNames: ["route", "method", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    // Unknown paths share one label: raw URLs would let any client grow the series without bound.
    const route = request.is404 ? "unmatched" : (request.routeOptions.url ?? "unmatched");
    duration.observe(
      { route, method: request.method, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook("onClose", async () => registry.clear());
  app.decorate("metricsRegistry", registry);

  app.get(
    "/metrics",
    {
      config: { auth: "read-only" },
      schema: {
        summary: "Prometheus metrics of this agent",
        tags: ["system"],
        operationId: "getMetrics",
        produces: ["text/plain"],
        response: {
          200: {
            description: "Prometheus text exposition format",
            content: { "text/plain": { schema: Type.String() } },
          },
        },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}

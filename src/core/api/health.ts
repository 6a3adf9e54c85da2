// GET /health, built from checks modules register (`app.healthChecks.register("chain", async () => ({ ok, ... }))`):
// 200 when every check is ok, else 503 with the same body, so a load balancer and a human read the same answer.
// The route is public, so it answers only ok true/false per check: a check's details (database or RPC error text,
// node URLs and host names, head block, lag) go to the agent's log, never to an anonymous caller.
import { Type } from "@sinclair/typebox";
import { strictObject } from "./schemas.ts";
import type { ApiApp } from "./types.ts";

export interface HealthResult {
  ok: boolean;
  [detail: string]: unknown;
}

export type HealthCheck = () => Promise<HealthResult>;

const CHECK_TIMEOUT_MS = 5000;

export class HealthChecks {
  readonly #checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      throw new Error(`health check name ${JSON.stringify(name)} must be kebab-case`);
    if (this.#checks.has(name)) throw new Error(`health check ${name} is already registered`);
    this.#checks.set(name, check);
  }

  /** Runs every check concurrently; a check that throws or hangs counts as not ok. */
  async run(): Promise<{ ok: boolean; checks: Record<string, HealthResult> }> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]): Promise<[string, HealthResult]> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<HealthResult>((resolve) => {
          timer = setTimeout(
            () => resolve({ ok: false, error: `timed out after ${CHECK_TIMEOUT_MS} ms` }),
            CHECK_TIMEOUT_MS,
          );
        });
        try {
          const result = await Promise.race([check(), timeout]);
          return [name, { ...result, ok: result?.ok === true }];
        } catch (error) {
          return [name, { ok: false, error: (error as Error).message }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ok: entries.every(([, r]) => r.ok), checks };
  }
}

const HealthBody = strictObject({
  ok: Type.Boolean(),
  version: Type.String(),
  memberId: Type.String(),
  checks: Type.Record(
    Type.String(),
    strictObject({
      ok: Type.Boolean(),
      // The "replica" check of an agent with replicas (docs/scaling.md): which process answered, and its role.
      replicaId: Type.Optional(Type.String()),
      role: Type.Optional(Type.Union([Type.Literal("leader"), Type.Literal("follower")])),
    }),
  ),
});

type PublicAnswer = { ok: boolean; replicaId?: string; role?: "leader" | "follower" };

function publicAnswer(name: string, result: HealthResult): PublicAnswer {
  if (name !== "replica") return { ok: result.ok };
  return { ok: result.ok, replicaId: String(result.replicaId), role: result.role === "leader" ? "leader" : "follower" };
}

export function registerHealthRoute(app: ApiApp, info: { version: string; memberId: string }): void {
  app.get(
    "/health",
    {
      config: { auth: "public" },
      schema: {
        summary: "Health of the agent and its dependencies (store, chain, indexer)",
        tags: ["system"],
        operationId: "getHealth",
        response: { 200: HealthBody, 503: { ...HealthBody, description: "At least one check is not ok" } },
      },
    },
    async (request, reply) => {
      const { ok, checks } = await app.healthChecks.run();
      if (!ok) request.log.warn({ checks }, "health check not ok");
      // Only ok is public, and the replica's name and role (which one of a member's load-balanced processes answered).
      const answers = Object.fromEntries(
        Object.entries(checks).map(([name, result]) => [name, publicAnswer(name, result)]),
      );
      return reply.code(ok ? 200 : 503).send({ ok, version: info.version, memberId: info.memberId, checks: answers });
    },
  );
}

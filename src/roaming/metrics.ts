// The roaming domain's Prometheus metrics, one set per agent (two agents in one process never mix their numbers).
// They join the agent's own registry, served at /metrics, once the API server exists (routes.ts).
import { Counter, type Registry } from "prom-client";

const HOME_REQUESTS = "roaming_home_requests_total";

export type HomeRequestResult = "accepted" | "throttled";

export class RoamingMetrics {
  /** Requests addressed to this home operator, per visited operator: answered normally, or refused by the quota. */
  readonly homeRequests = new Counter<"vpmn" | "result">({
    name: HOME_REQUESTS,
    help: "Roaming requests addressed to this home operator, by visited operator (member address) and result (accepted, throttled by the per-VPMN quota)",
    labelNames: ["vpmn", "result"] as const,
    registers: [],
  });

  countHomeRequest(vpmn: string, result: HomeRequestResult): void {
    this.homeRequests.inc({ vpmn: vpmn.toLowerCase(), result });
  }

  /** Adds these metrics to `registry` (once). */
  registerIn(registry: Registry): void {
    if (!registry.getSingleMetric(HOME_REQUESTS)) registry.registerMetric(this.homeRequests);
  }
}

// REST API of roaming, one file per role: the visited operator (routesVisited.ts: attach, sessions), the home
// operator (routesHome.ts: subscribers, requests addressed to it, answer policy, a request's chain of events) and
// setup (routesRegistry.ts: network codes through governance, encryption keys). Schemas in schemas.ts; no SQL here.
import type { AgentContext } from "../agent/domain.ts";
import type { ApiModule } from "../core/api/index.ts";
import { registerHomeRoutes } from "./routesHome.ts";
import { registerRegistryRoutes } from "./routesRegistry.ts";
import { registerVisitedRoutes } from "./routesVisited.ts";
import type { RoamingRuntime } from "./runtime.ts";

export function roamingApiModule(rt: RoamingRuntime, context: AgentContext): ApiModule {
  return {
    name: "roaming",
    tags: [{ name: "roaming", description: "Roaming subscriber authentication between operators (EEA use case 1A)" }],
    register(app) {
      rt.metrics.registerIn(app.metricsRegistry);
      registerVisitedRoutes(app, rt);
      registerHomeRoutes(app, rt, context.config.memberAccount);
      registerRegistryRoutes(app, rt);
    },
  };
}

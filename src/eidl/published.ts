// What the EIDL domain publishes to the other domains: its ledger facts (vetting standing, TN grants), answered from
// memory kept current by chain events. Nothing else of EIDL is visible outside src/eidl/.
// Minimal version from the signed-calls branch: the declaration only (the EIDL branch builds it in eidl's publish()).
import type { EidlFacts } from "./facts.ts";

export type { EidlFacts, EidlGrantFact, EidlStanding } from "./facts.ts";

declare module "../agent/domain.ts" {
  interface PublishedServices {
    eidl: { facts: EidlFacts };
  }
}

// The coalescing drain moved to src/core/drain.ts (identity, before registries in domain order, uses it too).
export { CoalescingDrain } from "../core/drain.ts";

// The consistency checker: is this agent's read model exactly what the chain says? Each domain compares its tables
// with its contracts' views at the block the read model is indexed to. The indexer keeps running meanwhile, so a check
// that saw the cursor move is taken again: a difference reported is one that held still.
import type { AgentContext, ConsistencyDifference, DomainPlugin } from "./domain.ts";

export interface ConsistencyReport {
  /** The block the read model was compared at. */
  blockNumber: number;
  /** Domains that compared their read model (those without a check are listed in `unchecked`). */
  checked: string[];
  unchecked: string[];
  differences: Array<ConsistencyDifference & { domain: string }>;
}

const ATTEMPTS = 5;

export async function checkConsistency(
  context: AgentContext,
  domains: readonly DomainPlugin[],
): Promise<ConsistencyReport> {
  const checkable = domains.filter((d) => d.checkConsistency);
  for (let attempt = 1; ; attempt++) {
    await context.indexer.syncOnce();
    const before = await context.indexer.indexedBlock();
    const differences: ConsistencyReport["differences"] = [];
    for (const domain of checkable) {
      const found = (await domain.checkConsistency?.(context, BigInt(before))) ?? [];
      differences.push(...found.map((d) => ({ domain: domain.name, ...d })));
    }
    const after = await context.indexer.indexedBlock();
    if (after === before || attempt === ATTEMPTS) {
      return {
        blockNumber: before,
        checked: checkable.map((d) => d.name),
        unchecked: domains.filter((d) => !d.checkConsistency).map((d) => d.name),
        differences,
      };
    }
  }
}

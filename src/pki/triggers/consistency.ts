// The trigger read model against FactTriggers' own views at the block the read model is indexed to: every asset
// (holder, registrant) and every trigger (asset, state, holders, threshold, agreeing reports, window, firing time).
import type { Address, Hex } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { FactTriggers } from "../../generated/contracts.ts";
import type { TriggerReadModel } from "./readModel.ts";

const STATES = [null, "open", "armed", "disputed", "executed"] as const;

export async function triggerDifferences(
  readModel: TriggerReadModel,
  chain: Pick<ChainClient, "readContract">,
  address: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(functionName: string, id: string) =>
    chain.readContract({
      address,
      abi: FactTriggers.abi,
      functionName,
      args: [id],
      blockNumber,
    } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  const { triggers, assets } = await readModel.allForConsistency();
  for (const a of assets) {
    const local = { holder: a.holder, registrant: a.registrant };
    const c = await read<{ holder: Address; registrant: Address }>("asset", a.assetId);
    const onChain = /^0x0{40}$/.test(c.holder)
      ? undefined
      : { holder: c.holder.toLowerCase(), registrant: c.registrant.toLowerCase() };
    if (JSON.stringify(local) !== JSON.stringify(onChain)) {
      differences.push({ table: "pki_trigger_assets", key: a.assetId, readModel: local, chain: onChain });
    }
  }
  for (const t of triggers) {
    const local = {
      assetId: t.assetId,
      state: t.state,
      holder: t.holder,
      newHolder: t.newHolder,
      threshold: t.threshold,
      matching: t.matching,
      disputeWindow: t.disputeWindowSeconds,
      firesAt: t.firesAt,
    };
    const c = await read<{
      assetId: Hex;
      holder: Address;
      newHolder: Address;
      threshold: number;
      matching: number;
      disputeWindow: number;
      firesAt: bigint;
      state: number;
    }>("trigger", t.triggerId);
    const state = STATES[c.state] ?? null;
    const onChain =
      state === null
        ? undefined
        : {
            assetId: c.assetId.toLowerCase(),
            state,
            holder: c.holder.toLowerCase(),
            newHolder: c.newHolder.toLowerCase(),
            threshold: Number(c.threshold),
            matching: Number(c.matching),
            disputeWindow: Number(c.disputeWindow),
            firesAt: Number(c.firesAt),
          };
    if (JSON.stringify(local) !== JSON.stringify(onChain)) {
      differences.push({ table: "pki_triggers", key: t.triggerId, readModel: local, chain: onChain });
    }
  }
  return differences;
}

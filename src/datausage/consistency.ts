// Compares the data-usage read model with the DataUsage contract's own views at one block: every contract's
// controller, parent, depth, fingerprints and revocation, every batch's root and count. Names each difference.
import type { Address, Hex } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { DataUsage } from "../generated/contracts.ts";
import type { DataUsageReadModel } from "./readModel.ts";

export async function dataUsageDifferences(
  readModel: DataUsageReadModel,
  chain: ChainClient,
  address: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };
  const source = await readModel.consistencySource();
  for (const c of source.contracts) {
    const r = await chain.readContract({
      address,
      abi: DataUsage.abi,
      functionName: "usageContract",
      args: [c.id as Hex],
      blockNumber,
    });
    const parent = r.parent === `0x${"0".repeat(64)}` ? null : r.parent.toLowerCase();
    compare(
      "datausage_contracts",
      c.id,
      {
        controller: c.controller,
        parent: c.parent,
        depth: Number(c.depth),
        data: c.data_fingerprint,
        policy: c.policy_fingerprint,
        revokedAt: Number(c.revoked_at),
      },
      {
        controller: r.controller.toLowerCase(),
        parent,
        depth: Number(r.depth),
        data: r.dataFingerprint.toLowerCase(),
        policy: r.policyFingerprint.toLowerCase(),
        revokedAt: Number(r.revokedAt),
      },
    );
  }
  for (const b of source.batches) {
    const r = await chain.readContract({
      address,
      abi: DataUsage.abi,
      functionName: "consultationBatch",
      args: [b.batch_id as Hex],
      blockNumber,
    });
    compare(
      "datausage_batches",
      b.batch_id,
      { root: b.root, count: Number(b.leaf_count) },
      { root: r.root.toLowerCase(), count: Number(r.count) },
    );
  }
  return differences;
}

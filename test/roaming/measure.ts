// Measurements of a roaming run shared by the benchmarks: what the run put on chain (calldata and log bytes, gas)
// per authentication, read back from the devnet's blocks and receipts.
import type { Address, Hex } from "viem";
import type { ChainClient } from "../../src/core/chain/client.ts";

export interface OnChainCost {
  transactions: number;
  gas: bigint;
  calldataBytes: number;
  logBytes: number;
}

/** Gas and bytes of every transaction to `contracts` in blocks [from, to]. */
export async function onChainCost(
  chain: ChainClient,
  contracts: Address[],
  from: bigint,
  to: bigint,
): Promise<OnChainCost> {
  const targets = new Set(contracts.map((a) => a.toLowerCase()));
  const cost: OnChainCost = { transactions: 0, gas: 0n, calldataBytes: 0, logBytes: 0 };
  for (let b = from; b <= to; b++) {
    const block = await chain.getBlock({ blockNumber: b, includeTransactions: true });
    for (const tx of block.transactions) {
      if (!tx.to || !targets.has(tx.to.toLowerCase())) continue;
      const receipt = await chain.getTransactionReceipt({ hash: tx.hash as Hex });
      cost.transactions++;
      cost.gas += receipt.gasUsed;
      cost.calldataBytes += (tx.input.length - 2) / 2;
      for (const log of receipt.logs) cost.logBytes += (log.data.length - 2) / 2 + 32 * log.topics.length;
    }
  }
  return cost;
}

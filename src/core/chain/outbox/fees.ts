// Fee fields for a transaction from the node's own fee data. A zero-gas-price consortium network (Besu QBFT with
// min-gas-price 0, or the devnet) gets zero fees, so member accounts need no ether.
import type { ChainClient } from "../client.ts";

export type FeeFields =
  | { type: "legacy"; gasPrice: bigint }
  | { type: "eip1559"; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

export async function readFeeFields(client: ChainClient): Promise<FeeFields> {
  const [block, gasPrice] = await Promise.all([client.getBlock({ blockTag: "latest" }), client.getGasPrice()]);
  const baseFee = block.baseFeePerGas;
  if (gasPrice === 0n) {
    return baseFee === null || baseFee === undefined
      ? { type: "legacy", gasPrice: 0n }
      : { type: "eip1559", maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };
  }
  if (baseFee === null || baseFee === undefined) return { type: "legacy", gasPrice };
  const priority = gasPrice > baseFee ? gasPrice - baseFee : 0n;
  // Twice the base fee leaves room for it to rise for a few blocks before the transaction is stuck.
  return { type: "eip1559", maxFeePerGas: baseFee * 2n + priority, maxPriorityFeePerGas: priority };
}

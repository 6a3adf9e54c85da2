// The devnet's clock, for tests that need a block past some time: ask anvil for a block at that timestamp instead
// of sleeping until the wall clock gets there. Later blocks keep counting from it (anvil keeps the offset), so a test
// moves the chain only forward and only as far as it needs.

import { rpc } from "../src/core/chain/devnet/rpc.ts";

/** The latest block's timestamp (seconds). */
export async function latestBlockTimestamp(rpcUrl: string): Promise<number> {
  const block = await rpc<{ timestamp: string }>(rpcUrl, "eth_getBlockByNumber", ["latest", false]);
  return Number(block.timestamp);
}

/** Mines one empty block with this timestamp (seconds), which must be after the latest block's. */
export async function mineBlockAt(rpcUrl: string, timestamp: number): Promise<void> {
  await rpc(rpcUrl, "evm_setNextBlockTimestamp", [timestamp]);
  await rpc(rpcUrl, "evm_mine", []);
  const mined = await latestBlockTimestamp(rpcUrl);
  if (mined !== timestamp) throw new Error(`asked for a block at ${timestamp}, the devnet mined one at ${mined}`);
}

/**
 * Runs `body` with every new block exactly `seconds` after the one before, whatever the wall clock does (anvil), then
 * gives the clock back to the wall. A deadline a few blocks ahead then cannot pass while a loaded machine is slow to
 * get a transaction mined.
 */
export async function withBlockStep<T>(rpcUrl: string, seconds: number, body: () => Promise<T>): Promise<T> {
  await rpc(rpcUrl, "anvil_setBlockTimestampInterval", [seconds]);
  try {
    return await body();
  } finally {
    await rpc(rpcUrl, "anvil_removeBlockTimestampInterval", []);
  }
}

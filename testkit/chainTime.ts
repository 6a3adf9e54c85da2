// The devnet's clock, for tests that need a block past some time: ask anvil for a block at that timestamp instead
// of sleeping until the wall clock gets there. Later blocks keep counting from it (anvil keeps the offset), so a test
// moves the chain only forward and only as far as it needs.

async function rpc<T>(rpcUrl: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

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

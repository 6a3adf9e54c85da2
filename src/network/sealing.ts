// When the signers start sealing. geth starts a node "unsynced": it discards every block its peers propagate until it
// either finishes a sync from a peer ahead of it or starts mining (eth/handler.go, enableSyncedFeatures). With `--mine`
// on the command line a signer seals before its static peers have finished the eth handshake, so its first blocks
// reach nobody. So the kit starts geth without `--mine`, waits until every node has finished the eth handshake with
// every other, and only then starts mining on all of them together.
//
// That is not enough on a fresh chain. Clique sets a block's time to max(parent + period, now) in whole seconds, so
// after the old genesis every signer seals block 1 at once, and on a loaded machine the next heights fork too. Two
// forks of equal difficulty can each hold the only signers allowed to seal next on the other (a signer seals one block
// in floor(N/2)+1); each node keeps the one it has, and the chain stops for good (CI saw heads 2, 2, 2, 2 with three
// peers each). Nothing is on a fresh chain yet but empty blocks, so when its first blocks do not come, the kit stops
// the signers, rewinds every node to the genesis and starts them again, a few times before it gives up.
import { NetworkError } from "./errors.ts";
import type { NetworkSpec } from "./layout.ts";
import { rpc } from "./rpc.ts";

/** The chain is running once every node is past this height (the racy first blocks). */
const RUNNING_HEIGHT = 3;
const RUNNING_WAIT_MS = 45_000;
const ATTEMPTS = 4;

export interface SealingNode {
  name: string;
  rpcUrl: string;
}

export async function startSealing(spec: NetworkSpec, nodes: readonly SealingNode[]): Promise<void> {
  const fresh = nodes.length === spec.nodes.length && (await lowestHead(nodes)) === 0;
  for (let attempt = 1; ; attempt++) {
    await Promise.all(nodes.map((n) => rpc<null>(n.rpcUrl, "miner_start", [])));
    if (!fresh || (await reaches(nodes, RUNNING_HEIGHT, RUNNING_WAIT_MS))) return;
    const heads = await headsOf(nodes);
    if (attempt === ATTEMPTS) {
      throw new NetworkError(
        "NODE_START_FAILED",
        `the fresh chain stalled ${ATTEMPTS} times before block ${RUNNING_HEIGHT} (heads ${heads.join(", ")})`,
      );
    }
    await Promise.all(nodes.map((n) => rpc<null>(n.rpcUrl, "miner_stop", [])));
    await Promise.all(nodes.map((n) => rpc<null>(n.rpcUrl, "debug_setHead", ["0x0"])));
  }
}

async function headsOf(nodes: readonly SealingNode[]): Promise<number[]> {
  return Promise.all(
    nodes.map(async (n) => Number(await rpc<string>(n.rpcUrl, "eth_blockNumber", []).catch(() => "-1"))),
  );
}

async function lowestHead(nodes: readonly SealingNode[]): Promise<number> {
  return Math.min(...(await headsOf(nodes)));
}

async function reaches(nodes: readonly SealingNode[], height: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if ((await lowestHead(nodes)) >= height) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

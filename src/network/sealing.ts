// When the signers start sealing. geth starts a node "unsynced": it discards every block its peers propagate until it
// either finishes a sync from a peer ahead of it or starts mining (eth/handler.go, enableSyncedFeatures). With `--mine`
// on the command line a signer seals before its static peers have finished the eth handshake, so its first blocks
// reach nobody; and Clique sets a block's time to max(parent + period, now) in whole seconds, so after an old parent
// (the genesis, or a stopped network) every signer seals the same height at once. Forks that nobody hears about can
// end with two chains of equal difficulty, each holding the only signers allowed to seal next on the other (a signer
// seals one block in floor(N/2)+1): every node keeps its own and the chain stops for good. That stopped our CI at
// block 2 (heads 2, 2, 1, 2; three peers each).
// So the kit starts geth without `--mine`, waits until every node has finished the eth handshake with every other,
// and only then starts mining on all of them together: every block sealed from then on reaches every node, and the
// heavier (in-turn) block wins at once.
import { rpc } from "./rpc.ts";

export interface SealingNode {
  name: string;
  rpcUrl: string;
}

export async function startSealing(nodes: readonly SealingNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => rpc<null>(n.rpcUrl, "miner_start", [])));
}

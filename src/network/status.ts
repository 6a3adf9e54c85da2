// `network status`: per node, whether its geth runs, its head, its peers, whether it seals (its signer is among
// clique_getSigners, eth_mining is on and its signer process runs). An operator reads a stalled head or a node with no
// peers here first.
import type { NetworkSpec } from "./layout.ts";
import { rpc, runningPid } from "./nodes.ts";
import { runningSignerPid } from "./signer/process.ts";

export interface NodeStatus {
  name: string;
  pid: number | undefined;
  rpcUrl: string;
  signer: string;
  /** undefined when the node does not answer. */
  head: number | undefined;
  headHash: string | undefined;
  peers: number | undefined;
  /** Its signer is an authorised Clique signer, the node is mining and (when it has one) its signer process runs. */
  sealing: boolean | undefined;
  /** The pid of the node's signer process (which holds the validator key); undefined when it is not running. */
  signerPid: number | undefined;
  error?: string;
}

export async function networkStatus(spec: NetworkSpec): Promise<NodeStatus[]> {
  return Promise.all(
    spec.nodes.map(async (node): Promise<NodeStatus> => {
      const signerPid = await runningSignerPid(node);
      const base = {
        name: node.name,
        pid: await runningPid(node),
        rpcUrl: node.rpcUrl,
        signer: node.signer,
        signerPid,
      };
      // A network made before the signer process (geth unlocks its own key) needs none.
      const signerUp = !node.validatorKeystore || signerPid !== undefined;
      try {
        const [block, peers, signers, mining] = await Promise.all([
          rpc<{ number: string; hash: string }>(node.rpcUrl, "eth_getBlockByNumber", ["latest", false]),
          rpc<string>(node.rpcUrl, "net_peerCount", []),
          rpc<string[]>(node.rpcUrl, "clique_getSigners", ["latest"]),
          rpc<boolean>(node.rpcUrl, "eth_mining", []),
        ]);
        const authorised = signers.some((s) => s.toLowerCase() === node.signer.toLowerCase());
        return {
          ...base,
          head: Number(block.number),
          headHash: block.hash,
          peers: Number(peers),
          sealing: authorised && mining && signerUp,
        };
      } catch (error) {
        return {
          ...base,
          head: undefined,
          headHash: undefined,
          peers: undefined,
          sealing: undefined,
          error: (error as Error).message,
        };
      }
    }),
  );
}

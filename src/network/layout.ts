// <dir>/network.json: what `network init` made (nodes, ports, signers, faucet), read by start, stop, status and fund.
// Each node's own directory (<dir>/<node>) holds its geth database, its signer keystore and password, its p2p node
// key, its TOML config, pid file and log: a validator key never leaves its node's directory.
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address } from "viem";
import { NetworkError } from "./errors.ts";

export interface NodePorts {
  p2p: number;
  /** HTTP and WebSocket JSON-RPC share this port (geth serves both on one port when they are equal). */
  rpc: number;
  /** Engine API port; unused by Clique but bound by geth, so every node needs its own. */
  authrpc: number;
  /** Prometheus metrics (`/debug/metrics/prometheus`); absent in networks made before monitoring existed. */
  metrics?: number;
}

export interface NetworkNode {
  name: string;
  /** Absolute path of the node's directory. */
  dir: string;
  signer: Address;
  enode: string;
  ports: NodePorts;
  rpcUrl: string;
  /** A node made to join later: its signer is not in the genesis, and it seals only once governance votes it in. */
  standby?: boolean;
}

export interface NetworkSpec {
  version: 1;
  engine: "geth-clique";
  gethVersion: string;
  chainId: number;
  periodSeconds: number;
  /** Decimal string: the block gas limit every node targets. */
  gasLimit: string;
  /** The legacy gas price every transaction pays, in wei (decimal string). */
  gasPriceWei: string;
  /** The genesis rules: pre-London, see genesis.ts. */
  fork: "berlin";
  faucet: { address: Address; keyFile: string };
  nodes: NetworkNode[];
  createdAt: string;
}

export const specPath = (dir: string): string => join(dir, "network.json");
export const pidFile = (node: NetworkNode): string => join(node.dir, "geth.pid");
export const logFile = (node: NetworkNode): string => join(node.dir, "geth.log");
export const passwordFile = (nodeDir: string): string => join(nodeDir, "password");
export const configFile = (nodeDir: string): string => join(nodeDir, "config.toml");

export async function readSpec(dir: string): Promise<NetworkSpec> {
  let text: string;
  try {
    text = await readFile(specPath(dir), "utf8");
  } catch (error) {
    throw new NetworkError(
      "NETWORK_NOT_FOUND",
      `no network in ${dir} (${specPath(dir)} cannot be read): run \`telco-ledger network init --dir ${dir}\` first`,
      { cause: error },
    );
  }
  const spec = JSON.parse(text) as NetworkSpec;
  if (spec.version !== 1 || spec.engine !== "geth-clique" || !Array.isArray(spec.nodes)) {
    throw new NetworkError("NETWORK_NOT_FOUND", `${specPath(dir)} is not a network this kit wrote (version 1)`);
  }
  return spec;
}

export async function writeSpec(dir: string, spec: NetworkSpec): Promise<void> {
  const temp = `${specPath(dir)}.tmp`;
  await writeFile(temp, `${JSON.stringify(spec, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, specPath(dir));
}

// <dir>/network.json: what `network init` made (nodes, ports, signers, faucet), read by start, stop, status and fund.
// Each node's own directory (<dir>/<node>) holds its geth database, its p2p node key, its TOML config, pid files and
// logs, and (unless `network init --keystore` named a member's own keystore) the encrypted keystore of its validator
// key, which only the node's signer process opens (signer/): geth never holds the key.
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address } from "viem";
import { NetworkError } from "./errors.ts";
import type { ValidatorKeystore } from "./signer/validatorKey.ts";

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
  /**
   * Where the validator key is kept (the project's encrypted keystore), served to geth by the node's signer process.
   * Absent in networks made before 2026-11-30, whose signer key is in geth's own keystore, unlocked by geth.
   */
  validatorKeystore?: ValidatorKeystore;
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
/** The signer's Unix socket, which geth dials (`--signer`). */
export const signerSocket = (nodeDir: string): string => join(nodeDir, "signer.ipc");
export const signerPidFile = (node: NetworkNode): string => join(node.dir, "signer.pid");
export const signerLogFile = (node: NetworkNode): string => join(node.dir, "signer.log");
/** Unix socket paths are limited to 108 bytes on Linux (104 on macOS). */
export const MAX_SOCKET_PATH = 100;

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

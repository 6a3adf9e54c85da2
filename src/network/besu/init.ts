// `network init --engine besu-qbft`: the files a Besu QBFT consortium network needs, for an operator to start with
// Besu (which is not obtainable on this machine: not on Maven Central, not in Debian). Per node: its key (Besu's node
// key is also its validator key), a config.toml of documented Besu options (zero gas price, static peers, no
// discovery, node permissioning on), the allowlist and static peers; for the network: the QBFT genesis and a summary.
// Nothing is started; docs/network.md "Besu QBFT" walks through starting and checking the nodes.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Address, getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { invalidOption, NetworkError } from "../errors.ts";
import { qbftGenesis } from "./qbftGenesis.ts";

export interface InitBesuOptions {
  dir: string;
  validators: number;
  chainId: number;
  blockPeriodSeconds?: number;
  gasLimit?: bigint;
  /** Node i uses basePort + 10i (p2p), +1 (HTTP JSON-RPC), +2 (WebSocket JSON-RPC), +3 (Prometheus metrics). */
  basePort?: number;
}

export interface BesuNode {
  name: string;
  dir: string;
  validator: Address;
  enode: string;
  ports: { p2p: number; rpc: number; ws: number; metrics: number };
  rpcUrl: string;
}

export interface BesuNetworkSummary {
  version: 1;
  engine: "besu-qbft";
  chainId: number;
  blockPeriodSeconds: number;
  gasLimit: string;
  gasPriceWei: "0";
  evmVersion: "paris";
  nodes: BesuNode[];
  createdAt: string;
}

export const BESU_SUMMARY_FILE = "besu-network.json";
const DEFAULT_GAS_LIMIT = 100_000_000n;
const DEFAULT_BASE_PORT = 30300;
/** The JSON-RPC APIs a member agent uses (eth, net, txpool for the outbox; qbft for validator status). */
const RPC_APIS = ["ETH", "NET", "WEB3", "TXPOOL", "QBFT"];

export async function initBesuNetwork(options: InitBesuOptions): Promise<BesuNetworkSummary> {
  validate(options);
  const dir = resolve(options.dir);
  if (existsSync(join(dir, BESU_SUMMARY_FILE))) {
    throw new NetworkError("NETWORK_EXISTS", `${join(dir, BESU_SUMMARY_FILE)} exists: a network was initialised there`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const base = options.basePort ?? DEFAULT_BASE_PORT;
  const keys: `0x${string}`[] = [];
  const nodes: BesuNode[] = [];
  for (let i = 0; i < options.validators; i++) {
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    const ports = { p2p: base + 10 * i, rpc: base + 10 * i + 1, ws: base + 10 * i + 2, metrics: base + 10 * i + 3 };
    keys.push(key);
    nodes.push({
      name: `node${i + 1}`,
      dir: join(dir, `node${i + 1}`),
      validator: getAddress(account.address),
      // The enode id is the node key's uncompressed public key without its 0x04 prefix.
      enode: `enode://${account.publicKey.slice(4)}@127.0.0.1:${ports.p2p}`,
      ports,
      rpcUrl: `http://127.0.0.1:${ports.rpc}`,
    });
  }
  const blockPeriodSeconds = options.blockPeriodSeconds ?? 1;
  const gasLimit = options.gasLimit ?? DEFAULT_GAS_LIMIT;
  const genesis = qbftGenesis({
    chainId: options.chainId,
    validators: nodes.map((n) => n.validator),
    blockPeriodSeconds,
    gasLimit,
  });
  await writeFile(join(dir, "genesis.json"), `${JSON.stringify(genesis, null, 2)}\n`);
  const enodes = nodes.map((n) => n.enode);
  for (const [i, node] of nodes.entries()) {
    await mkdir(join(node.dir, "data"), { recursive: true, mode: 0o700 });
    // Besu's key file: the private key in hex without 0x. In production each member makes it on its own host.
    await writeFile(join(node.dir, "data", "key"), (keys[i] as string).slice(2), { mode: 0o600 });
    await writeFile(
      join(node.dir, "static-nodes.json"),
      `${JSON.stringify(
        enodes.filter((e) => e !== node.enode),
        null,
        2,
      )}\n`,
    );
    await writeFile(join(node.dir, "permissions_config.toml"), permissionsToml(enodes));
    await writeFile(join(node.dir, "config.toml"), besuConfigToml(node, join(dir, "genesis.json")));
  }
  const summary: BesuNetworkSummary = {
    version: 1,
    engine: "besu-qbft",
    chainId: options.chainId,
    blockPeriodSeconds,
    gasLimit: gasLimit.toString(),
    gasPriceWei: "0",
    evmVersion: "paris",
    nodes,
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(dir, BESU_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** A TOML value for a string, number, boolean or list of strings (their TOML and JSON spellings are the same). */
const tomlValue = (value: string | number | boolean | readonly string[]) => JSON.stringify(value);

/** Besu options by their documented names (`besu --help`: the TOML key is the option without its dashes). */
export function besuConfigToml(node: BesuNode, genesisFile: string): string {
  const options: [string, string | number | boolean | readonly string[]][] = [
    ["data-path", join(node.dir, "data")],
    ["genesis-file", genesisFile],
    ["min-gas-price", 0],
    ["p2p-host", "127.0.0.1"],
    ["p2p-port", node.ports.p2p],
    ["discovery-enabled", false],
    ["static-nodes-file", join(node.dir, "static-nodes.json")],
    ["permissions-nodes-config-file-enabled", true],
    ["permissions-nodes-config-file", join(node.dir, "permissions_config.toml")],
    ["rpc-http-enabled", true],
    ["rpc-http-host", "127.0.0.1"],
    ["rpc-http-port", node.ports.rpc],
    ["rpc-http-api", RPC_APIS],
    ["host-allowlist", ["localhost", "127.0.0.1"]],
    ["rpc-ws-enabled", true],
    ["rpc-ws-host", "127.0.0.1"],
    ["rpc-ws-port", node.ports.ws],
    ["rpc-ws-api", RPC_APIS],
    ["metrics-enabled", true],
    ["metrics-host", "127.0.0.1"],
    ["metrics-port", node.ports.metrics],
  ];
  return [
    `# ${node.name}: written by \`telco-ledger network init --engine besu-qbft\`; start with \`besu --config-file=<this>\`.`,
    ...options.map(([key, value]) => `${key}=${tomlValue(value)}`),
    "",
  ].join("\n");
}

/** Node permissioning: only the consortium's nodes may connect (Besu's permissions_config.toml). */
export function permissionsToml(enodes: readonly string[]): string {
  return [
    "# The consortium's nodes; a member's node joins when every node's allowlist names it (docs/network.md).",
    `nodes-allowlist=${tomlValue(enodes)}`,
    "",
  ].join("\n");
}

function validate(options: InitBesuOptions): void {
  if (!Number.isInteger(options.validators) || options.validators < 1 || options.validators > 16) {
    throw invalidOption("--validators", "must be an integer from 1 to 16");
  }
  if (!Number.isSafeInteger(options.chainId) || options.chainId < 1) {
    throw invalidOption("--chain-id", "must be a positive integer");
  }
  const period = options.blockPeriodSeconds ?? 1;
  if (!Number.isInteger(period) || period < 1 || period > 60) {
    throw invalidOption("--period", "must be an integer number of seconds from 1 to 60");
  }
  if (options.gasLimit !== undefined && (options.gasLimit < 5_000_000n || options.gasLimit > 1_000_000_000n)) {
    throw invalidOption("--gas-limit", "must be from 5,000,000 to 1,000,000,000");
  }
  const base = options.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(base) || base < 1024 || base + 10 * options.validators > 65535) {
    throw invalidOption("--base-port", "must leave room for 10 ports per validator below 65536");
  }
}

// `network init`: N validator nodes of a geth Clique network in one directory. Each node's signer key is made in the
// project's encrypted keystore (signer/validatorKey.ts: the node's own, or a member's keystore named by `keystores`),
// never in geth's: geth asks the node's signer process for each seal (signer/sealerServer.ts). The genesis
// names those signers and prefunds a faucet account; each node's TOML config lists every other node as a static peer
// on loopback. Nothing is started: `network start` runs the nodes.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { DEFAULT_BASE_PORT } from "./defaults.ts";
import { invalidOption, NetworkError } from "./errors.ts";
import { cliqueGenesis } from "./genesis.ts";
import { GETH_VERSION } from "./gethBinary.ts";
import {
  configFile,
  MAX_SOCKET_PATH,
  type NetworkNode,
  type NetworkSpec,
  type NodePorts,
  signerSocket,
  specPath,
  writeSpec,
} from "./layout.ts";
import { createValidatorKey, type ValidatorKeystore } from "./signer/validatorKey.ts";

const run = promisify(execFile);

export interface InitNetworkOptions {
  dir: string;
  geth: string;
  validators: number;
  /** Further nodes whose signers are not in the genesis: they sync, and seal once voted in (docs/network.md). */
  standby?: number;
  chainId: number;
  periodSeconds?: number;
  gasLimit?: bigint;
  /** Ports per node; default: basePort + 10 × index + 0 (p2p), 1 (rpc), 2 (authrpc). */
  ports?: readonly NodePorts[];
  basePort?: number;
  /** Balance of the faucet account in the genesis, in wei. */
  faucetWei?: bigint;
  /**
   * Per node name, the keystore to keep its validator key in (e.g. the member agent's `<home>/keystore` with its
   * `keystore.passphrase`); other nodes get a keystore of their own in their directory.
   */
  keystores?: Readonly<Record<string, ValidatorKeystore>>;
}

const DEFAULT_GAS_LIMIT = 100_000_000n;
const DEFAULT_FAUCET_WEI = 10n ** 27n;
export const GAS_PRICE_WEI = 1n;

export async function initNetwork(options: InitNetworkOptions): Promise<NetworkSpec> {
  const dir = resolve(options.dir);
  validate(options);
  if (existsSync(specPath(dir))) {
    throw new NetworkError("NETWORK_EXISTS", `${specPath(dir)} exists: a network was initialised there already`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const nodeCount = options.validators + (options.standby ?? 0);
  const ports = options.ports ?? defaultPorts(nodeCount, options.basePort ?? DEFAULT_BASE_PORT);

  // The faucet is the operator's account that pays for new members' first transactions (docs/network.md).
  const faucetKey = generatePrivateKey();
  const faucet = privateKeyToAccount(faucetKey).address;
  const faucetKeyFile = join(dir, "faucet.key");
  await writeFile(faucetKeyFile, `${faucetKey}\n`, { mode: 0o600 });

  const nodes: NetworkNode[] = [];
  for (const [index, nodePorts] of ports.entries()) {
    const name = `node${index + 1}`;
    const nodeDir = join(dir, name);
    await mkdir(join(nodeDir, "geth"), { recursive: true, mode: 0o700 });
    const validatorKeystore = options.keystores?.[name] ?? {
      dir: join(nodeDir, "validator-keystore"),
      passphraseFile: join(nodeDir, "validator-keystore.passphrase"),
    };
    const signer = await createValidatorKey(validatorKeystore);
    // The p2p identity: the enode URL every other node dials. Written where geth looks for it.
    const nodeKey = generatePrivateKey();
    await writeFile(join(nodeDir, "geth", "nodekey"), nodeKey.slice(2), { mode: 0o600 });
    const publicKey = privateKeyToAccount(nodeKey).publicKey.slice(4);
    nodes.push({
      name,
      dir: nodeDir,
      signer,
      enode: `enode://${publicKey}@127.0.0.1:${nodePorts.p2p}`,
      ports: nodePorts,
      rpcUrl: `http://127.0.0.1:${nodePorts.rpc}`,
      ...(index >= options.validators ? { standby: true } : {}),
      validatorKeystore,
    });
  }

  const periodSeconds = options.periodSeconds ?? 1;
  const gasLimit = options.gasLimit ?? DEFAULT_GAS_LIMIT;
  const genesisFile = join(dir, "genesis.json");
  const genesis = cliqueGenesis({
    chainId: options.chainId,
    signers: nodes.filter((n) => !n.standby).map((n) => n.signer),
    periodSeconds,
    gasLimit,
    alloc: { [faucet]: options.faucetWei ?? DEFAULT_FAUCET_WEI },
  });
  await writeFile(genesisFile, `${JSON.stringify(genesis, null, 2)}\n`);
  for (const node of nodes) {
    await writeFile(configFile(node.dir), nodeConfigToml(nodes.filter((n) => n !== node).map((n) => n.enode)));
    await gethCommand(options.geth, ["init", "--datadir", node.dir, genesisFile]);
  }

  const spec: NetworkSpec = {
    version: 1,
    engine: "geth-clique",
    gethVersion: GETH_VERSION,
    chainId: options.chainId,
    periodSeconds,
    gasLimit: gasLimit.toString(),
    gasPriceWei: GAS_PRICE_WEI.toString(),
    fork: "berlin",
    faucet: { address: faucet, keyFile: faucetKeyFile },
    nodes,
    createdAt: new Date().toISOString(),
  };
  await writeSpec(dir, spec);
  return spec;
}

export function defaultPorts(count: number, basePort: number): NodePorts[] {
  return Array.from({ length: count }, (_, i) => ({
    p2p: basePort + 10 * i,
    rpc: basePort + 10 * i + 1,
    authrpc: basePort + 10 * i + 2,
    metrics: basePort + 10 * i + 3,
  }));
}

/** Static peers only: no discovery, so the nodes find each other and nothing else. */
function nodeConfigToml(peers: readonly string[]): string {
  return [
    "# Written by `telco-ledger network init`: this node's static peers (the other validators).",
    "[Node.P2P]",
    "NoDiscovery = true",
    `StaticNodes = [${peers.map((p) => JSON.stringify(p)).join(", ")}]`,
    "",
  ].join("\n");
}

async function gethCommand(geth: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(geth, args, { timeout: 120_000 });
    return `${stdout}\n${stderr}`;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new NetworkError("GETH_COMMAND_FAILED", `geth ${args.slice(0, 2).join(" ")} failed: ${stderr.slice(-1500)}`, {
      cause: error,
    });
  }
}

function validate(options: InitNetworkOptions): void {
  const socket = signerSocket(join(resolve(options.dir), "node16"));
  if (socket.length > MAX_SOCKET_PATH) {
    throw invalidOption(
      "--dir",
      `is too long: a node's signer socket (${socket}) must stay under ${MAX_SOCKET_PATH} bytes`,
    );
  }
  for (const name of Object.keys(options.keystores ?? {})) {
    if (!/^node([1-9]|1[0-6])$/.test(name)) throw invalidOption("--keystore", `names no node: ${name}`);
  }
  if (!Number.isInteger(options.validators) || options.validators < 1 || options.validators > 16) {
    throw invalidOption("--validators", "must be an integer from 1 to 16");
  }
  if (!Number.isSafeInteger(options.chainId) || options.chainId < 1) {
    throw invalidOption("--chain-id", "must be a positive integer");
  }
  const period = options.periodSeconds ?? 1;
  if (!Number.isInteger(period) || period < 1 || period > 60) {
    throw invalidOption("--period", "must be an integer number of seconds from 1 to 60");
  }
  if (options.gasLimit !== undefined && (options.gasLimit < 5_000_000n || options.gasLimit > 1_000_000_000n)) {
    throw invalidOption("--gas-limit", "must be from 5,000,000 to 1,000,000,000");
  }
  const standby = options.standby ?? 0;
  if (!Number.isInteger(standby) || standby < 0 || options.validators + standby > 16) {
    throw invalidOption("--standby", "must be an integer from 0, with validators + standby at most 16");
  }
  const nodeCount = options.validators + standby;
  if (options.ports && options.ports.length !== nodeCount) {
    throw invalidOption("ports", `must give one entry per node (${nodeCount})`);
  }
  const base = options.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(base) || base < 1024 || base + 10 * nodeCount > 65535) {
    throw invalidOption("--base-port", "must leave room for 10 ports per validator below 65536");
  }
}

// Which chain the tests run on. By default each consortium starts its own anvil devnet. With TELCO_TEST_NETWORK=geth
// each consortium starts a four-signer geth Clique network (the network kit, src/network/) instead, spreads its
// members' agents over the four nodes and funds their accounts from the network's faucet, as an operator would
// (docs/network.md). With TELCO_TEST_NETWORK=external the consortiums run on a network that is already running,
// anywhere: TELCO_TEST_RPC_URLS names its nodes (comma-separated; members spread over them) and
// TELCO_TEST_FAUCET_KEY_FILE a file holding the private key of a funded account that pays the test accounts. Each
// consortium deploys its own platform there. Tests that need what only anvil offers (moving the chain's clock,
// snapshots, setting balances) skip on a network, naming why: `skipOnNetwork(reason)`; in the default mode nothing
// is ever skipped.
import { readFile, rm } from "node:fs/promises";
import { type Address, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Devnet } from "../src/core/chain/devnet/devnet.ts";
import { fundAccounts } from "../src/network/faucet.ts";
import { ensureGeth } from "../src/network/gethBinary.ts";
import { initNetwork } from "../src/network/init.ts";
import type { NetworkSpec, NodePorts } from "../src/network/layout.ts";
import { rpc, runningPid, startNodes, stopNodes } from "../src/network/nodes.ts";
import type { ExternalNetwork } from "./networkMembers.ts";
import { releasePort, reservePort } from "./ports.ts";
import { tempDir } from "./tempDir.ts";

export type TestChainMode = "anvil" | "geth" | "external";

const MODES: readonly TestChainMode[] = ["anvil", "geth", "external"];

/**
 * TELCO_TEST_NETWORK: unset or "anvil" (the default), "geth" or "external"; anything else stops the run naming the
 * variable.
 */
export function testChainMode(): TestChainMode {
  const value = process.env.TELCO_TEST_NETWORK?.trim() || "anvil";
  if (!(MODES as readonly string[]).includes(value)) {
    throw new Error(`TELCO_TEST_NETWORK must be one of ${MODES.join(", ")} (or unset), got ${JSON.stringify(value)}`);
  }
  return value as TestChainMode;
}

export const onNetwork = (): boolean => testChainMode() !== "anvil";

/**
 * node:test options for a test that cannot run on a real network: skipped there with the reason given, run as
 * always on the devnet. Usage: `it("...", skipOnNetwork("moves the chain's clock (anvil_setNextBlockTimestamp)"), fn)`.
 */
export function skipOnNetwork(reason: string): { skip?: string } {
  return onNetwork() ? { skip: `TELCO_TEST_NETWORK=${testChainMode()}: needs the anvil devnet: ${reason}` } : {};
}

/**
 * How much longer a test waits for read models on a network: agents there index a block only once `confirmations`
 * more are on top, and blocks come once a period instead of on demand. 1 on the devnet.
 */
export const networkWaitFactor = (): number => (onNetwork() ? 6 : 1);

export interface TestNetworkOptions {
  validators?: number;
  periodSeconds?: number;
  gasLimit?: bigint;
  chainId?: number;
  /** Progress lines (the geth build, when it is not cached). */
  log?: (line: string) => void;
}

export interface TestNetwork extends ExternalNetwork {
  /** The agents' indexer depth on this network: Clique reorganises single blocks. */
  confirmations: number;
  /** SIGKILL a node's geth (index from 0); resolves once it is gone. */
  killNode(index: number): Promise<void>;
  /** Starts a killed node again; resolves once it answers JSON-RPC. */
  restartNode(index: number): Promise<void>;
  /** The network's head block through node `index` (default 0). */
  headBlock(index?: number): Promise<number>;
  stop(): Promise<void>;
}

/** A network this process started with the kit: its spec and the geth binary it runs. */
export interface StartedTestNetwork extends TestNetwork {
  spec: NetworkSpec;
  geth: string;
}

export const TEST_NETWORK_CONFIRMATIONS = 2;
/** What each agent pays a DID controller account it creates (agent.json chain.fundNewAccountsWei): 0.001 ether. */
export const TEST_FUND_NEW_ACCOUNTS_WEI = "1000000000000000";
const DEFAULT_CHAIN_ID = 31_338_013;

/** A geth Clique network of `validators` signers on reserved loopback ports, started; stop() removes everything. */
export async function startTestNetwork(options: TestNetworkOptions = {}): Promise<StartedTestNetwork> {
  const validators = options.validators ?? 4;
  const geth = (await ensureGeth((line) => options.log?.(`[geth] ${line}`))).path;
  const dir = await tempDir("telco-test-network-");
  const ports: number[] = [];
  let spec: NetworkSpec | undefined;
  const stop = async () => {
    if (spec) await stopNodes(spec).catch(() => undefined);
    for (const port of ports) releasePort(port);
    await dir.remove();
  };
  try {
    const nodePorts: NodePorts[] = [];
    for (let i = 0; i < validators; i++) {
      const [p2p, rpcPort, authrpc] = [await reservePort(), await reservePort(), await reservePort()];
      ports.push(p2p, rpcPort, authrpc);
      nodePorts.push({ p2p, rpc: rpcPort, authrpc });
    }
    spec = await initNetwork({
      dir: dir.path,
      geth,
      validators,
      chainId: options.chainId ?? DEFAULT_CHAIN_ID,
      ports: nodePorts,
      ...(options.periodSeconds ? { periodSeconds: options.periodSeconds } : {}),
      ...(options.gasLimit ? { gasLimit: options.gasLimit } : {}),
    });
    await startNodes(spec, geth);
    const started = spec;
    const node = (index: number) => {
      const n = started.nodes[index];
      if (!n) throw new Error(`the test network has no node ${index} (it has ${started.nodes.length})`);
      return n;
    };
    return {
      spec: started,
      geth,
      chainId: started.chainId,
      confirmations: TEST_NETWORK_CONFIRMATIONS,
      rpcUrlFor: (index) => node(index % started.nodes.length).rpcUrl,
      fund: async (addresses: readonly Address[]) => {
        await fundAccounts(started, addresses);
      },
      async killNode(index) {
        const victim = node(index);
        const pid = await runningPid(victim);
        if (!pid) throw new Error(`${victim.name} is not running`);
        process.kill(pid, "SIGKILL");
        while (await runningPid(victim)) await new Promise((resolve) => setTimeout(resolve, 100));
        await rm(`${victim.dir}/geth.pid`, { force: true });
      },
      async restartNode(index) {
        await startNodes(started, geth, [node(index).name]);
      },
      headBlock: async (index = 0) => Number(await rpc<string>(node(index).rpcUrl, "eth_blockNumber", [])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The network the consortiums of this run use: started here (geth mode) or already running (external mode). */
export async function testNetworkForConsortium(): Promise<TestNetwork> {
  return testChainMode() === "external" ? connectExternalNetwork() : startTestNetwork();
}

/**
 * The running network TELCO_TEST_RPC_URLS and TELCO_TEST_FAUCET_KEY_FILE name. Its nodes are someone else's: the
 * tests neither kill nor stop them (killNode and restartNode fail naming the mode), and the faucet pays at the gas
 * price the first node suggests.
 */
export async function connectExternalNetwork(): Promise<TestNetwork> {
  const urls = (process.env.TELCO_TEST_RPC_URLS ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
  const keyFile = process.env.TELCO_TEST_FAUCET_KEY_FILE?.trim();
  if (urls.length === 0 || !keyFile) {
    throw new Error(
      "TELCO_TEST_NETWORK=external needs TELCO_TEST_RPC_URLS (the nodes' JSON-RPC URLs, comma-separated) and " +
        "TELCO_TEST_FAUCET_KEY_FILE (a file with the private key of a funded account)",
    );
  }
  const key = (await readFile(keyFile, "utf8")).trim();
  if (!isHex(key) || key.length !== 66) throw new Error(`TELCO_TEST_FAUCET_KEY_FILE ${keyFile}: not a 32-byte hex key`);
  const first = urls[0] as string;
  const chainId = Number(await rpc<string>(first, "eth_chainId", []));
  const gasPriceWei = BigInt(await rpc<string>(first, "eth_gasPrice", [])).toString();
  const faucet = {
    chainId,
    gasPriceWei,
    faucet: { address: privateKeyToAccount(key).address, keyFile },
    nodes: urls.map((rpcUrl, i) => ({ name: `node${i + 1}`, rpcUrl })),
  };
  const notOurs = (what: string) => async (): Promise<never> => {
    throw new Error(`${what}: TELCO_TEST_NETWORK=external runs on nodes the tests do not own`);
  };
  return {
    chainId,
    confirmations: Number(process.env.TELCO_TEST_CONFIRMATIONS ?? TEST_NETWORK_CONFIRMATIONS),
    rpcUrlFor: (index) => urls[index % urls.length] as string,
    fund: async (addresses) => {
      await fundAccounts(faucet, addresses);
    },
    killNode: notOurs("killNode"),
    restartNode: notOurs("restartNode"),
    headBlock: async (index = 0) =>
      Number(await rpc<string>(urls[index % urls.length] as string, "eth_blockNumber", [])),
    stop: async () => undefined,
  };
}

/**
 * The devnet handle a TestConsortium carries, for a consortium on a network: its RPC URL (node 1) and chain id, the
 * head; what only anvil can do (checkpoint, restart, kill9ForTest) fails naming the mode.
 */
export function networkAsDevnet(network: TestNetwork): Devnet {
  const anvilOnly = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} needs the anvil devnet; TELCO_TEST_NETWORK=${testChainMode()} runs on a geth network`);
  };
  return {
    rpcUrl: network.rpcUrlFor(0),
    chainId: network.chainId,
    stateFile: "",
    headBlock: () => network.headBlock(0),
    checkpoint: anvilOnly("Devnet.checkpoint"),
    stop: async () => undefined,
    restart: anvilOnly("Devnet.restart"),
    kill9ForTest: anvilOnly("Devnet.kill9ForTest"),
  };
}

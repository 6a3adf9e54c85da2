// `network start` and `network stop`: each node is a geth process of its own (detached: it outlives the command),
// with its pid in <node>/geth.pid and its output in <node>/geth.log. A pid file is trusted only while that pid is a
// geth running on this node's directory, so a stale file never makes stop signal an unrelated process.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { NetworkError } from "./errors.ts";
import { GAS_PRICE_WEI } from "./init.ts";
import {
  configFile,
  logFile,
  type NetworkNode,
  type NetworkSpec,
  passwordFile,
  pidFile,
  signerSocket,
} from "./layout.ts";
import { rpc } from "./rpc.ts";
import { startSealing } from "./sealing.ts";
import { ensureSigner, stopSigner } from "./signer/process.ts";

export { rpc } from "./rpc.ts";

const READY_TIMEOUT_MS = 60_000;
const PEERING_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 20_000;

/** The pid of the node's running geth, or undefined when it is not running. */
export async function runningPid(node: NetworkNode): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile(node), "utf8")).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmdline.some((arg) => arg.endsWith("geth")) && cmdline.includes(node.dir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function gethArgs(spec: NetworkSpec, node: NetworkNode): string[] {
  // biome-ignore format: flag/value pairs read best one pair per line
  return [
    "--datadir", node.dir,
    "--config", configFile(node.dir),
    "--networkid", String(spec.chainId),
    "--syncmode", "full",
    "--port", String(node.ports.p2p),
    "--nat", "none",
    "--nodiscover",
    "--ipcdisable",
    "--http", "--http.addr", "127.0.0.1", "--http.port", String(node.ports.rpc),
    // miner and debug: sealing starts by miner_start once peered, a stalled fresh chain is rewound (sealing.ts).
    "--http.api", "eth,net,web3,clique,txpool,admin,miner,debug",
    // The same port as HTTP: geth serves WebSocket there too, as the agent's default wsUrl expects.
    "--ws", "--ws.addr", "127.0.0.1", "--ws.port", String(node.ports.rpc), "--ws.api", "eth,net,web3",
    "--authrpc.addr", "127.0.0.1", "--authrpc.port", String(node.ports.authrpc),
    // Sealing: the node's signer process holds the key and seals each header geth hands it (signer/); a network
    // made before it keeps geth's keystore, unlocked from the password file in the node's directory. No --mine: see
    // startNodes.
    "--miner.etherbase", node.signer,
    ...(node.validatorKeystore
      ? ["--signer", signerSocket(node.dir)]
      : ["--unlock", node.signer, "--password", passwordFile(node.dir), "--allow-insecure-unlock"]),
    // Legacy 1-wei gas price (genesis.ts says why), and the block gas limit the genesis set (else geth drifts to 30M).
    "--miner.gasprice", GAS_PRICE_WEI.toString(), "--txpool.pricelimit", GAS_PRICE_WEI.toString(),
    "--miner.gaslimit", spec.gasLimit,
    "--verbosity", "3",
    // Prometheus scrapes the node itself (src/network/monitoring.ts): chain head, peers, txpool, database.
    ...(node.ports.metrics
      ? ["--metrics", "--metrics.addr", "127.0.0.1", "--metrics.port", String(node.ports.metrics)]
      : []),
  ];
}

export interface StartedNode {
  name: string;
  pid: number;
  rpcUrl: string;
  alreadyRunning: boolean;
}

/** Starts every node (or the named ones) not running yet; resolves once each answers, is peered and seals. */
export async function startNodes(spec: NetworkSpec, geth: string, only?: readonly string[]): Promise<StartedNode[]> {
  const started: StartedNode[] = [];
  for (const node of selected(spec, only)) {
    // Its signer first, even beside a running geth: a signer that died is restarted, and geth dials it again.
    const signerRestarted = await ensureSigner(node);
    const existing = await runningPid(node);
    if (existing) {
      // A seal that failed while the signer was down is not retried until new work comes (a new head or a new
      // transaction), which on a network needing this signer never comes: restarting the miner makes new work now.
      if (signerRestarted) {
        await rpc<null>(node.rpcUrl, "miner_stop", []);
        await rpc<null>(node.rpcUrl, "miner_start", []);
      }
      started.push({ name: node.name, pid: existing, rpcUrl: node.rpcUrl, alreadyRunning: true });
      continue;
    }
    const log = openSync(logFile(node), "a");
    const child = spawn(geth, gethArgs(spec, node), { stdio: ["ignore", log, log], detached: true });
    closeSync(log);
    const pid = child.pid;
    if (pid === undefined) throw new NetworkError("NODE_START_FAILED", `${node.name}: geth did not start`);
    child.unref();
    await writeFile(pidFile(node), `${pid}\n`);
    started.push({ name: node.name, pid, rpcUrl: node.rpcUrl, alreadyRunning: false });
  }
  await Promise.all(started.map((s) => waitAnswering(spec, s)));
  await waitPeered(spec, started);
  // Sealing starts only once every node speaks eth with every other (sealing.ts says why).
  await startSealing(spec, started);
  return started;
}

/** Resolves once every started node speaks eth with every other running node, or names the nodes that do not. */
async function waitPeered(spec: NetworkSpec, started: readonly StartedNode[]): Promise<void> {
  const running = (await Promise.all(spec.nodes.map(async (n) => ((await runningPid(n)) ? n : undefined)))).filter(
    (n) => n !== undefined,
  );
  const wanted = running.length - 1;
  if (wanted <= 0) return;
  const deadline = Date.now() + PEERING_TIMEOUT_MS;
  // Peers whose eth handshake is done (admin_peers shows "handshake" until then): a block sealed before it is never
  // announced to that peer, and a peer that missed a block learns of it only from the next one.
  const peersOf = async (node: StartedNode) => {
    const peers = await rpc<Array<{ protocols?: { eth?: unknown } }>>(node.rpcUrl, "admin_peers", []).catch(() => []);
    return peers.filter((p) => typeof p.protocols?.eth === "object" && p.protocols.eth !== null).length;
  };
  for (;;) {
    const counts = await Promise.all(started.map(async (node) => ({ node, peers: await peersOf(node) })));
    const short = counts.filter((c) => c.peers < wanted);
    if (short.length === 0) return;
    if (Date.now() > deadline) {
      const which = short.map((c) => `${c.node.name} has ${c.peers} of ${wanted}`).join(", ");
      throw new NetworkError("NODE_START_FAILED", `nodes did not connect to their static peers in time: ${which}`);
    }
    await sleep(250);
  }
}

export interface StoppedNode {
  name: string;
  pid: number | undefined;
  how: "not running" | "SIGTERM" | "SIGKILL";
}

/** SIGTERM to each node (geth writes its state and exits), SIGKILL after a grace period; then its signer. */
export async function stopNodes(spec: NetworkSpec, only?: readonly string[]): Promise<StoppedNode[]> {
  return Promise.all(
    selected(spec, only).map(async (node) => {
      const stopped = await stopGeth(node);
      await stopSigner(node);
      return stopped;
    }),
  );
}

async function stopGeth(node: NetworkNode): Promise<StoppedNode> {
  const pid = await runningPid(node);
  if (!pid) {
    await rm(pidFile(node), { force: true });
    return { name: node.name, pid: undefined, how: "not running" };
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline && (await runningPid(node))) await sleep(200);
  let how: StoppedNode["how"] = "SIGTERM";
  if (await runningPid(node)) {
    process.kill(pid, "SIGKILL");
    how = "SIGKILL";
    while (await runningPid(node)) await sleep(100);
  }
  await rm(pidFile(node), { force: true });
  return { name: node.name, pid, how };
}

function selected(spec: NetworkSpec, only?: readonly string[]): NetworkNode[] {
  if (!only || only.length === 0) return spec.nodes;
  return only.map((name) => {
    const node = spec.nodes.find((n) => n.name === name);
    if (!node) {
      throw new NetworkError(
        "NETWORK_OPTION_INVALID",
        `--node ${name} is not a node of this network (${spec.nodes.map((n) => n.name).join(", ")})`,
      );
    }
    return node;
  });
}

async function waitAnswering(spec: NetworkSpec, node: StartedNode): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const chainId = await rpc<string>(node.rpcUrl, "eth_chainId", []);
      if (Number(chainId) === spec.chainId) return;
      last = `chain id ${Number(chainId)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    const still = spec.nodes.find((n) => n.name === node.name);
    if (still && !(await runningPid(still))) {
      throw new NetworkError("NODE_START_FAILED", `${node.name} exited at start: see ${logFile(still)}`);
    }
    await sleep(250);
  }
  throw new NetworkError("NODE_START_FAILED", `${node.name} did not answer at ${node.rpcUrl} in time (last: ${last})`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What an operator needs to know about the node an agent writes through: is it advancing, is it connected to the rest
// of the consortium, is it caught up, and (on a proof-of-authority network) is its validator sealing. Every engine
// answers the standard methods (head, eth_syncing); peers, mining and Clique signers are asked too, and a method the
// engine does not serve (anvil has no peers or Clique) reads as "not applicable" (null), never as a failure.
import type { ChainClient } from "./client.ts";

export interface NodeHealth {
  headBlock: number;
  /** Seconds since the head block's timestamp (a stalled chain grows this). */
  headAgeSeconds: number;
  /** Connected peers; null when the node does not serve net_peerCount. */
  peers: number | null;
  /** Blocks the node still has to import to reach the best head its peers announced (0 when in sync). */
  syncLagBlocks: number;
  /** Whether the node's own validator is among the signers and sealing; null when the engine has no Clique signers. */
  sealing: boolean | null;
}

/** When the node's health is judged bad: limits an operator configures per network (absent: not checked). */
export interface NodeHealthLimits {
  /** Longest acceptable gap since the head block: a few block periods on a PoA network. */
  maxHeadAgeSeconds?: number;
  /** Fewest peers a node of the consortium should have. */
  minPeers?: number;
  /** The node's validator must be sealing. */
  expectSealing?: boolean;
}

const hexNumber = (value: unknown): number => (typeof value === "string" ? Number.parseInt(value, 16) : Number.NaN);

/** Asks one method, reading "method not found" and other refusals as null. */
async function optional<T>(chain: ChainClient, method: string): Promise<T | null> {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: methods outside viem's typed schema (net_, clique_, eth_mining).
    return (await chain.request({ method: method as any, params: [] as any })) as T;
  } catch {
    return null;
  }
}

export async function probeNode(chain: ChainClient, now = Date.now()): Promise<NodeHealth> {
  const [head, syncing, peerCount, mining, coinbase, signers] = await Promise.all([
    chain.getBlock({ blockTag: "latest" }),
    optional<false | { highestBlock: string }>(chain, "eth_syncing"),
    optional<string>(chain, "net_peerCount"),
    optional<boolean>(chain, "eth_mining"),
    optional<string>(chain, "eth_coinbase"),
    optional<string[]>(chain, "clique_getSigners"),
  ]);
  const headBlock = Number(head.number);
  const syncLagBlocks =
    syncing && typeof syncing === "object" && "highestBlock" in syncing
      ? Math.max(0, hexNumber(syncing.highestBlock) - headBlock || 0)
      : 0;
  const peers = peerCount === null ? null : hexNumber(peerCount);
  const sealing =
    signers === null || coinbase === null
      ? null
      : mining === true && signers.some((s) => s.toLowerCase() === coinbase.toLowerCase());
  return {
    headBlock,
    headAgeSeconds: Math.max(0, Math.round(now / 1000 - Number(head.timestamp))),
    peers: Number.isNaN(peers) ? null : peers,
    syncLagBlocks,
    sealing,
  };
}

/** The limits `health` breaks, as sentences for the agent's log; empty when healthy. */
export function nodeProblems(health: NodeHealth, limits: NodeHealthLimits): string[] {
  const problems: string[] = [];
  if (limits.maxHeadAgeSeconds !== undefined && health.headAgeSeconds > limits.maxHeadAgeSeconds)
    problems.push(
      `head block ${health.headBlock} is ${health.headAgeSeconds} s old (limit ${limits.maxHeadAgeSeconds} s)`,
    );
  if (limits.minPeers !== undefined && (health.peers ?? 0) < limits.minPeers)
    problems.push(`${health.peers ?? 0} peers (at least ${limits.minPeers} expected)`);
  if (limits.expectSealing && health.sealing !== true) problems.push("the node's validator is not sealing");
  if (health.syncLagBlocks > 0) problems.push(`syncing: ${health.syncLagBlocks} blocks behind its peers`);
  return problems;
}

/** Probes at most once per `ttlMs` however many scrapes and health checks ask (they arrive together). */
export class NodeHealthProbe {
  readonly #chain: ChainClient;
  readonly #ttlMs: number;
  #last: { at: number; value: Promise<NodeHealth> } | undefined;

  constructor(chain: ChainClient, ttlMs = 2000) {
    this.#chain = chain;
    this.#ttlMs = ttlMs;
  }

  read(): Promise<NodeHealth> {
    const now = Date.now();
    if (!this.#last || now - this.#last.at >= this.#ttlMs) {
      const value = probeNode(this.#chain, now);
      this.#last = { at: now, value };
      // A failed probe is not cached: the next caller asks again.
      value.catch(() => {
        if (this.#last?.value === value) this.#last = undefined;
      });
    }
    return this.#last.value;
  }
}

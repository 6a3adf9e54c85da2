// Measurements of a roaming run shared by the benchmarks, all from outside the agents (they may run in their own
// processes): sessions through the agents' API, and what the run put on chain (calldata and log bytes, gas, the
// functions called per block) from the devnet's blocks and receipts.
import { type AbiFunction, type Address, type Hex, toFunctionSelector } from "viem";
import type { ChainClient } from "../src/core/chain/client.ts";
import { RoamingExchange } from "../src/generated/contracts.ts";
import type { SessionState, SessionView } from "../src/roaming/visited/index.ts";
import type { TestAgentEndpoint } from "./consortium.ts";

export interface OnChainCost {
  transactions: number;
  gas: bigint;
  calldataBytes: number;
  logBytes: number;
}

/** Gas and bytes of every transaction to `contracts` in blocks [from, to]. */
export async function onChainCost(
  chain: ChainClient,
  contracts: Address[],
  from: bigint,
  to: bigint,
): Promise<OnChainCost> {
  const targets = new Set(contracts.map((a) => a.toLowerCase()));
  const cost: OnChainCost = { transactions: 0, gas: 0n, calldataBytes: 0, logBytes: 0 };
  for (let b = from; b <= to; b++) {
    const block = await chain.getBlock({ blockNumber: b, includeTransactions: true });
    for (const tx of block.transactions) {
      if (!tx.to || !targets.has(tx.to.toLowerCase())) continue;
      const receipt = await chain.getTransactionReceipt({ hash: tx.hash as Hex });
      cost.transactions++;
      cost.gas += receipt.gasUsed;
      cost.calldataBytes += (tx.input.length - 2) / 2;
      for (const log of receipt.logs) cost.logBytes += (log.data.length - 2) / 2 + 32 * log.topics.length;
    }
  }
  return cost;
}

/** Sessions a visited agent started at or after `since` (ISO time), read page by page from its API, newest first. */
export async function sessionsSince(
  agent: TestAgentEndpoint,
  since: string,
  state?: SessionState,
): Promise<SessionView[]> {
  const from = Date.parse(since);
  const found: SessionView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "100", ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) });
    const page = await expectPage(agent, `/v1/roaming/sessions?${query}`);
    for (const s of page.items) {
      if (Date.parse(s.times.attachedAt) < from) return found;
      found.push(s);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** Sessions still waiting for the home operator (queued or requested), over all of these visited agents. */
export async function openRequests(agents: readonly TestAgentEndpoint[]): Promise<number> {
  let open = 0;
  for (const agent of agents) {
    const r = await agent.call<Record<string, number>>("GET", "/v1/roaming/sessions/stats");
    if (r.status !== 200) throw new Error(`GET /v1/roaming/sessions/stats: ${r.status} ${JSON.stringify(r.body)}`);
    open += (r.body.queued ?? 0) + (r.body.requested ?? 0);
  }
  return open;
}

/**
 * Waits until every session these visited agents started since `since` is decided and, when active, has its
 * activation record mined. A full page scan finds the unrecorded ones; while few remain, each is asked for alone
 * so the poll does not load the agents it measures.
 */
export async function waitAllRecorded(agents: readonly TestAgentEndpoint[], since: string, deadline: number) {
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 100));
  const check = () => {
    if (performance.now() > deadline) throw new Error("roaming sessions still open at the deadline");
  };
  while ((await openRequests(agents)) > 0) {
    check();
    await sleep();
  }
  const scan = async () =>
    (
      await Promise.all(
        agents.map(async (agent) =>
          (await sessionsSince(agent, since, "active")).filter((s) => !s.closingTx).map((s) => ({ agent, s })),
        ),
      )
    ).flat();
  let unrecorded = await scan();
  while (unrecorded.length > 0) {
    check();
    await sleep();
    if (unrecorded.length > 200) {
      unrecorded = await scan();
      continue;
    }
    const again = await Promise.all(
      unrecorded.map(async ({ agent, s }) => {
        const r = await agent.call<SessionView>("GET", `/v1/roaming/sessions/${s.requestId}`);
        if (r.status !== 200) throw new Error(`GET session ${s.requestId}: ${r.status} ${JSON.stringify(r.body)}`);
        return { agent, s: r.body };
      }),
    );
    unrecorded = again.filter(({ s }) => !s.closingTx);
  }
}

async function expectPage(agent: TestAgentEndpoint, path: string) {
  const r = await agent.call<{ items: SessionView[]; nextCursor: string | null }>("GET", path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** One block of a run: when it came, its gas, and how many calls of each RoamingExchange function it carried. */
export interface BlockActivity {
  number: number;
  /** Block timestamp relative to the run's start (wall clock), in seconds; blocks have one-second timestamps. */
  secondsSinceStart: number;
  gasUsed: number;
  transactions: number;
  /** Calls per function name; transactions to other contracts or with unknown selectors count as "other". */
  calls: Record<string, number>;
}

const EXCHANGE_FUNCTIONS = new Map(
  RoamingExchange.abi
    .filter(
      (item): item is Extract<(typeof RoamingExchange.abi)[number], { type: "function" }> => item.type === "function",
    )
    .map((fn) => [toFunctionSelector(fn as AbiFunction), fn.name] as const),
);

/** Blocks [from, to] with the RoamingExchange function each of their transactions called. */
export async function blockActivity(
  chain: ChainClient,
  exchange: Address,
  from: bigint,
  to: bigint,
  startedAtMs: number,
): Promise<BlockActivity[]> {
  const blocks: BlockActivity[] = [];
  for (let b = from; b <= to; b++) {
    const block = await chain.getBlock({ blockNumber: b, includeTransactions: true });
    const calls: Record<string, number> = {};
    for (const tx of block.transactions) {
      const name =
        tx.to?.toLowerCase() === exchange.toLowerCase()
          ? (EXCHANGE_FUNCTIONS.get(tx.input.slice(0, 10) as Hex) ?? "other")
          : "other";
      calls[name] = (calls[name] ?? 0) + 1;
    }
    blocks.push({
      number: Number(block.number),
      secondsSinceStart: (Number(block.timestamp) * 1000 - startedAtMs) / 1000,
      gasUsed: Number(block.gasUsed),
      transactions: block.transactions.length,
      calls,
    });
  }
  return blocks;
}

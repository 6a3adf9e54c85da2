// Sustained roaming authentications per second: one visited/home pair, and three operators authenticating onto each
// other at once, through the agents' APIs (batch attach every 100 ms, as a VLR front end aggregating an airport's
// attaches would), on a devnet with interval mining. An authentication counts when the visited side has activated
// the services and its activation record is mined; the rate is those completed authentications over the window from
// the first attach to the last activation mined (both as the visited agents recorded them), so every counted item's
// whole time is inside the window. Also: on-chain bytes and gas per authentication.
// Each operator's agent runs in its own process, as deployed; "in-process" (or TELCO_BENCH_IN_PROCESS=1) runs them
// inside the benchmark process, the shape measured before, for comparison. Everything is read from outside the
// agents: their API and the devnet's RPC. The JSON result also holds a per-block table (gas, calls per function);
// TIMELINE=1 prints it too.
//   npm run bench -- roaming-throughput [offeredPerSecond=1000] [seconds=5] [blockSeconds=1] [processes|in-process]

import { table } from "../src/cli/output.ts";
import { createChain } from "../src/core/chain/client.ts";
import {
  benchAgentMode,
  expectOk,
  imsiOf,
  NETWORKS,
  type OperatorName,
  startRoamingConsortium,
} from "../testkit/roaming.ts";
import {
  type BlockActivity,
  blockActivity,
  onChainCost,
  sessionsSince,
  waitAllRecorded,
} from "../testkit/roamingMeasure.ts";
import { type BenchResult, type BenchTable, round, summarize } from "./lib/report.ts";

const PAIRS: Record<string, Array<[OperatorName, OperatorName]>> = {
  "one pair (north -> south)": [["north", "south"]],
  "three operators (6 directions)": [
    ["north", "south"],
    ["north", "east"],
    ["south", "north"],
    ["south", "east"],
    ["east", "north"],
    ["east", "south"],
  ],
};

type Row = Record<string, string | number>;

export async function run(args: string[]): Promise<BenchResult & { blocks: BenchTable }> {
  const rate = Number(args[0] ?? 1000);
  const seconds = Number(args[1] ?? 5);
  const blockSeconds = Number(args[2] ?? 1);
  const mode = benchAgentMode(args[3]);
  // Set before the agents start: agent processes inherit the benchmark's environment.
  process.env.TELCO_ROAMING_REQUEST_TTL ??= "600";
  process.env.TELCO_ROAMING_BATCH_SIZE ??= "1000";
  process.env.TELCO_ROAMING_BATCH_DELAY_MS ??= "250";
  const total = rate * seconds;
  const c = await startRoamingConsortium({
    blockTimeSeconds: blockSeconds,
    subscribers: total,
    agentProcesses: mode === "processes",
  });
  const rows: Row[] = [];
  const costRows: Row[] = [];
  const blockRows: Array<{ scenario: string; block: BlockActivity }> = [];
  try {
    const chain = await createChain({ rpcUrl: c.devnet.rpcUrl, chainId: c.devnet.chainId });
    let offset = 0;
    for (const [label, pairs] of Object.entries(PAIRS)) {
      const fromBlock = (await chain.getBlockNumber()) + 1n;
      const visitors = [...new Set(pairs.map(([v]) => v))].map((v) => c.op[v]);
      const perTick = Math.max(1, Math.round(rate / 10 / pairs.length));
      const ticks = seconds * 10;
      const startedAtMs = Date.now();
      // Attaches are sent after this instant, and the agents stamp them with the same machine clock.
      const since = new Date(startedAtMs).toISOString();
      const started = performance.now();
      const sends: Array<Promise<unknown>> = [];
      for (let t = 0; t < ticks; t++) {
        for (const [visited, home] of pairs) {
          const items = Array.from({ length: perTick }, (_, j) => ({
            imsi: imsiOf(NETWORKS[home], 1 + ((offset + t * perTick + j) % total)),
          }));
          sends.push(expectOk(c.op[visited].call("POST", "/v1/roaming/attach/batch", { items }), 202));
        }
        const next = started + (t + 1) * 100;
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
      await Promise.all(sends);
      const offered = perTick * ticks * pairs.length;
      // Done when no session is open and every activation is mined.
      await waitAllRecorded(visitors, since, started + 600_000);
      const done = performance.now();
      let completed = 0;
      let notActive = 0;
      let firstAttach = Number.POSITIVE_INFINITY;
      let lastMined = Number.NEGATIVE_INFINITY;
      const latency: number[] = [];
      const sessions = (await Promise.all(visitors.map((visitor) => sessionsSince(visitor, since)))).flat();
      for (const s of sessions) {
        const attached = Date.parse(s.times.attachedAt);
        firstAttach = Math.min(firstAttach, attached);
        if (s.state !== "active" || !s.times.closingMinedAt) {
          notActive++;
          continue;
        }
        const mined = Date.parse(s.times.closingMinedAt);
        completed++;
        lastMined = Math.max(lastMined, mined);
        latency.push(mined - attached);
      }
      if (sessions.length !== offered)
        throw new Error(`${label}: ${sessions.length} sessions found, ${offered} offered`);
      const window = (lastMined - firstAttach) / 1000;
      const l = summarize(latency);
      const toBlock = await chain.getBlockNumber();
      rows.push({
        scenario: label,
        mode,
        "offered /s": rate,
        authentications: offered,
        "not active": notActive,
        completed,
        "window s": round(window, 2),
        "completed auth/s": round(completed / window, 0),
        "all recorded s": round((done - started) / 1000, 2),
        "attach -> mined p50 s": round(l.p50 / 1000, 2),
        "attach -> mined p99 s": round(l.p99 / 1000, 2),
      });
      const cost = await onChainCost(chain, [c.exchange], fromBlock, toBlock);
      costRows.push({
        scenario: label,
        mode,
        transactions: cost.transactions,
        "gas / auth": round(Number(cost.gas) / offered, 0),
        "calldata B / auth": round(cost.calldataBytes / offered, 0),
        "log B / auth": round(cost.logBytes / offered, 0),
        "auths / tx": round(offered / cost.transactions, 1),
      });
      for (const block of await blockActivity(chain, c.exchange, fromBlock, toBlock, startedAtMs)) {
        blockRows.push({ scenario: label, block });
      }
      offset += offered;
    }
  } finally {
    await c.stop();
  }
  const blocks = blocksTable(blockRows, mode);
  if (process.env.TIMELINE === "1") console.log(`\n## ${blocks.title}\n\n${table(blocks.rows)}`);
  return {
    name: "roaming-throughput",
    tables: [
      {
        title:
          `Sustained roaming authentications (offered ${rate}/s for ${seconds} s, devnet ${blockSeconds} s blocks, ` +
          `batches of up to ${process.env.TELCO_ROAMING_BATCH_SIZE}, agents: ${mode})`,
        rows,
        note:
          "completed auth/s = authentications active with their activation record mined, divided by the window from " +
          "the first attach to the last activation mined (visited agents' clocks); an item counts only with its " +
          "whole time inside the window, so the rate cannot exceed the offered rate. Target: >= 1000/s. " +
          "mode = processes: each operator's agent is its own process (as deployed); in-process: all agents share " +
          "the benchmark's thread. The seed: 5 to 15 minutes per roaming authentication today.",
      },
      { title: "On-chain cost per authentication (request + answer + activation)", rows: costRows },
    ],
    // Kept out of `tables` so the harness does not print a row per block.
    blocks,
  };
}

/** One row per block, one column per RoamingExchange function seen in the run (0 where a block had none). */
function blocksTable(blockRows: Array<{ scenario: string; block: BlockActivity }>, mode: string): BenchTable {
  const functions = [...new Set(blockRows.flatMap(({ block }) => Object.keys(block.calls)))].sort();
  return {
    title: "blocks",
    rows: blockRows.map(({ scenario, block }) => ({
      scenario,
      mode,
      block: block.number,
      "s since start": round(block.secondsSinceStart, 1),
      gasUsed: block.gasUsed,
      txs: block.transactions,
      ...Object.fromEntries(functions.map((f) => [f, block.calls[f] ?? 0])),
    })),
    note: "Per block of each scenario: time since the scenario started (block timestamps have 1 s resolution), gas, and transactions per RoamingExchange function (other: any other target).",
  };
}

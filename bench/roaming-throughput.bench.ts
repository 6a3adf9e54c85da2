// Sustained roaming authentications per second: one visited/home pair, and three operators authenticating onto each
// other at once, through the agents' APIs (batch attach every 100 ms, as a VLR front end aggregating an airport's
// attaches would),
// on a devnet with interval mining. An authentication counts when the visited side has activated the services and
// its activation record is mined. Also: on-chain bytes and gas per authentication.
//   npm run bench -- roaming-throughput [offeredPerSecond=1000] [seconds=5] [blockSeconds=1]
import type { Address } from "viem";
import { readManifest } from "../src/core/chain/manifest.ts";
import { expectOk, imsiOf, NETWORKS, type OperatorName, startRoamingConsortium } from "../test/roaming/fixture.ts";
import { onChainCost } from "../test/roaming/measure.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

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

export async function run(args: string[]): Promise<BenchResult> {
  const rate = Number(args[0] ?? 1000);
  const seconds = Number(args[1] ?? 5);
  const blockSeconds = Number(args[2] ?? 1);
  process.env.TELCO_ROAMING_REQUEST_TTL ??= "600";
  process.env.TELCO_ROAMING_BATCH_SIZE ??= "1000";
  process.env.TELCO_ROAMING_BATCH_DELAY_MS ??= "250";
  const total = rate * seconds;
  const c = await startRoamingConsortium({ blockTimeSeconds: blockSeconds, subscribers: total });
  const rows: Array<Record<string, string | number>> = [];
  const costRows: Array<Record<string, string | number>> = [];
  try {
    const manifest = await readManifest(c.manifestPath);
    const exchange = manifest.contracts.RoamingExchange!.address as Address;
    let offset = 0;
    for (const [label, pairs] of Object.entries(PAIRS)) {
      const chain = c.op.north.agent.chain;
      const fromBlock = (await chain.getBlockNumber()) + 1n;
      const visitors = [...new Set(pairs.map(([v]) => v))];
      const perTick = Math.max(1, Math.round(rate / 10 / pairs.length));
      const ticks = seconds * 10;
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
      const open = async () => {
        let n = 0;
        for (const v of visitors) {
          const row = await c.op[v].agent.store.one<{ n: number }>(
            "SELECT COUNT(*) AS n FROM roaming_sessions WHERE state IN ('queued', 'requested') OR (state = 'active' AND closing_tx IS NULL)",
          );
          n += Number(row?.n ?? 0);
        }
        return n;
      };
      while ((await open()) > 0) {
        if (performance.now() - started > 600_000) throw new Error("sessions still open after 10 minutes");
        await new Promise((r) => setTimeout(r, 100));
      }
      const done = performance.now();
      const decided: number[] = [];
      const latency: number[] = [];
      let notActive = 0;
      for (const v of visitors) {
        const sessions = await c.op[v].agent.store.query<{ state: string; attached_at: string; activated_at: string }>(
          "SELECT state, attached_at, activated_at FROM roaming_sessions WHERE attached_at >= $1",
          [new Date(Date.now() - (done - started) - 1000).toISOString()],
        );
        for (const s of sessions) {
          if (s.state !== "active") notActive++;
          else {
            decided.push(Date.parse(s.activated_at));
            latency.push(Date.parse(s.activated_at) - Date.parse(s.attached_at));
          }
        }
      }
      decided.sort((a, b) => a - b);
      const window = ((decided.at(-1) ?? 0) - (decided[0] ?? 0)) / 1000;
      const l = summarize(latency);
      const toBlock = await chain.getBlockNumber();
      rows.push({
        scenario: label,
        "offered /s": rate,
        authentications: offered,
        "not active": notActive,
        "sustained auth/s": round((decided.length - 1) / Math.max(window, 0.001), 0),
        "all recorded s": round((done - started) / 1000, 2),
        "latency p50 s": round(l.p50 / 1000, 2),
        "latency p99 s": round(l.p99 / 1000, 2),
      });
      const cost = await onChainCost(chain, [exchange], fromBlock, toBlock);
      costRows.push({
        scenario: label,
        transactions: cost.transactions,
        "gas / auth": round(Number(cost.gas) / offered, 0),
        "calldata B / auth": round(cost.calldataBytes / offered, 0),
        "log B / auth": round(cost.logBytes / offered, 0),
        "auths / tx": round(offered / cost.transactions, 1),
      });
      offset += offered;
    }
  } finally {
    await c.stop();
  }
  return {
    name: "roaming-throughput",
    tables: [
      {
        title: `Sustained roaming authentications (offered ${rate}/s for ${seconds} s, devnet ${blockSeconds} s blocks, batches of up to ${process.env.TELCO_ROAMING_BATCH_SIZE})`,
        rows,
        note:
          "sustained = activations per second between the first and the last activation. Target: >= 1000/s. " +
          "The seed: 5 to 15 minutes per roaming authentication today.",
      },
      { title: "On-chain cost per authentication (request + answer + activation)", rows: costRows },
    ],
  };
}

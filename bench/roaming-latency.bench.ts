// End-to-end roaming authentication latency, attach -> services active (and -> activation mined), through the
// agents' APIs, with the devnet's block interval at 1 s and at 2 s. Attaches arrive one by one at a steady rate
// from every visited operator to every other home operator, as devices landing would. Each operator's agent runs in
// its own process, as deployed; "in-process" (or TELCO_BENCH_IN_PROCESS=1) runs them inside the benchmark process.
//   npm run bench -- roaming-latency [attaches=60] [ratePerSecond=10] [blockSeconds=1,2] [processes|in-process]

import { eventually } from "../testkit/eventually.ts";
import {
  benchAgentMode,
  expectOk,
  imsiOf,
  NETWORKS,
  type OperatorName,
  startRoamingConsortium,
} from "../testkit/roaming.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

interface Session {
  requestId: string;
  state: string;
  times: { attachedAt: string; decidedAt: string | null; closingMinedAt: string | null };
}

export async function run(args: string[]): Promise<BenchResult> {
  const attaches = Number(args[0] ?? 60);
  const rate = Number(args[1] ?? 10);
  const intervals = (args[2] ?? "1,2").split(",").map(Number);
  const mode = benchAgentMode(args[3]);
  process.env.TELCO_ROAMING_REQUEST_TTL ??= "120";
  const rows: Array<Record<string, string | number>> = [];
  const names = Object.keys(NETWORKS) as OperatorName[];
  const pairs = names.flatMap((v) => names.filter((h) => h !== v).map((h) => [v, h] as const));
  for (const blockSeconds of intervals) {
    const c = await startRoamingConsortium({
      blockTimeSeconds: blockSeconds,
      subscribers: attaches,
      agentProcesses: mode === "processes",
    });
    try {
      const active: number[] = [];
      const recorded: number[] = [];
      const clientMs: number[] = [];
      const sessions: Array<Promise<void>> = [];
      for (let i = 0; i < attaches; i++) {
        const [visited, home] = pairs[i % pairs.length] as readonly [OperatorName, OperatorName];
        sessions.push(
          (async () => {
            const t0 = performance.now();
            const s = await expectOk<Session>(
              c.op[visited].call("POST", "/v1/roaming/attach", { imsi: imsiOf(NETWORKS[home], 1 + i), waitMs: 30_000 }),
              201,
            );
            clientMs.push(performance.now() - t0);
            if (s.state !== "active") throw new Error(`session ${s.requestId} ended ${s.state}`);
            active.push(Date.parse(s.times.decidedAt as string) - Date.parse(s.times.attachedAt));
            const closed = await eventuallyClosed(c.op[visited].call.bind(c.op[visited]), s.requestId);
            recorded.push(Date.parse(closed.times.closingMinedAt as string) - Date.parse(s.times.attachedAt));
          })(),
        );
        await new Promise((r) => setTimeout(r, 1000 / rate));
      }
      await Promise.all(sessions);
      const a = summarize(active);
      const r = summarize(recorded);
      const w = summarize(clientMs);
      rows.push({
        "block interval s": blockSeconds,
        mode,
        attaches,
        "rate /s": rate,
        "active p50 s": round(a.p50 / 1000, 2),
        "active p99 s": round(a.p99 / 1000, 2),
        "API round trip p99 s": round(w.p99 / 1000, 2),
        "activation mined p50 s": round(r.p50 / 1000, 2),
        "activation mined p99 s": round(r.p99 / 1000, 2),
      });
    } finally {
      await c.stop();
    }
  }
  return {
    name: "roaming-latency",
    tables: [
      {
        title: `Roaming authentication latency, attach -> services active (end to end through the agents' APIs, agents: ${mode})`,
        rows,
        note:
          "Target: p99 < 3 s at 1-second blocks. The seed: 5 to 15 minutes today. 'activation mined' adds the " +
          "visited operator's activation record reaching the ledger.",
      },
    ],
  };
}

/** The session once its activation record is mined (no deadline of its own: the run's size sets how long). */
function eventuallyClosed(
  call: (method: string, path: string) => Promise<{ status: number; body: unknown }>,
  id: string,
): Promise<Session> {
  return eventually(
    async () => {
      const s = (await call("GET", `/v1/roaming/sessions/${id}`)).body as Session;
      if (!s.times.closingMinedAt) throw new Error(`session ${id}: activation not mined yet`);
      return s;
    },
    Number.POSITIVE_INFINITY,
    100,
  );
}

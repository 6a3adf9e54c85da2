// A report made by one operator answered by every other agent: three mobile operators' agents on a real devnet (one
// block per transaction, agents inside this process, sharing its thread), all with the same consortium key.
// (1) `singles` reports of one IMEI each by north: time until north's API acknowledged it (mined, in north's read
// model) and until south's and east's APIs answer "blocked", polled every 10 ms from the moment the report was sent.
// (2) One bulk report of `bulk` keyed hashes by south (split into transactions of 20,000): time until south
// acknowledged all, and until north's and east's APIs answer "blocked" for the last device of the last transaction.
// Args: [singles=20] [bulk=100000].
import { randomBytes } from "node:crypto";
import { luhnCheckDigit } from "../src/registries/imei.ts";
import { startTestConsortium, type TestAgent } from "../testkit/consortium.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const POLL_MS = 10;

async function ok<T>(p: Promise<{ status: number; body: unknown }>, status = 200): Promise<T> {
  const r = await p;
  if (r.status !== status) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as T;
}

async function untilBlocked(agent: TestAgent, path: string, since: number, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    const r = await ok<{ blocked: boolean }>(agent.call("GET", path));
    const elapsed = performance.now() - since;
    if (r.blocked) return elapsed;
    if (elapsed > timeoutMs) throw new Error(`${path} not blocked after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const singles = Number(args[0] ?? 20);
  const bulk = Number(args[1] ?? 100_000);
  const c = await startTestConsortium(["north", "south", "east"].map((name) => ({ name, roles: ["MOBILE_OPERATOR"] })));
  try {
    const [north, south, east] = ["north", "south", "east"].map((n) => c.agents[n] as TestAgent) as [
      TestAgent,
      TestAgent,
      TestAgent,
    ];
    const key = `0x${randomBytes(32).toString("hex")}`;
    for (const agent of [north, south, east]) await ok(agent.call("PUT", "/v1/registries/key", { key }));

    const ack: number[] = [];
    const seenSouth: number[] = [];
    const seenEast: number[] = [];
    for (let i = 0; i < singles; i++) {
      const digits = `35${String(Date.now() % 1e6).padStart(6, "0")}${String(i).padStart(6, "0")}`;
      const imei = `${digits}${luhnCheckDigit(digits)}`;
      const sent = performance.now();
      const reported = ok(
        north.call("POST", "/v1/registries/devices/reports", { status: "stolen", reason: 1, imeis: [imei] }),
        201,
      ).then(() => ack.push(performance.now() - sent));
      const path = `/v1/registries/devices/imei/${imei}`;
      const [s, e] = await Promise.all([untilBlocked(south, path, sent), untilBlocked(east, path, sent), reported]);
      seenSouth.push(s);
      seenEast.push(e);
    }

    const devices = Array.from({ length: bulk }, () => `0x${randomBytes(32).toString("hex")}`);
    const bulkSent = performance.now();
    const result = await ok<{ reports: Array<{ count: number }> }>(
      south.call("POST", "/v1/registries/devices/reports", { status: "fraudulent", reason: 9, devices }),
      201,
    );
    const bulkAck = performance.now() - bulkSent;
    const last = `/v1/registries/devices/hash/${devices.at(-1)}`;
    const [bulkNorth, bulkEast] = await Promise.all([
      untilBlocked(north, last, bulkSent, 120_000),
      untilBlocked(east, last, bulkSent, 120_000),
    ]);
    const first = `/v1/registries/devices/hash/${devices[0]}`;
    await untilBlocked(north, first, bulkSent);

    const stats = (name: string, samples: number[]) => {
      const s = summarize(samples);
      return {
        measure: name,
        n: s.n,
        "p50 ms": round(s.p50, 0),
        "p99 ms": round(s.p99, 0),
        "max ms": round(Math.max(...samples), 0),
      };
    };
    return {
      name: "registries-propagation",
      tables: [
        {
          title: "A single-device report: from sending it to each agent's answer",
          rows: [
            stats("reporter's API acknowledged (mined, indexed)", ack),
            stats("south answers blocked", seenSouth),
            stats("east answers blocked", seenEast),
          ],
          note: "Target (issue 22): a report made by one operator answered by every other agent within 3 s.",
        },
        {
          title: "A bulk report",
          rows: [
            {
              devices: bulk,
              transactions: result.reports.length,
              "acknowledged s": round(bulkAck / 1000, 2),
              "north answers blocked s": round(bulkNorth / 1000, 2),
              "east answers blocked s": round(bulkEast / 1000, 2),
            },
          ],
          note: "Target (issue 22): bulk reports of 100,000 in a few transactions. Three agents, anvil and the load share this machine.",
        },
      ],
    };
  } finally {
    await c.stop();
  }
}

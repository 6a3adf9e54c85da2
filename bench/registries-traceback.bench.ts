// Traceback answers per second on the devnet, through real agents: North Mobile opens `total` traces, each asking
// Beta Networks about a different call. (1) Beta answers them by hand: every answer posted to Beta's API at once
// ("originated here"), timed until all are mined. (2) Beta answers by itself from its call log: `total` more traces
// are opened first, then Beta's CDRs for those calls are recorded in one request, and the time is taken until North's
// read model shows every trace completed (Beta's agent sends up to 100 answers at once, as its responder does).
// Usage: npm run bench -- registries-traceback [total=100]
import { randomBytes, randomUUID } from "node:crypto";
import { startTestConsortium, type TestAgent } from "../testkit/consortium.ts";
import { type BenchResult, round } from "./lib/report.ts";

interface Opened {
  trace: { traceId: string; state: string };
}

async function ok<T>(r: Promise<{ status: number; body: unknown }>, status = 200): Promise<T> {
  const { status: got, body } = await r;
  if (got !== status) throw new Error(`HTTP ${got}: ${JSON.stringify(body)}`);
  return body as T;
}

export async function run(args: string[]): Promise<BenchResult> {
  const total = Number(args[0] ?? 100);
  const consortium = await startTestConsortium([
    { name: "north", roles: ["MOBILE_OPERATOR"] },
    { name: "beta", roles: ["TNSP"] },
  ]);
  try {
    const north = consortium.agents.north as TestAgent;
    const beta = consortium.agents.beta as TestAgent;
    const key = `0x${randomBytes(32).toString("hex")}`;
    for (const agent of [north, beta]) await ok(agent.call("PUT", "/v1/registries/key", { key }));
    const betaMember = beta.agent.config.memberAccount;
    const calls = () =>
      Array.from({ length: total }, (_, i) => ({
        origid: randomUUID(),
        orig: String(12025550000 + i),
        dest: "13125550100",
        iat: Math.floor(Date.now() / 1000),
      }));
    const openAll = (batch: ReturnType<typeof calls>) =>
      Promise.all(
        batch.map((call) =>
          ok<Opened>(north.call("POST", "/v1/registries/traces", { call, firstHop: betaMember }), 201),
        ),
      );
    const completedOnNorth = async (ids: string[]) => {
      for (;;) {
        await north.agent.indexer.syncOnce();
        const states = await Promise.all(
          ids.map(async (id) => (await ok<{ state: string }>(north.call("GET", `/v1/registries/traces/${id}`))).state),
        );
        if (states.every((s) => s === "completed")) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    // (1) By hand: every answer posted at once.
    const byHand = (await openAll(calls())).map((o) => o.trace.traceId);
    await beta.agent.indexer.syncOnce();
    const t0 = performance.now();
    await Promise.all(
      byHand.map((id) =>
        ok(
          beta.call("POST", `/v1/registries/traces/${id}/answer`, { upstream: null, evidence: `0x${"11".repeat(32)}` }),
        ),
      ),
    );
    const handMs = performance.now() - t0;
    await completedOnNorth(byHand);

    // (2) By itself: the traces wait on Beta until its CDRs arrive in its call log.
    const logged = calls();
    const automatic = (await openAll(logged)).map((o) => o.trace.traceId);
    await beta.agent.indexer.syncOnce();
    const t1 = performance.now();
    await ok(beta.call("POST", "/v1/registries/calls", { calls: logged.map((call) => ({ call, upstream: null })) }));
    await completedOnNorth(automatic);
    const autoMs = performance.now() - t1;

    const row = (how: string, ms: number) => ({
      answers: how,
      traces: total,
      "wall s": round(ms / 1000, 2),
      "answers/s": round(total / (ms / 1000), 1),
    });
    return {
      name: "registries-traceback",
      tables: [
        {
          title: "Traceback answers by one carrier's agent (Traceback.answer, each its own transaction)",
          rows: [
            row("by hand: all posted at once to the carrier's API, until mined", handMs),
            row(
              "by itself from its call log: from the CDRs' arrival until every trace completed on the requester",
              autoMs,
            ),
          ],
          note:
            "Anvil with a block per transaction, on the shared 2-core machine (a lower bound). The automatic row " +
            "includes the requester's agent seeing every completion (polled every 50 ms).",
        },
      ],
    };
  } finally {
    await consortium.stop();
  }
}

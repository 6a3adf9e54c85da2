// DID resolution from a member agent: resolutions per second and latency, from the agent's cache and afresh from
// the ERC-1056 registry (noCache), over HTTP (what a member's systems see) and in-process (the resolver alone).
import { startTestConsortium } from "../testkit/consortium.ts";
import { runLoad } from "./lib/load.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

export async function run(args: string[]): Promise<BenchResult> {
  const dids = Number(args[0] ?? 20);
  const seconds = Number(args[1] ?? 5);
  const consortium = await startTestConsortium([{ name: "bench", roles: ["TNSP"] }]);
  try {
    const agent = consortium.agents.bench!;
    const hosted: string[] = [];
    for (let i = 0; i < dids; i++) {
      const r = await agent.call<{ did: string }>("POST", "/v1/identity/dids", { label: `bench org ${i}` });
      if (r.status !== 201) throw new Error(`DID creation failed: ${JSON.stringify(r.body)}`);
      hosted.push(r.body.did);
    }
    const headers = { authorization: `Bearer ${agent.adminKey}` };
    const rows = [];
    for (const [mode, suffix] of [
      ["HTTP, cached", ""],
      ["HTTP, noCache (registry read)", "?noCache=true"],
    ] as const) {
      for (const concurrency of [1, 16]) {
        const urls = hosted.map((did) => `${agent.url}/v1/identity/dids/${did}${suffix}`);
        await runLoad({ urls, headers, concurrency, durationMs: 500 });
        const result = await runLoad({ urls, headers, concurrency, durationMs: seconds * 1000 });
        const s = summarize(result.latenciesMs);
        rows.push({
          mode,
          concurrency,
          "resolutions/s": round(result.requests / result.seconds, 0),
          "p50 ms": round(s.p50, 2),
          "p99 ms": round(s.p99, 2),
          errors: result.errors,
        });
      }
    }
    const resolver = agent.agent.resolver;
    for (const [mode, fresh] of [
      ["in-process, cached", false],
      ["in-process, uncached", true],
    ] as const) {
      const latencies: number[] = [];
      const started = performance.now();
      let n = 0;
      while (performance.now() - started < seconds * 1000) {
        const did = hosted[n++ % hosted.length] as string;
        if (fresh) resolver.invalidate(did.split(":").at(-1) as string);
        const t0 = performance.now();
        await resolver.resolve(did);
        latencies.push(performance.now() - t0);
      }
      const s = summarize(latencies);
      rows.push({
        mode,
        concurrency: 1,
        "resolutions/s": round(latencies.length / ((performance.now() - started) / 1000), 0),
        "p50 ms": round(s.p50, 3),
        "p99 ms": round(s.p99, 3),
        errors: 0,
      });
    }
    return {
      name: "did-resolution",
      tables: [
        {
          title: `DID resolution from one agent (${dids} hosted DIDs, ${seconds} s per row, devnet on loopback)`,
          rows,
          note: "cached = the agent's resolver cache (invalidated by registry events); noCache/uncached = a full ethr-did-resolver read of the registry's event history.",
        },
      ],
    };
  } finally {
    await consortium.stop();
  }
}

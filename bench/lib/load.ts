// A closed-loop HTTP load generator in a worker thread (its own event loop, so the agent under test keeps the main
// one): `concurrency` requests in flight for `durationMs`, latencies recorded per request.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

export interface LoadSpec {
  urls: string[];
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: spec });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const lane = async () => {
    while (performance.now() < deadline) {
      const url = spec.urls[next++ % spec.urls.length] as string;
      const t0 = performance.now();
      try {
        const response = await fetch(url, { headers: spec.headers });
        await response.arrayBuffer();
        if (!response.ok) errors++;
      } catch {
        errors++;
      }
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, lane));
  return { requests: latenciesMs.length, errors, seconds: (performance.now() - started) / 1000, latenciesMs };
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(await generate(workerData as LoadSpec));
}

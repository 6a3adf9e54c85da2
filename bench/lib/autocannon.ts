// HTTP load from its own process: autocannon (pinned in package.json) in a child Node process, so the agent under
// test and the load generator never share an event loop or a V8 heap. POST bodies rotate through `bodies`; every
// answer is checked with `expect` (a substring every good answer holds), and the run reports requests that answered
// 2xx and matched, everything else (non-2xx, errors, timeouts, mismatches), and autocannon's latency percentiles.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CannonSpec {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  /** A substring every good answer's body contains. */
  expect: string;
  connections: number;
  seconds: number;
}

export interface CannonResult {
  /** 2xx answers whose body held `expect`. */
  good: number;
  /** Anything else: non-2xx, socket errors, timeouts, a body without `expect`. */
  bad: number;
  seconds: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** The first bad answer's status and body, if any. */
  firstBad?: string;
}

/** Runs autocannon in a child process and returns its figures. */
export async function autocannonLoad(spec: CannonSpec): Promise<CannonResult> {
  const dir = await mkdtemp(join(tmpdir(), "cannon-"));
  try {
    const specFile = join(dir, "spec.json");
    await writeFile(specFile, JSON.stringify(spec));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [fileURLToPath(import.meta.url), specFile],
        { maxBuffer: 16 * 1024 * 1024, timeout: (spec.seconds + 60) * 1000 },
        (error, out, err) =>
          error ? reject(new Error(`autocannon child failed: ${error.message}\n${err}`)) : resolve(out),
      );
    });
    return JSON.parse(stdout) as CannonResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function child(specFile: string): Promise<void> {
  const { readFile } = await import("node:fs/promises");
  const { default: autocannon } = await import("autocannon");
  const spec = JSON.parse(await readFile(specFile, "utf8")) as CannonSpec;
  let next = 0;
  let good = 0;
  let bad = 0;
  let firstBad: string | undefined;
  const result = await autocannon({
    url: spec.url,
    method: "POST",
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          body: spec.bodies[next++ % spec.bodies.length],
        }),
        onResponse: (status: number, body: string) => {
          if (status >= 200 && status < 300 && body.includes(spec.expect)) good++;
          else {
            bad++;
            firstBad ??= `${status} ${body.slice(0, 500)}`;
          }
        },
      },
    ],
  });
  const failures = result.errors + result.timeouts;
  const out: CannonResult = {
    good,
    bad: bad + failures,
    seconds: result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ...(firstBad ? { firstBad } : failures ? { firstBad: `${result.errors} errors, ${result.timeouts} timeouts` } : {}),
  };
  process.stdout.write(JSON.stringify(out));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await child(process.argv[2] as string);

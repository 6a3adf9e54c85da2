// The signed-calls HTTP paths with 1, 2 and 4 agent replicas of the OSP (docs/scaling.md), measured from outside.
// Every member's agent runs as its own process (the real CLI, logging at "info"); the OSP's agent runs on PostgreSQL
// and, once the consortium is set up, is replaced by N replicas of it (same agent.json and keystore, own port and
// replicaId; one leader, the others followers of the shared read model). The load:
//   - "balancer": one autocannon process -> a round-robin TCP balancer in its own process (bench/lib/balancer.ts)
//     -> the N replicas;
//   - "direct": N autocannon processes at once, one per replica, connections split between them; the sum of the good
//     answers is reported, and the worst replica's p50/p99 (percentiles of different runs cannot be merged).
// Measured per N: POST /v1/stir/osp/attestations (verify the Enterprise PASSporT, EIDL checks, sign SHAKEN) and POST
// /stir/v1/verification on 200 SHAKEN PASSporTs attested just before through the replicas; then secsipidx's HTTP
// /v1/check (Debian secsipidx, the OSP's STI public key as a key file) on the same tokens. `openssl speed ecdsap256`
// runs first in the same run. The CPU time of every replica and of the balancer is read from /proc for each window,
// so the CPU per decision and the decisions per core-second are measured, not inferred. The OSP's freshness window is
// 600 s (secsipidx: -expire 600). Args: [seconds=10] [connections=16] [replicas=1,2,4] [mode=both|balancer|direct].
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseIdentityHeader } from "../src/stir/identityHeader.ts";
import { ChildSet, waitHealthy } from "../testkit/agentProcesses.ts";
import { endpoint } from "../testkit/consortium.ts";
import { eventually } from "../testkit/eventually.ts";
import { releasePort, reservePort } from "../testkit/ports.ts";
import { startTestPostgres, type TestPostgres } from "../testkit/postgres.ts";
import {
  CALLED_TN,
  CALLING_TN,
  enterpriseAttestationBodies,
  ok,
  startSignedCallsProcesses,
} from "../testkit/signedCalls.ts";
import { autocannonLoad, type CannonResult } from "./lib/autocannon.ts";
import { type Balancer, startBalancer } from "./lib/balancer.ts";
import type { BenchResult } from "./lib/report.ts";
import { round } from "./lib/report.ts";
import { opensslSpeed } from "./stir-attestation.bench.ts";

const TOKENS = 200;
const IDLE_SECONDS = 5;
const CLK_TCK = 100; // Linux's USER_HZ on every architecture Node runs on

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The whole machine's busy and total CPU seconds so far (/proc/stat). */
function machineSeconds(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] as string;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

interface Window {
  result: CannonResult;
  agentCpu: number;
  balancerCpu: number;
  machineBusyCores: number;
}

/** Runs `load` while measuring the CPU the replicas (and the balancer) spend. */
async function measured(pids: number[], balancerPid: number | undefined, load: () => Promise<CannonResult>) {
  const agents0 = pids.map(cpuSeconds);
  const balancer0 = balancerPid ? cpuSeconds(balancerPid) : 0;
  const machine0 = machineSeconds();
  const result = await load();
  const machine1 = machineSeconds();
  const agentCpu = pids.map(cpuSeconds).reduce((sum, s, i) => sum + s - (agents0[i] as number), 0);
  const balancerCpu = balancerPid ? cpuSeconds(balancerPid) - balancer0 : 0;
  const wall = (machine1.total - machine0.total) / cpus().length;
  return { result, agentCpu, balancerCpu, machineBusyCores: (machine1.busy - machine0.busy) / wall } satisfies Window;
}

/** N autocannon processes at once, one per replica: good answers summed, the worst p50/p99. */
async function direct(urls: string[], path: string, spec: Omit<Parameters<typeof autocannonLoad>[0], "url">) {
  const each = await Promise.all(
    urls.map((url) =>
      autocannonLoad({ ...spec, url: `${url}${path}`, connections: Math.max(1, spec.connections / urls.length) }),
    ),
  );
  const worst = (key: "p50" | "p90" | "p99" | "max") => Math.max(...each.map((r) => r[key]));
  const firstBad = each.find((r) => r.firstBad)?.firstBad;
  return {
    good: each.reduce((s, r) => s + r.good, 0),
    bad: each.reduce((s, r) => s + r.bad, 0),
    seconds: Math.max(...each.map((r) => r.seconds)),
    p50: worst("p50"),
    p90: worst("p90"),
    p99: worst("p99"),
    max: worst("max"),
    ...(firstBad ? { firstBad } : {}),
  } satisfies CannonResult;
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = Number(args[0] ?? 10);
  const connections = Number(args[1] ?? 16);
  const counts = (args[2] ?? "1,2,4").split(",").map(Number);
  const mode = args[3] ?? "both";
  if (!["both", "balancer", "direct"].includes(mode)) throw new Error(`mode must be both, balancer or direct: ${mode}`);
  const cores = cpus().length;
  const loadBefore = loadavg()[0] as number;
  const openssl = opensslSpeed(3);
  const perCore = 1 / (1 / openssl.sign + 1 / openssl.verify);
  const postgres: TestPostgres = await startTestPostgres();
  const dir = await mkdtemp(join(tmpdir(), "stir-replicas-"));
  const replicaSet = new ChildSet();
  const replicas: Array<{ url: string; port: number; child: ChildProcess }> = [];
  const ports: number[] = [];
  let balancer: Balancer | undefined;
  let secsipidx: ChildProcess | undefined;
  const s = await startSignedCallsProcesses({ logLevel: "info", databaseUrls: { osp: postgres.url } }).catch(
    async (error) => {
      await postgres.stop();
      throw error;
    },
  );
  try {
    const osp = s.agents.osp;
    const auth = { authorization: `Bearer ${osp.adminKey}`, "content-type": "application/json" };
    await ok(osp, "PUT", "/v1/stir/settings", { freshnessSeconds: 600 });
    const attestBodies = await enterpriseAttestationBodies(s, 32);

    // The consortium's OSP process makes way for its replicas: replica 1 takes its port (the x5u URL in the
    // certificate the OSP serves names it), the others get their own.
    const config = JSON.parse(await readFile(osp.configPath, "utf8")) as { listen: { port: number } };
    await s.consortium.killAgent("osp");
    const startReplica = async () => {
      const i = replicas.length;
      const port = i === 0 ? config.listen.port : await reservePort();
      if (i > 0) ports.push(port);
      const configPath = join(dirname(osp.configPath), `agent-replica-${i + 1}.json`);
      const logFile = join(dirname(osp.configPath), `agent-replica-${i + 1}.log`);
      await writeFile(
        configPath,
        JSON.stringify({ ...config, listen: { ...config.listen, port }, replication: { replicaId: `osp-${i + 1}` } }),
        { mode: 0o600 },
      );
      const child = replicaSet.spawn(configPath, logFile);
      const url = `http://127.0.0.1:${port}`;
      await waitHealthy(`osp-${i + 1}`, url, child, logFile);
      replicas.push({ url, port, child });
      console.error(`replica osp-${i + 1} pid ${child.pid} on ${url}`);
    };

    const key = await (async () => {
      await startReplica();
      const identity = parseIdentityHeader(
        (
          await ok(
            endpoint(replicas[0]?.url as string, osp.adminKey),
            "POST",
            "/v1/stir/osp/attestations",
            JSON.parse(attestBodies[0] as string),
          )
        ).identity as string,
      );
      const pem = await (await fetch(identity.info)).text();
      const file = join(dir, "pub.pem");
      await writeFile(file, new X509Certificate(pem).publicKey.export({ type: "spki", format: "pem" }));
      return file;
    })();
    const secsipidxPort = await reservePort();
    ports.push(secsipidxPort);
    secsipidx = spawn("secsipidx", ["-http-srv", `127.0.0.1:${secsipidxPort}`, "-p", key, "-expire", "600"], {
      stdio: "ignore",
    });
    const checkUrl = `http://127.0.0.1:${secsipidxPort}/v1/check`;

    const rows: Record<string, string | number>[] = [];
    const theirsRows: Record<string, string | number>[] = [];
    const idleRows: Record<string, string | number>[] = [];
    const firstBad: string[] = [];
    const row = (n: number, load: string, path: string, w: Window, limitPerCore: number) => {
      const r = w.result;
      const rate = r.good / r.seconds;
      const cpuMs = (w.agentCpu * 1000) / Math.max(1, r.good);
      if (r.firstBad) firstBad.push(`${n} replicas, ${load}, ${path}: ${r.firstBad}`);
      return {
        replicas: n,
        load,
        path,
        good: r.good,
        bad: r.bad,
        "good/s": round(rate),
        "p50 ms": r.p50,
        "p99 ms": r.p99,
        "agent CPU ms/decision": round(cpuMs, 3),
        "agent cores busy": round(w.agentCpu / r.seconds, 2),
        "balancer cores busy": round(w.balancerCpu / r.seconds, 2),
        "machine cores busy": round(w.machineBusyCores, 2),
        "decisions per agent core-s": round(r.good / Math.max(1e-9, w.agentCpu)),
        "per-core share of OpenSSL": `${round((100 * r.good) / Math.max(1e-9, w.agentCpu) / limitPerCore, 1)}%`,
        [`bound on ${cores} cores/s`]: round((cores * 1000) / cpuMs),
      };
    };

    for (const n of counts) {
      while (replicas.length < n) await startReplica();
      const active = replicas.slice(0, n);
      // Exactly one leader among the replicas before measuring.
      await eventually(async () => {
        const roles = await Promise.all(
          active.map(async (r) => {
            const health = (await (await fetch(`${r.url}/health`)).json()) as {
              checks: { replica?: { role: string } };
            };
            return health.checks.replica?.role;
          }),
        );
        if (roles.filter((role) => role === "leader").length !== 1) throw new Error(`roles: ${roles.join(", ")}`);
      }, 30_000);
      const pids = active.map((r) => r.child.pid as number);
      const urls = active.map((r) => r.url);
      // What the replicas spend with no load (timers, the followers' watch of the leader's cursor): part of every
      // window's agent CPU below.
      const idle0 = pids.map(cpuSeconds);
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      idleRows.push({
        replicas: n,
        "agent cores busy with no load (sum)": round(
          pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - (idle0[i] as number), 0) / IDLE_SECONDS,
          3,
        ),
        "over s": IDLE_SECONDS,
      });
      balancer = await startBalancer(active.map((r) => r.port));
      // Fresh SHAKEN PASSporTs for this N's verification windows, attested through the balancer.
      const identities: string[] = [];
      for (let i = 0; i < TOKENS; i++) {
        const r = await ok(
          endpoint(balancer.url, osp.adminKey),
          "POST",
          "/v1/stir/osp/attestations",
          JSON.parse(attestBodies[i % 32] as string),
        );
        identities.push(r.identity as string);
      }
      const attest = { headers: auth, bodies: attestBodies, expect: '"attest":"A"', connections, seconds };
      const verificationBodies = identities.map((identity) =>
        JSON.stringify({ verificationRequest: { from: { tn: CALLING_TN }, to: { tn: [CALLED_TN] }, identity } }),
      );
      const verify = {
        headers: auth,
        bodies: verificationBodies,
        expect: '"verstat":"TN-Validation-Passed"',
        connections,
        seconds,
      };
      const A = "POST /v1/stir/osp/attestations";
      const V = "POST /stir/v1/verification";
      if (mode !== "direct") {
        const bpid = balancer.pid;
        const w1 = await measured(pids, bpid, () =>
          autocannonLoad({ ...attest, url: `${balancer?.url}/v1/stir/osp/attestations` }),
        );
        rows.push(row(n, "balancer", A, w1, perCore));
        const w2 = await measured(pids, bpid, () =>
          autocannonLoad({ ...verify, url: `${balancer?.url}/stir/v1/verification` }),
        );
        rows.push(row(n, "balancer", V, w2, openssl.verify));
      }
      await balancer.stop();
      balancer = undefined;
      if (mode !== "balancer") {
        const w1 = await measured(pids, undefined, () => direct(urls, "/v1/stir/osp/attestations", attest));
        rows.push(row(n, "direct", A, w1, perCore));
        const w2 = await measured(pids, undefined, () => direct(urls, "/stir/v1/verification", verify));
        rows.push(row(n, "direct", V, w2, openssl.verify));
      }
      // secsipidx on the same tokens, after ours, in the same conditions.
      await eventually(async () => {
        const text = await (await fetch(checkUrl, { method: "POST", body: identities[0] })).text();
        if (text.trim() !== "OK") throw new Error(`secsipidx answered ${text}`);
      }, 10_000);
      const before = secsipidx.pid ? cpuSeconds(secsipidx.pid) : 0;
      const theirs = await autocannonLoad({
        url: checkUrl,
        headers: {},
        bodies: identities,
        expect: "OK",
        connections,
        seconds,
      });
      const theirCpu = (secsipidx.pid ? cpuSeconds(secsipidx.pid) : 0) - before;
      if (theirs.firstBad) firstBad.push(`${n} replicas, secsipidx: ${theirs.firstBad}`);
      const ours = rows.filter((r) => r.replicas === n && r.path === V).map((r) => r["good/s"] as number);
      theirsRows.push({
        "with replicas running": n,
        "secsipidx /v1/check good/s": round(theirs.good / theirs.seconds),
        bad: theirs.bad,
        "p50 ms": theirs.p50,
        "p99 ms": theirs.p99,
        "secsipidx CPU ms/check": round((theirCpu * 1000) / Math.max(1, theirs.good), 3),
        "ours / secsipidx (best of this N)": `${round(Math.max(...ours) / (theirs.good / theirs.seconds), 2)}x`,
      });
    }
    const loadAfter = loadavg()[0] as number;
    return {
      name: "stir-replicas",
      tables: [
        {
          title: "OpenSSL ECDSA P-256 (openssl speed -seconds 3 ecdsap256, one core), machine load",
          rows: [
            {
              "sign/s": round(openssl.sign),
              "verify/s": round(openssl.verify),
              "verify+sign/s per core": round(perCore),
              [`verify+sign limit on ${cores} cores/s`]: round(perCore * cores),
              "load avg (1 min) before": round(loadBefore, 1),
              after: round(loadAfter, 1),
            },
          ],
        },
        {
          title: `OSP agent replicas on one PostgreSQL database, ${connections} connections, ${seconds} s windows`,
          rows,
          note:
            "balancer: one autocannon process -> round-robin TCP balancer process (bench/lib/balancer.ts) -> replicas; " +
            "direct: one autocannon process per replica, connections split, good answers summed, worst replica's p50/p99. " +
            "Agent CPU is every active replica's user+system time from /proc over the window; per-core share of OpenSSL " +
            "compares decisions per agent core-second with openssl's verify+sign per core (attestation) or verify per " +
            `core (verification); "bound" = cores / agent CPU per decision. Targets (issue 12): attestations >= 8,000/s ` +
            "with p99 <= 5 ms; verification >= 2x secsipidx." +
            (firstBad.length ? ` First bad answers: ${firstBad.join(" | ").slice(0, 2000)}` : ""),
        },
        { title: "secsipidx HTTP /v1/check on the tokens of each N (same connections and window)", rows: theirsRows },
        { title: "The active replicas with no load, just before each N's windows", rows: idleRows },
      ],
    };
  } finally {
    secsipidx?.kill();
    await balancer?.stop();
    await replicaSet.stopAll();
    await s.stop();
    await postgres.stop();
    for (const port of ports) releasePort(port);
    await rm(dir, { recursive: true, force: true });
  }
}

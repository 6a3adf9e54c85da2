// The signed-calls HTTP paths of one agent process, measured from outside: every member's agent runs as its own
// process (the real CLI, logging at "info", its default, to its log file), the load comes from autocannon in
// another process, and `openssl speed ecdsap256` runs in the same run. Measured, one after the other:
//   1. POST /stir/v1/verification (ATIS STI-VS) on the OSP's agent, on `tokens` SHAKEN PASSporTs the OSP attested;
//   2. secsipidx's HTTP /v1/check (Debian's secsipidx, the OSP's STI public key as a key file) on the same tokens;
//   3. POST /v1/stir/osp/attestations (verify the Enterprise PASSporT, EIDL checks, sign SHAKEN) on the OSP's agent.
// Only 2xx answers that hold the expected verdict count (TN-Validation-Passed, OK, "attest":"A"); anything else is
// reported in the `bad` column. The OSP's freshness window is set to 600 s (secsipidx: -expire 600) so the tokens of
// step 1 stay fresh for step 2. Args: [seconds=10] [connections=16] [tokens=200]. To profile the agents, run with
// TELCO_AGENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>": each agent writes a profile named with its pid at exit; the
// OSP agent's pid is printed; summarise it with `node bench/lib/cpuProfile.ts <file>`.
// Then the floor under any Node implementation, with the same load: a bare node:http server answering a fixed JSON,
// the same server doing one ECDSA verify per request first, and one verify and one sign (bench/lib/httpFloor.ts); the
// two cryptographic modes again with one process per core sharing the port (what replicas of any Node service get).
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseIdentityHeader } from "../src/stir/identityHeader.ts";
import { eventually } from "../testkit/eventually.ts";
import { reservePort } from "../testkit/ports.ts";
import {
  CALLED_TN,
  CALLING_TN,
  enterpriseAttestationBodies,
  ok,
  startSignedCallsProcesses,
} from "../testkit/signedCalls.ts";
import { autocannonLoad, type CannonResult } from "./lib/autocannon.ts";
import type { FloorMode } from "./lib/httpFloor.ts";
import { type BenchResult, round } from "./lib/report.ts";
import { opensslSpeed } from "./stir-attestation.bench.ts";

const perSecond = (r: CannonResult) => r.good / r.seconds;

const row = (path: string, r: CannonResult, connections: number) => ({
  path,
  connections,
  "window s": round(r.seconds),
  good: r.good,
  bad: r.bad,
  "good/s": round(r.good / r.seconds),
  "p50 ms": r.p50,
  "p90 ms": r.p90,
  "p99 ms": r.p99,
  "max ms": r.max,
});

/**
 * Starts `processes` copies of bench/lib/httpFloor.ts on one port (SO_REUSEPORT: the kernel spreads the connections),
 * each its own process, and answers their URL once all listen.
 */
async function startFloor(mode: FloorMode, processes: number): Promise<{ url: string; stop: () => void }> {
  const port = await reservePort();
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, [new URL("./lib/httpFloor.ts", import.meta.url).pathname, String(port), mode], {
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const stop = () => {
    for (const child of children) child.kill();
  };
  try {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.stdout?.once("data", () => resolve());
            child.once("exit", (code) => reject(new Error(`httpFloor ${mode} exited with ${code}`)));
          }),
      ),
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}/`, stop };
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = Number(args[0] ?? 10);
  const connections = Number(args[1] ?? 16);
  const count = Number(args[2] ?? 200);
  const loadBefore = loadavg()[0] as number;
  const openssl = opensslSpeed(3);
  const perCore = 1 / (1 / openssl.sign + 1 / openssl.verify);
  const s = await startSignedCallsProcesses({ logLevel: "info" });
  const dir = await mkdtemp(join(tmpdir(), "stir-http-"));
  let secsipidx: ChildProcess | undefined;
  try {
    const osp = s.agents.osp;
    console.error(`OSP agent pid ${osp.pid}`);
    const auth = { authorization: `Bearer ${osp.adminKey}`, "content-type": "application/json" };
    await ok(osp, "PUT", "/v1/stir/settings", { freshnessSeconds: 600 });
    const enterprise = () => enterpriseAttestationBodies(s, 32);
    // SHAKEN PASSporTs attested by the OSP, each with its own origid.
    const attestBodies = await enterprise();
    const identities: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await ok(osp, "POST", "/v1/stir/osp/attestations", JSON.parse(attestBodies[i % 32] as string));
      identities.push(r.identity as string);
    }
    const verification = await autocannonLoad({
      url: `${osp.url}/stir/v1/verification`,
      headers: auth,
      bodies: identities.map((identity) =>
        JSON.stringify({ verificationRequest: { from: { tn: CALLING_TN }, to: { tn: [CALLED_TN] }, identity } }),
      ),
      expect: '"verstat":"TN-Validation-Passed"',
      connections,
      seconds,
    });

    const x5u = parseIdentityHeader(identities[0] as string).info;
    const pem = await (await fetch(x5u)).text();
    await writeFile(join(dir, "pub.pem"), new X509Certificate(pem).publicKey.export({ type: "spki", format: "pem" }));
    const port = await reservePort();
    secsipidx = spawn("secsipidx", ["-http-srv", `127.0.0.1:${port}`, "-p", join(dir, "pub.pem"), "-expire", "600"], {
      stdio: "ignore",
    });
    const checkUrl = `http://127.0.0.1:${port}/v1/check`;
    await eventually(async () => {
      const text = await (await fetch(checkUrl, { method: "POST", body: identities[0] })).text();
      if (text.trim() !== "OK") throw new Error(`secsipidx answered ${text}`);
    }, 10_000);
    const theirs = await autocannonLoad({
      url: checkUrl,
      headers: {},
      bodies: identities,
      expect: "OK",
      connections,
      seconds,
    });

    const attestation = await autocannonLoad({
      url: `${osp.url}/v1/stir/osp/attestations`,
      headers: auth,
      bodies: await enterprise(),
      expect: '"attest":"A"',
      connections,
      seconds,
    });
    // One floor process, then one per core for the two cryptographic modes (what replicas of any Node service get).
    const cores = cpus().length;
    const floorRuns = [
      { mode: "bare", processes: 1 },
      { mode: "verify", processes: 1 },
      { mode: "crypto", processes: 1 },
      { mode: "verify", processes: cores },
      { mode: "crypto", processes: cores },
    ] as const;
    const floor = new Map<string, CannonResult>();
    for (const { mode, processes } of floorRuns) {
      const server = await startFloor(mode, processes);
      try {
        const result = await autocannonLoad({
          url: server.url,
          headers: { "content-type": "application/json" },
          bodies: await enterprise(),
          expect: '"attest":"A"',
          connections,
          seconds,
        });
        floor.set(`${mode}/${processes}`, result);
      } finally {
        server.stop();
      }
    }
    const floorOf = (mode: FloorMode, processes: number) => floor.get(`${mode}/${processes}`) as CannonResult;
    const loadAfter = loadavg()[0] as number;
    return {
      name: "stir-http",
      tables: [
        {
          title: "OpenSSL ECDSA P-256 (openssl speed -seconds 3 ecdsap256, one core), machine load",
          rows: [
            {
              "sign/s": round(openssl.sign),
              "verify/s": round(openssl.verify),
              [`verify+sign limit on ${cpus().length} cores/s`]: round(perCore * cpus().length),
              [`verify limit on ${cpus().length} cores/s`]: round(openssl.verify * cpus().length),
              "load avg (1 min) before": round(loadBefore, 1),
              after: round(loadAfter, 1),
            },
          ],
        },
        {
          title: "HTTP, agent in its own process, autocannon in another (closed loop)",
          rows: [
            row("POST /v1/stir/osp/attestations (A decisions)", attestation, connections),
            row("POST /stir/v1/verification (TN-Validation-Passed)", verification, connections),
            row("secsipidx POST /v1/check, same tokens (OK)", theirs, connections),
          ],
          note:
            `verification / secsipidx = ${round(verification.good / verification.seconds / (theirs.good / theirs.seconds), 2)}x. ` +
            "Targets (issue 12): attestations >= 8,000/s with p99 <= 5 ms; verification >= 2x secsipidx. " +
            "Ours checks more per token (x5u chain to the trusted root, TNAuthList, orig/dest); secsipidx checks the " +
            "signature with a key file and iat." +
            (attestation.firstBad ? ` First bad attestation answer: ${attestation.firstBad}` : "") +
            (verification.firstBad ? ` First bad verification answer: ${verification.firstBad}` : "") +
            (theirs.firstBad ? ` First bad secsipidx answer: ${theirs.firstBad}` : ""),
        },
        {
          title:
            "The floor: bare node:http, same autocannon load and bodies (bench/lib/httpFloor.ts; N processes share the port through SO_REUSEPORT)",
          rows: [
            row("node:http, 1 process, fixed JSON answer, no work", floorOf("bare", 1), connections),
            row("node:http, 1 process, + one ECDSA P-256 verify per request", floorOf("verify", 1), connections),
            row("node:http, 1 process, + one ECDSA verify + one sign", floorOf("crypto", 1), connections),
            row(`node:http, ${cores} processes, + one ECDSA verify per request`, floorOf("verify", cores), connections),
            row(`node:http, ${cores} processes, + one ECDSA verify + one sign`, floorOf("crypto", cores), connections),
          ],
          note:
            `attestations / 1-process floor with verify + sign = ${round(perSecond(attestation) / perSecond(floorOf("crypto", 1)), 2)}x, ` +
            `/ ${cores}-process floor = ${round(perSecond(attestation) / perSecond(floorOf("crypto", cores)), 2)}x; ` +
            `verifications / 1-process floor with verify = ${round(perSecond(verification) / perSecond(floorOf("verify", 1)), 2)}x, ` +
            `/ ${cores}-process floor = ${round(perSecond(verification) / perSecond(floorOf("verify", cores)), 2)}x; ` +
            `${cores}-process floor with verify / secsipidx = ${round(perSecond(floorOf("verify", cores)) / perSecond(theirs), 2)}x. ` +
            "No framework, authentication, validation, ledger check or logging: no Node process answers more per " +
            "second on this machine than the 1-process floor row with its path's cryptography, and no set of Node " +
            "processes more than the multi-process row.",
        },
      ],
    };
  } finally {
    secsipidx?.kill();
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

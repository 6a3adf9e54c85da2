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
// the same server doing one ECDSA verify per request first, and one verify and one sign (bench/lib/httpFloor.ts).
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

/** Starts bench/lib/httpFloor.ts in its own process and answers its URL once it listens. */
async function startFloor(mode: FloorMode): Promise<{ url: string; stop: () => void }> {
  const port = await reservePort();
  const child = spawn(process.execPath, [new URL("./lib/httpFloor.ts", import.meta.url).pathname, String(port), mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`httpFloor ${mode} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
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
    const floor: Record<FloorMode, CannonResult> = {} as Record<FloorMode, CannonResult>;
    for (const mode of ["bare", "verify", "crypto"] as const) {
      const server = await startFloor(mode);
      try {
        floor[mode] = await autocannonLoad({
          url: server.url,
          headers: { "content-type": "application/json" },
          bodies: await enterprise(),
          expect: '"attest":"A"',
          connections,
          seconds,
        });
      } finally {
        server.stop();
      }
    }
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
            "The floor: bare node:http in its own process, same autocannon load and bodies (bench/lib/httpFloor.ts)",
          rows: [
            row("node:http, fixed JSON answer, no work", floor.bare, connections),
            row("node:http + one ECDSA P-256 verify per request", floor.verify, connections),
            row("node:http + one ECDSA P-256 verify + one sign per request", floor.crypto, connections),
          ],
          note:
            `attestations / floor with verify + sign = ${round(perSecond(attestation) / perSecond(floor.crypto), 2)}x; ` +
            `verifications / floor with verify = ${round(perSecond(verification) / perSecond(floor.verify), 2)}x; ` +
            `floor with verify / secsipidx = ${round(perSecond(floor.verify) / perSecond(theirs), 2)}x. ` +
            "No framework, authentication, validation, ledger check or logging: no Node implementation of a path " +
            "answers more per second on this machine than the floor row with that path's cryptography.",
        },
      ],
    };
  } finally {
    secsipidx?.kill();
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Calls per second through the Kamailio STIR proxies (sip/osp-edge.cfg attests through the OSP's agent,
// sip/terminating.cfg verifies through the terminating provider's agent), each alone between a sipp caller and a sipp
// callee, on the signed-calls consortium (devnet, the whole EIDL chain). Each proxy runs with today's configs
// (http_client on one pooled keep-alive connection per worker, jansson), with the configs of commit `perCall` (read
// from git: http_client_query, a new connection per call), and with the exec bridge they replaced (sip/*.cfg and
// sip/bin/stir-agent.sh as of commit `bridge`, read from git: exec + sh + curl + sed per call). sipp places `calls` calls with at most `limit` in
// flight (closed loop) at up to `rate` new calls/s; a call counts when it got 200, ACK and BYE 200. calls/s is
// successful calls over sipp's wall-clock run; any failed call is reported, never hidden.
// Args: [calls=1000] [rate=1000] [limit=50] [bridge=15a4364] [perCall=d454ed1] ("none" skips those rows).
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { reservePort } from "../testkit/ports.ts";
import {
  CALLED_TN,
  CALLING_TN,
  ok,
  type SignedCallsConsortium,
  startSignedCallsConsortium,
} from "../testkit/signedCalls.ts";
import { type Proc, SCENARIOS, SIP_DIR, startKamailio } from "../testkit/sip.ts";
import type { BenchResult } from "./lib/report.ts";

const execFileAsync = promisify(execFile);

/** The proxy configs (and, for the exec bridge, its script) of an older commit, written under dir (sip/ layout kept). */
async function configsFromGit(commit: string, dir: string, files: string[]): Promise<string> {
  const root = join(dir, `sip-${commit}`);
  await mkdir(join(root, "bin"), { recursive: true });
  for (const file of files) {
    const text = execFileSync("git", ["show", `${commit}:sip/${file}`], { cwd: join(SIP_DIR, ".."), encoding: "utf8" });
    await writeFile(join(root, file), text);
  }
  return root;
}

/** A sipp callee answering every call until stopped. */
async function startCallee(port: number): Promise<Proc> {
  // In the foreground (no -bg), so that it is stopped by its own pid.
  const args = ["-sf", join(SCENARIOS, "uas-answer.xml"), "-i", "127.0.0.1", "-p", String(port), "-nostdin"];
  const child = spawn("sipp", args, { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
  return {
    child,
    output: () => "",
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Runs sipp's caller; answers successful and failed calls (from its final statistics) and the wall-clock time. */
async function placeCalls(o: {
  target: number;
  identity: string;
  calls: number;
  rate: number;
  limit: number;
  dir: string;
}) {
  const port = await reservePort();
  const stats = join(o.dir, `stats-${port}.csv`);
  const args = ["-sf", join(SCENARIOS, "uac-call.xml"), "-i", "127.0.0.1", "-p", String(port)];
  args.push("-key", "orig", CALLING_TN, "-key", "dest", CALLED_TN, "-key", "identity", o.identity);
  args.push("-m", String(o.calls), "-r", String(o.rate), "-l", String(o.limit), "-nostdin");
  args.push("-trace_stat", "-stf", stats, "-fd", "1", "-timeout", "120s", `127.0.0.1:${o.target}`);
  const started = performance.now();
  await execFileAsync("sipp", args, { timeout: 180_000 }).catch(() => undefined); // exit 1 when some call failed: counted below
  const seconds = (performance.now() - started) / 1000;
  const lines = (await readFile(stats, "utf8")).trim().split("\n");
  const header = (lines[0] ?? "").split(";");
  const last = (lines.at(-1) ?? "").split(";");
  const column = (name: string) => Number(last[header.indexOf(name)] ?? Number.NaN);
  return { ok: column("SuccessfulCall(C)"), failed: column("FailedCall(C)"), seconds };
}

export async function run(args: string[]): Promise<BenchResult> {
  const calls = Number(args[0] ?? 1000);
  const rate = Number(args[1] ?? 1000);
  const limit = Number(args[2] ?? 50);
  const bridge = args[3] ?? "15a4364";
  const perCall = args[4] ?? "d454ed1";
  const dir = await mkdtemp(join(tmpdir(), "stir-sip-bench-"));
  const procs: Proc[] = [];
  let s: SignedCallsConsortium | undefined;
  try {
    s = await startSignedCallsConsortium();
    const { agents } = s;
    await ok(agents.tnsp, "PUT", "/v1/stir/settings", { x5uAllowedOrigins: [agents.osp.url] });
    await ok(agents.tnsp, "POST", "/v1/stir/trust-roots", { pem: s.rootPem }, 201);
    const ospKey = String(
      (await ok(agents.osp, "POST", "/v1/api-keys", { userName: "edge", role: "operator" }, 201)).key,
    );
    const tspKey = String(
      (await ok(agents.tnsp, "POST", "/v1/api-keys", { userName: "term", role: "read-only" }, 201)).key,
    );
    await writeFile(join(dir, "osp.key"), ospKey, { mode: 0o600 });
    await writeFile(join(dir, "tsp.key"), tspKey, { mode: 0o600 });
    const enterpriseIdentity = async () =>
      String(
        (
          await ok(agents.bpo, "POST", "/v1/stir/enterprise/passports", {
            did: s?.orgs.bpo.did,
            orig: { tn: CALLING_TN },
            dest: { tn: [CALLED_TN] },
            tnauth: s?.delegation.tnauth,
          })
        ).identity,
      );
    const shakenIdentity = async () =>
      String(
        (
          await ok(agents.osp, "POST", "/v1/stir/osp/attestations", {
            orig: { tn: CALLING_TN },
            dest: { tn: [CALLED_TN] },
            identity: await enterpriseIdentity(),
            directCustomer: true,
          })
        ).identity,
      );

    const variants: Array<{ name: string; sipDir: string; env: (key: string) => Record<string, string> }> = [
      { name: "http_client pooled keep-alive + jansson", sipDir: SIP_DIR, env: (key) => ({ STIR_API_KEY: key }) },
    ];
    if (perCall !== "none") {
      const old = await configsFromGit(perCall, dir, ["osp-edge.cfg", "terminating.cfg"]);
      variants.unshift({
        name: `http_client, a connection per call (${perCall})`,
        sipDir: old,
        env: (key) => ({ STIR_API_KEY: key }),
      });
    }
    if (bridge !== "none") {
      const old = await configsFromGit(bridge, dir, ["osp-edge.cfg", "terminating.cfg", "bin/stir-agent.sh"]);
      variants.unshift({
        name: `exec bridge (${bridge})`,
        sipDir: old,
        env: (key) => ({
          STIR_AGENT_SCRIPT: join(old, "bin", "stir-agent.sh"),
          STIR_API_KEY_FILE: join(dir, key === ospKey ? "osp.key" : "tsp.key"),
        }),
      });
    }
    const rows: Array<Record<string, string | number>> = [];
    for (const variant of variants) {
      for (const proxy of ["osp-edge", "terminating"] as const) {
        const calleePort = await reservePort();
        const callee = await startCallee(calleePort);
        procs.push(callee);
        const port = await reservePort();
        const edge = proxy === "osp-edge";
        const kamailio = await startKamailio({
          config: relative(SIP_DIR, join(variant.sipDir, `${proxy}.cfg`)),
          port,
          runtimeDir: join(dir, `run-${rows.length}`),
          shmMegabytes: 512,
          env: {
            ...variant.env(edge ? ospKey : tspKey),
            STIR_AGENT_URL: (edge ? agents.osp : agents.tnsp).url,
            STIR_NEXT_HOP: `sip:127.0.0.1:${calleePort}`,
            STIR_DIRECT_CUSTOMER_IP: "127.0.0.1",
          },
        });
        procs.push(kamailio);
        const identity = edge ? await enterpriseIdentity() : await shakenIdentity();
        const r = await placeCalls({ target: port, identity, calls, rate, limit, dir });
        await kamailio.stop();
        await callee.stop();
        rows.push({
          proxy,
          agent_call: variant.name,
          calls,
          ok: r.ok,
          failed: r.failed,
          // neither answered nor failed when sipp stopped (its 120 s timeout, or the benchmark's 180 s): lost calls
          unfinished: calls - r.ok - r.failed,
          seconds: Number(r.seconds.toFixed(2)),
          calls_per_s: Number((r.ok / r.seconds).toFixed(1)),
        });
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
    return {
      name: "stir-sip",
      tables: [
        {
          title: `Calls/s through each Kamailio STIR proxy (sipp, ${calls} calls, <= ${limit} in flight, <= ${rate}/s)`,
          rows,
          note:
            "Each proxy alone between a sipp caller and callee; Kamailio with the configs' children (8 for http_client, 2 for the exec bridge), the agents, anvil and sipp " +
            "share this machine's cores; Kamailio's shared memory 512 MB (-m). Target (issue 12): >= 1,000 calls/s with 0 " +
            "failed calls per proxy.",
        },
      ],
    };
  } finally {
    await Promise.allSettled(procs.map((p) => p.stop()));
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

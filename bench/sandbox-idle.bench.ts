// What an idle sandbox costs: `telco-ledger sandbox up` in a temporary data directory, left alone once seeded, then
// the CPU time of the devnet and of every agent process over a window (from /proc/<pid>/stat), each agent's resident
// memory, and how fast the logs grow. Linux only (/proc).
//   npm run bench -- sandbox-idle [windowSeconds=10] [settleSeconds=20]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { SANDBOX_MEMBERS } from "../src/sandbox/consortium.ts";
import type { SandboxFile } from "../src/sandbox/sandbox.ts";
import { reservePortRun } from "../testkit/ports.ts";
import { type BenchResult, round } from "./lib/report.ts";

const BIN = new URL("../bin/telco-ledger.mjs", import.meta.url).pathname;
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

interface ProcSample {
  pid: number;
  command: string;
  cpuTicks: number;
  rssKiB: number;
}

export async function run(args: string[]): Promise<BenchResult> {
  const windowSeconds = Number(args[0] ?? 10);
  const settleSeconds = Number(args[1] ?? 20);
  const dataDir = mkdtempSync(join(tmpdir(), "telco-idle-"));
  // The devnet's port (basePort - 1), then one per member agent, reserved so a test running beside cannot take them.
  const basePort = (await reservePortRun(SANDBOX_MEMBERS.length + 1)) + 1;
  const sandbox = spawn(
    process.execPath,
    [
      BIN,
      "sandbox",
      "up",
      "--data-dir",
      dataDir,
      "--rpc-port",
      String(basePort - 1),
      "--base-port",
      String(basePort),
      "--json",
    ],
    // Its own process group: stopping it before it is ready (when `sandbox up` has no handler yet) must not leave
    // its devnet and agents running.
    { stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  try {
    const file = await seeded(sandbox, 1_500_000);
    // Seeding leaves work behind (outbox settling, indexers catching up): let it finish first.
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const pids = descendants(sandbox.pid ?? 0);
    const logs = logFiles(dataDir, file);
    const logsBefore = logs.map((path) => sizeOf(path));
    const before = new Map(pids.map((pid) => [pid, sample(pid)]));
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const after = pids.map((pid) => sample(pid)).filter((s): s is ProcSample => s !== undefined);
    const logsAfter = logs.map((path) => sizeOf(path));

    const rows: Array<Record<string, string | number>> = [];
    let totalCores = 0;
    for (const end of after) {
      const start = before.get(end.pid);
      if (!start) continue;
      const cores = (end.cpuTicks - start.cpuTicks) / TICKS_PER_SECOND / elapsedSeconds;
      totalCores += cores;
      rows.push({
        process: roleOf(end, file),
        pid: end.pid,
        cores: round(cores, 4),
        "RSS MB": round(end.rssKiB / 1024),
      });
    }
    rows.sort((a, b) => String(a.process).localeCompare(String(b.process)));
    const agentRss = after.filter((s) => roleOf(s, file).startsWith("agent ")).map((s) => s.rssKiB / 1024);
    rows.push({
      process: "total",
      pid: "",
      cores: round(totalCores, 4),
      "RSS MB": round(after.reduce((sum, s) => sum + s.rssKiB, 0) / 1024),
    });
    const perMinute = (i: number) => ((logsAfter[i] ?? 0) - (logsBefore[i] ?? 0)) / 1024 / (elapsedSeconds / 60);
    const logRows = logs.map((path, i) => ({
      log: path.slice(dataDir.length + 1),
      "KiB now": round((logsAfter[i] ?? 0) / 1024),
      "KiB per minute": round(perMinute(i), 2),
    }));
    return {
      name: "sandbox-idle",
      tables: [
        {
          title: `Idle sandbox: CPU over ${round(elapsedSeconds)} s (cores = CPU seconds per second) and resident memory`,
          rows,
          note:
            `Target: total under 0.05 cores; each agent under 120 MB resident (agents now: ` +
            `${round(Math.min(...agentRss))}-${round(Math.max(...agentRss))} MB).`,
        },
        {
          title: "Log growth while idle",
          rows: logRows,
          note: "A month is 43,200 minutes: 1 KiB per minute is 42 MiB a month.",
        },
      ],
    };
  } catch (error) {
    await stopSandbox(sandbox);
    console.error(`the sandbox's data directory is kept for a look: ${dataDir}`);
    throw error;
  } finally {
    if (sandbox.exitCode === null && sandbox.signalCode === null) {
      await stopSandbox(sandbox);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

/** Resolves with sandbox.json as printed once everything is started and seeded. */
async function seeded(sandbox: ChildProcess, timeoutMs: number): Promise<SandboxFile> {
  let stdout = "";
  sandbox.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (sandbox.exitCode !== null) throw new Error(`sandbox up exited with code ${sandbox.exitCode}`);
    if (stdout.trim().endsWith("}")) return JSON.parse(stdout) as SandboxFile;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the sandbox was not seeded within ${timeoutMs} ms`);
}

/** Every process below `root` (the devnet, the agents), from the parent pid in /proc/<pid>/stat. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) parents.set(Number(entry), Number(stat[1]));
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): [state, ppid, ...]. */
function readStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function sample(pid: number): ProcSample | undefined {
  const stat = readStat(pid);
  if (!stat) return undefined;
  // After the name: utime is field 14 and stime field 15 of the whole line, i.e. indexes 11 and 12 here.
  const cpuTicks = Number(stat[11]) + Number(stat[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  return { pid, command, cpuTicks, rssKiB };
}

function roleOf(process: ProcSample, file: SandboxFile): string {
  if (/anvil/.test(process.command)) return "devnet (anvil)";
  const agent = file.agents.find((a) => process.command.includes(`/agents/${a.name}/agent.json`));
  return agent ? `agent ${agent.name}` : process.command.slice(0, 60);
}

function logFiles(dataDir: string, file: SandboxFile): string[] {
  return [join(dataDir, "devnet", "anvil.log"), ...file.agents.map((a) => a.logFile)];
}

/** Bytes of a log and of its rotated copies (<name>.1, <name>.2, ...) together. */
function sizeOf(path: string): number {
  const dir = dirname(path);
  const name = basename(path);
  let total = 0;
  for (const entry of readdirSync(dir)) {
    if (entry !== name && !new RegExp(`^${name.replace(/\./g, "\\.")}\\.\\d+$`).test(entry)) continue;
    total += statSync(join(dir, entry)).size;
  }
  return total;
}

async function stopSandbox(sandbox: ChildProcess): Promise<void> {
  if (sandbox.exitCode !== null || sandbox.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => sandbox.once("exit", () => resolve()));
  sandbox.kill("SIGINT");
  const timer = setTimeout(() => sandbox.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
  // Whatever of the group is left (a sandbox interrupted while starting does not stop its children).
  try {
    process.kill(-(sandbox.pid as number), "SIGKILL");
  } catch {}
}

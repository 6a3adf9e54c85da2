// Real SIP peers for tests: Kamailio proxies (sip/*.cfg) and sipp user agents (sip/scenarios/*.xml) as child
// processes on loopback UDP ports reserved with testkit/ports.ts, each stopped by its own pid when the test ends.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const SIP_DIR = resolve(import.meta.dirname, "../sip");
export const SCENARIOS = join(SIP_DIR, "scenarios");

/** True while something listens on the UDP port (binding it fails). */
async function udpInUse(port: number): Promise<boolean> {
  const socket = createSocket("udp4");
  return new Promise((done) => {
    socket.once("error", () => done(true));
    socket.bind(port, "127.0.0.1", () => socket.close(() => done(false)));
  });
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): Proc {
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((done) => setTimeout(done, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Starts Kamailio in the foreground with a config of sip/, waiting until it listens. */
export async function startKamailio(options: {
  config: string;
  port: number;
  runtimeDir: string;
  env: Record<string, string>;
  defines?: string[];
  /**
   * Kamailio's shared memory (-m), where every transaction lives until its timers end: 64 MB for tests; at 1,000
   * calls/s several thousand INVITE and BYE transactions with a kilobyte-sized Identity header are alive at once and
   * 64 MB runs out ("could not allocate shared memory", answered 500), so the benchmark gives 512.
   */
  shmMegabytes?: number;
}): Promise<Proc> {
  await mkdir(options.runtimeDir, { recursive: true });
  const args = ["-f", join(SIP_DIR, options.config), "-l", `udp:127.0.0.1:${options.port}`, "-DD", "-E"];
  args.push("-Y", options.runtimeDir, "-m", String(options.shmMegabytes ?? 64), "-M", "8");
  for (const define of options.defines ?? []) args.push("-A", define);
  const proc = track(spawn("kamailio", args, { env: { ...process.env, ...options.env }, stdio: "pipe" }));
  const deadline = Date.now() + 10_000;
  while (!(await udpInUse(options.port))) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`kamailio ${options.config} did not start:\n${proc.output()}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return proc;
}

/** A sipp UAS answering one call; `messages()` is its message trace once the call ended. */
export async function startUas(port: number, traceFile: string): Promise<Proc & { done: Promise<void> }> {
  const args = ["-sf", join(SCENARIOS, "uas-answer.xml"), "-i", "127.0.0.1", "-p", String(port), "-m", "1"];
  args.push("-trace_msg", "-message_file", traceFile, "-nostdin");
  const proc = track(spawn("sipp", args, { stdio: "pipe" }));
  const done = new Promise<void>((resolveDone) => proc.child.once("exit", () => resolveDone()));
  const deadline = Date.now() + 5000;
  while (!(await udpInUse(port))) {
    if (proc.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`sipp UAS did not start: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ...proc, done };
}

/** Runs a sipp UAC scenario for one call; resolves with its exit status and message trace. */
export async function runUac(options: {
  scenario: string;
  port: number;
  target: number;
  keys: Record<string, string>;
  traceFile: string;
}): Promise<{ status: number; trace: string }> {
  const args = ["-sf", join(SCENARIOS, options.scenario), "-i", "127.0.0.1", "-p", String(options.port), "-m", "1"];
  for (const [name, value] of Object.entries(options.keys)) args.push("-key", name, value);
  args.push("-trace_msg", "-message_file", options.traceFile, "-nostdin", "-timeout", "15s");
  args.push(`127.0.0.1:${options.target}`);
  let status = 0;
  try {
    await run("sipp", args, { timeout: 20_000 });
  } catch (error) {
    status = (error as { code?: number }).code ?? 99;
  }
  return { status, trace: await readFile(options.traceFile, "utf8").catch(() => "") };
}

/** A header's value in the last SIP message of a trace that carries it. */
export function headerIn(trace: string, name: string): string | undefined {
  const matches = [...trace.matchAll(new RegExp(`^${name}:\\s*(.+?)\\r?$`, "gim"))];
  return matches.at(-1)?.[1];
}

/** The status codes of the responses in a trace, in order. */
export function statusCodes(trace: string): number[] {
  return [...trace.matchAll(/^SIP\/2\.0 (\d{3})/gm)].map((m) => Number(m[1]));
}

// Member agents as child processes started by the real CLI (`telco-ledger agent start`), for the tests that kill
// them: a set that never outlives the test process, and a wait for each agent's first healthy answer.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";

// Three minutes: a fresh Node process compiling the agent took over 60 s to write its first log line at a load average of
// 43 on the 2-core machine (other test files, geth networks and busy loops at once). A start, not a rule under test.
const HEALTH_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;
const BIN = new URL("../bin/telco-ledger.mjs", import.meta.url).pathname;

export type AgentProcessErrorCode = "AGENT_NOT_HEALTHY";

export class TestConsortiumError extends Error {
  readonly code: AgentProcessErrorCode;
  constructor(code: AgentProcessErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "TestConsortiumError";
  }
}

/** Children whose spawn failed (no 'exit' will ever come), with the reason. */
const spawnFailures = new WeakMap<ChildProcess, Error>();
export const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null || spawnFailures.has(child);

/**
 * The agent processes of one consortium. They never outlive the harness: stop() ends them, and if the test process
 * exits without calling it (an uncaught error, process.exit), they are killed on the way out.
 */
export class ChildSet {
  readonly #children: ChildProcess[] = [];
  readonly #killOnExit = () => {
    for (const child of this.#children) if (!exited(child)) child.kill("SIGKILL");
  };

  spawn(configPath: string, logFile: string): ChildProcess {
    if (this.#children.length === 0) process.on("exit", this.#killOnExit);
    const log = openSync(logFile, "a");
    try {
      // Environment inherited: benchmarks tune the agents with TELCO_* variables. TELCO_AGENT_NODE_ARGS adds Node
      // flags NODE_OPTIONS refuses (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile each agent).
      const nodeArgs = process.env.TELCO_AGENT_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
      const child = spawn(process.execPath, [...nodeArgs, BIN, "agent", "start", "--config", configPath], {
        stdio: ["ignore", log, log],
        env: process.env,
      });
      child.once("error", (error) => spawnFailures.set(child, error));
      this.#children.push(child);
      return child;
    } finally {
      closeSync(log);
    }
  }

  /** SIGTERM to every agent (a clean shutdown), SIGKILL to any still running after the grace period. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.#children.map(async (child) => {
        if (exited(child)) return;
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise((resolve) => {
          timer = setTimeout(() => resolve("timeout"), STOP_GRACE_MS);
        });
        if ((await Promise.race([gone, graceOver])) === "timeout" && !exited(child)) {
          child.kill("SIGKILL");
          await gone;
        }
        clearTimeout(timer);
      }),
    );
    process.off("exit", this.#killOnExit);
  }
}

/** Resolves when the agent answers /health with 200; fails fast if the process exits first. */
export async function waitHealthy(name: string, url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = "no answer";
  while (Date.now() < deadline && !exited(child)) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `HTTP ${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const failure = spawnFailures.get(child);
  const why = failure
    ? `its process did not start (${failure.message})`
    : exited(child)
      ? `its process exited (code ${child.exitCode}, signal ${child.signalCode})`
      : `no healthy answer within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`;
  throw new TestConsortiumError(
    "AGENT_NOT_HEALTHY",
    `agent "${name}" at ${url} did not become healthy: ${why}; last lines of ${logFile}:\n${await tail(logFile)}`,
  );
}

async function tail(file: string, lines = 30): Promise<string> {
  try {
    const text = (await readFile(file, "utf8")).trimEnd();
    return text ? text.split("\n").slice(-lines).join("\n") : "(empty)";
  } catch (error) {
    return `(unreadable: ${(error as Error).message})`;
  }
}

/** Named agent processes that a test can kill -9 and start again from their configs. */
export class AgentProcessSet {
  readonly #children = new ChildSet();
  readonly #processes = new Map<string, { child: ChildProcess; url: string; configPath: string; logFile: string }>();

  /** Starts the member's agent and resolves once it answers healthy. */
  async launch(name: string, url: string, configPath: string, logFile: string): Promise<ChildProcess> {
    const child = this.#children.spawn(configPath, logFile);
    this.#processes.set(name, { child, url, configPath, logFile });
    await waitHealthy(name, url, child, logFile);
    return child;
  }

  /** SIGKILL (no clean shutdown), resolved once the process is gone. */
  async kill(name: string): Promise<void> {
    const { child } = this.#of(name);
    if (exited(child)) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
  }

  /** Starts a killed agent again from its config; resolves once it answers healthy. */
  async restart(name: string): Promise<ChildProcess> {
    const found = this.#of(name);
    if (!exited(found.child)) throw new Error(`the agent "${name}" is still running`);
    return this.launch(name, found.url, found.configPath, found.logFile);
  }

  stopAll(): Promise<void> {
    return this.#children.stopAll();
  }

  #of(name: string) {
    const found = this.#processes.get(name);
    if (!found) throw new Error(`no agent process named "${name}" (only with agentProcesses: true)`);
    return found;
  }
}

// Waits until a sandbox started by run-checkers.sh has an agent that answers /health, then prints "<url> <apiKey>".
// The sandbox writes <dataDir>/sandbox.json ({ agents: [{ name, url, apiKey }] }) once its agents listen.
// Usage: node scripts/checks/wait-agent.ts <dataDir> <sandboxPid> <timeoutSeconds> [agentName]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface SandboxAgent {
  name: string;
  url: string;
  apiKey: string;
}

export class WaitAgentError extends Error {
  readonly code: "SANDBOX_EXITED" | "AGENT_NOT_READY" | "BAD_ARGUMENT";
  constructor(code: WaitAgentError["code"], message: string) {
    super(message);
    this.name = "WaitAgentError";
    this.code = code;
  }
}

/** The named agent (or the first) from sandbox.json, or undefined while the file is absent or incomplete. */
export function readSandboxAgent(dataDir: string, name?: string): SandboxAgent | undefined {
  let sandbox: { agents?: unknown };
  try {
    sandbox = JSON.parse(readFileSync(join(dataDir, "sandbox.json"), "utf8"));
  } catch {
    return undefined; // not written yet, or caught half-written
  }
  const agents = Array.isArray(sandbox.agents) ? (sandbox.agents as Partial<SandboxAgent>[]) : [];
  const agent = name === undefined ? agents[0] : agents.find((a) => a.name === name);
  if (typeof agent?.url !== "string" || typeof agent.apiKey !== "string") return undefined;
  return { name: String(agent.name), url: agent.url, apiKey: agent.apiKey };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function isHealthy(agent: SandboxAgent): Promise<boolean> {
  try {
    const response = await fetch(new URL("/health", agent.url), {
      headers: { authorization: `Bearer ${agent.apiKey}` },
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function waitForAgent(options: {
  dataDir: string;
  pid: number;
  timeoutMs: number;
  name?: string;
}): Promise<SandboxAgent> {
  const deadline = Date.now() + options.timeoutMs;
  let last: SandboxAgent | undefined;
  while (Date.now() < deadline) {
    if (!isAlive(options.pid)) {
      // A sandbox that daemonises exits after writing sandbox.json: then only its agent's health matters.
      last = readSandboxAgent(options.dataDir, options.name);
      if (last && (await isHealthy(last))) return last;
      throw new WaitAgentError(
        "SANDBOX_EXITED",
        `the sandbox process ${options.pid} exited before an agent was healthy`,
      );
    }
    last = readSandboxAgent(options.dataDir, options.name);
    if (last && (await isHealthy(last))) return last;
    await sleep(500);
  }
  const where = last ? `agent ${last.name} at ${last.url} did not answer /health` : "no agent in sandbox.json";
  throw new WaitAgentError("AGENT_NOT_READY", `${where} after ${options.timeoutMs / 1000}s`);
}

if (import.meta.main) {
  const [dataDir, pidText, timeoutText, name] = process.argv.slice(2);
  const pid = Number(pidText);
  const timeoutSeconds = Number(timeoutText);
  try {
    if (!dataDir || !Number.isInteger(pid) || pid <= 0 || !(timeoutSeconds > 0)) {
      throw new WaitAgentError(
        "BAD_ARGUMENT",
        "usage: wait-agent.ts <dataDir> <sandboxPid> <timeoutSeconds> [agentName]",
      );
    }
    const agent = await waitForAgent({ dataDir, pid, timeoutMs: timeoutSeconds * 1000, ...(name ? { name } : {}) });
    console.error(`checkers: agent ${agent.name} is healthy at ${agent.url}`);
    console.log(`${agent.url} ${agent.apiKey}`);
  } catch (error) {
    console.error(`checkers: ${(error as Error).message}`);
    process.exit(1);
  }
}

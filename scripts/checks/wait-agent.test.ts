// How run-checkers.sh finds a ready agent in a sandbox's data dir, against a real HTTP server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readSandboxAgent, WaitAgentError, waitForAgent } from "./wait-agent.ts";

const dataDir = () => mkdtempSync(join(tmpdir(), "wait-agent-"));
const writeSandbox = (dir: string, agents: unknown[]) =>
  writeFileSync(join(dir, "sandbox.json"), JSON.stringify({ agents }));

describe("wait-agent", () => {
  it("reads the first agent, or the named one, and nothing from a missing or half-written file", () => {
    const dir = dataDir();
    assert.equal(readSandboxAgent(dir), undefined);
    writeFileSync(join(dir, "sandbox.json"), '{"agents": [');
    assert.equal(readSandboxAgent(dir), undefined);
    writeSandbox(dir, [
      { name: "a", url: "http://127.0.0.1:1", apiKey: "k1" },
      { name: "b", url: "http://127.0.0.1:2", apiKey: "k2" },
    ]);
    assert.deepEqual(readSandboxAgent(dir), { name: "a", url: "http://127.0.0.1:1", apiKey: "k1" });
    assert.equal(readSandboxAgent(dir, "b")?.apiKey, "k2");
    assert.equal(readSandboxAgent(dir, "c"), undefined);
  });

  it("returns the agent once its /health answers 200", async (t) => {
    let healthy = false;
    const server = createServer((req, res) => {
      res.statusCode = req.url === "/health" && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = dataDir();
    writeSandbox(dir, [{ name: "a", url, apiKey: "k" }]);
    setTimeout(() => {
      healthy = true;
    }, 700);
    const agent = await waitForAgent({ dataDir: dir, pid: process.pid, timeoutMs: 10_000 });
    assert.equal(agent.url, url);
  });

  it("fails at once when the sandbox process exited without a healthy agent", async () => {
    const child = spawn(process.execPath, ["-e", "process.exit(3)"]);
    await new Promise((resolve) => child.once("exit", resolve));
    await assert.rejects(
      waitForAgent({ dataDir: dataDir(), pid: child.pid as number, timeoutMs: 10_000 }),
      (error: unknown) => error instanceof WaitAgentError && error.code === "SANDBOX_EXITED",
    );
  });

  it("gives up after the timeout when no agent appears", async () => {
    await assert.rejects(
      waitForAgent({ dataDir: dataDir(), pid: process.pid, timeoutMs: 600 }),
      (error: unknown) => error instanceof WaitAgentError && error.code === "AGENT_NOT_READY",
    );
  });
});

// The test harness in its deployment shape: every member agent in its own `telco-ledger agent start` process.
// Benchmarks rely on it to start real processes with the test settings and to leave none behind.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, describe, it } from "node:test";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("test consortium with agent processes", () => {
  let consortium: TestConsortium<TestAgentProcess> | undefined;
  after(() => consortium?.stop());

  it("runs each agent as its own process with the test settings, and stop() leaves no process behind", async () => {
    process.env.TELCO_CONSORTIUM_TEST_MARK = "inherited";
    try {
      consortium = await startTestConsortium(
        [
          { name: "alpha", roles: ["TNSP"] },
          { name: "beta", roles: ["TNSP"] },
        ],
        { agentProcesses: true },
      );
    } finally {
      delete process.env.TELCO_CONSORTIUM_TEST_MARK;
    }
    const { alpha, beta } = consortium.agents as Record<"alpha" | "beta", TestAgentProcess>;
    const pids = [alpha.pid, beta.pid];
    assert.notEqual(alpha.pid, beta.pid);
    for (const pid of pids) {
      assert.notEqual(pid, process.pid);
      assert.ok(alive(pid), `agent process ${pid} runs`);
      // The benchmarks tune agents through the environment: the child must see the harness's variables.
      const environ = await readFile(`/proc/${pid}/environ`, "utf8");
      assert.ok(environ.split("\0").includes("TELCO_CONSORTIUM_TEST_MARK=inherited"));
    }
    for (const agent of [alpha, beta]) {
      const health = await fetch(`${agent.url}/health`);
      assert.equal(health.status, 200);
      const config = JSON.parse(await readFile(agent.configPath, "utf8"));
      assert.equal(config.logLevel, "fatal");
      assert.equal(config.chain.pollMs, 50);
      // An authenticated call answers with this member's own identity; a wrong key is refused.
      const info = await agent.call<{ name: string; memberAccount: string; publicUrl: string }>("GET", "/v1/agent");
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.equal(info.body.name, config.name);
      assert.equal(info.body.memberAccount, config.memberAccount);
      assert.equal(info.body.publicUrl, agent.url);
      assert.equal((await agent.call("GET", "/v1/agent", undefined, "not-a-key")).status, 401);
    }

    await consortium.stop();
    consortium = undefined;
    for (const pid of pids) assert.equal(alive(pid), false, `agent process ${pid} is gone after stop()`);
  });

  it("names the member and shows the tail of its log when an agent process does not come up", async () => {
    // Every agent process fails at start (the harness's own process and anvil are not Node processes started now).
    const before = process.env.NODE_OPTIONS;
    // (percent-encoded: NODE_OPTIONS splits on spaces)
    process.env.NODE_OPTIONS = `--import=data:text/javascript,throw%20new%20Error(%22refused%20by%20the%20harness%20test%22)`;
    const startedAt = Date.now();
    try {
      await assert.rejects(
        startTestConsortium([{ name: "gamma", roles: ["TNSP"] }], { agentProcesses: true }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, "AGENT_NOT_HEALTHY");
          assert.match(error.message, /agent "gamma"/);
          assert.match(error.message, /process exited/);
          assert.match(error.message, /refused by the harness test/);
          return true;
        },
      );
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
    // It fails as soon as the process exits, not after the health timeout.
    assert.ok(Date.now() - startedAt < 30_000);
  });
});

// Runs the sandbox walkthrough of docs/datausage.md, exactly as written, against a small consortium of the three
// sandbox members it uses (North Mobile as controller, Origin Voice and the contact centre as processors), seeded by
// the data-usage sandbox seed. The full sandbox runs it too (test/docs/walkthroughs.test.ts); this test needs no
// sandbox start.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { seedDataUsageSandbox } from "../../src/datausage/seed.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { outputsByStep, scriptOf, walkthroughsIn } from "../docs/walkthroughBlocks.ts";

const root = new URL("../..", import.meta.url).pathname;
const MEMBERS = [
  { name: "mno-north", roles: ["MOBILE_OPERATOR"] },
  { name: "osp", roles: ["OSP", "CSP"] },
  { name: "call-centre", roles: ["BPO"] },
];

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe("docs/datausage.md walkthrough against the three members it uses", () => {
  let consortium: TestConsortium;
  const dataDir = mkdtempSync(join(tmpdir(), "datausage-walkthrough-"));

  before(async () => {
    consortium = await startTestConsortium(MEMBERS);
    const agents = MEMBERS.map((m) => {
      const agent = consortium.agents[m.name] as TestAgent;
      return { ...m, url: agent.url, apiKey: agent.adminKey, memberAccount: agent.agent.config.memberAccount };
    });
    await seedDataUsageSandbox(agents, () => {});
    writeFileSync(
      join(dataDir, "sandbox.json"),
      JSON.stringify({ agents: agents.map((a) => ({ name: a.name, url: a.url, apiKey: a.apiKey })) }),
    );
  });
  after(async () => {
    await consortium?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const walkthrough of walkthroughsIn(root, "docs/datausage.md")) {
    it(`${walkthrough.heading} (line ${walkthrough.line})`, async () => {
      const env = { ...process.env, TELCO_LEDGER_DATA: dataDir, NO_COLOR: "1" };
      const result = await bash(scriptOf(walkthrough), env);
      const { outputs, reached } = outputsByStep(result.stdout, walkthrough.steps.length);
      const failed = walkthrough.steps[reached];
      assert.equal(result.code, 0, `step at line ${failed?.line} failed: ${failed?.command}\n${result.stderr}`);
      walkthrough.steps.forEach((step, i) => {
        for (const text of step.expect)
          assert.ok(outputs[i]?.includes(text), `line ${step.line}: expected "${text}" in\n${outputs[i]}`);
        for (const text of step.expectNot)
          assert.ok(!outputs[i]?.includes(text), `line ${step.line}: "${text}" must not appear`);
      });
    });
  }
});

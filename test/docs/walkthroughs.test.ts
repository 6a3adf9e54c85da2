// Every walkthrough in README.md and docs/ runs, as written, against one real sandbox (devnet, contracts, 12 member
// agents, the seeded use cases) in a temporary data directory: a doc cannot drift from what the commands do.
// The blocks are the fenced `sh walkthrough` blocks (docs/walkthroughs.md), run in file order with bash and
// `npx telco-ledger`, each command's output held to the `# => text` expectations written beside it.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { reservePortRun } from "../../testkit/ports.ts";
import { markdownFiles, outputsByStep, scriptOf, type Walkthrough, walkthroughsIn } from "./walkthroughBlocks.ts";

const root = new URL("../..", import.meta.url).pathname;
const bin = join(root, "bin/telco-ledger.mjs");
const AGENTS = 12;

/** The use-case walkthroughs that must be marked runnable: [file, heading]. */
const REQUIRED = [
  ["README.md", "Using it"],
  ["README.md", "The use cases in the sandbox"],
  ["docs/eidl.md", "Try it in the sandbox"],
  ["docs/roaming.md", "In the sandbox"],
  ["docs/stir.md", "Sandbox walkthrough (after npm start)"],
  ["docs/registries.md", "In the sandbox"],
  ["docs/content.md", "In the sandbox"],
  ["docs/pki.md", "In the sandbox"],
  ["docs/iot.md", "In the sandbox"],
  ["docs/auditing.md", "In the sandbox"],
  ["docs/console.md", "In the sandbox"],
  ["docs/settlement.md", "In the sandbox"],
] as const;

const found: Walkthrough[] = markdownFiles(root).flatMap((file) => walkthroughsIn(root, file));
// In file order, except that those which change the seeded state (a number port) come after all the others, and
// those which move the clock after those.
// A block that moves the devnet's clock runs after every other (deadlines others compute from the wall clock hold).
const rank = (w: Walkthrough) => (w.movesClock ? 2 : w.changesSeed ? 1 : 0);
const ordered = [0, 1, 2].flatMap((r) => found.filter((w) => rank(w) === r));
// WALKTHROUGHS=docs/pki.md,README.md runs only those files' blocks (while writing a doc); CI runs them all.
const only = process.env.WALKTHROUGHS?.split(",")
  .map((file) => file.trim())
  .filter(Boolean);
const walkthroughs = only ? ordered.filter((w) => only.includes(w.file)) : ordered;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("doc walkthroughs are marked", () => {
  it("marks every use-case walkthrough runnable", () => {
    for (const [file, heading] of REQUIRED) {
      assert.ok(
        ordered.some((w) => w.file === file && w.heading === heading && w.steps.length > 0),
        `${file} "${heading}" has no \`sh walkthrough\` block`,
      );
    }
  });
});

describe("doc walkthroughs run against a sandbox", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "telco-walkthroughs-"));
  const env: NodeJS.ProcessEnv = { ...process.env, TELCO_LEDGER_DATA: dataDir, NO_COLOR: "1" };
  let sandbox: ChildProcess | undefined;

  before(async () => {
    // Reserved (lock files) so a test file running at the same time cannot be handed the same ports.
    const rpcPort = await reservePortRun(AGENTS + 1);
    const args = ["sandbox", "up", "--rpc-port", String(rpcPort), "--base-port", String(rpcPort + 1), "--json"];
    // Its own process group (detached), killed whole when this process ends any way but through `after`: the runner
    // ends a file that passes its time limit with SIGTERM, and `after` never runs then, which used to leave the
    // devnet and twelve agents running.
    sandbox = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    process.once("exit", killSandboxGroup);
    process.once("SIGTERM", () => {
      killSandboxGroup();
      process.exit(143);
    });
    let stdout = "";
    let stderr = "";
    sandbox.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    sandbox.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    // Ten minutes: the sandbox's own agent wait; on a quiet machine it is up in about a minute.
    const deadline = Date.now() + 600_000;
    while (!stdout.trim().endsWith("}")) {
      assert.equal(sandbox.exitCode, null, `sandbox up exited: ${stderr}`);
      assert.ok(Date.now() < deadline, `sandbox not up within 600 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  function killSandboxGroup(): void {
    // The whole group, even when its leader has exited: an agent it failed to stop goes too.
    if (!sandbox?.pid) return;
    try {
      process.kill(-sandbox.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  after(async () => {
    if (sandbox && sandbox.exitCode === null) {
      const exited = new Promise((resolve) => sandbox?.once("exit", resolve));
      sandbox.kill("SIGINT");
      const timer = setTimeout(killSandboxGroup, 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const walkthrough of walkthroughs) {
    it(`${walkthrough.file}:${walkthrough.line} (${walkthrough.heading}) runs as written`, async () => {
      const result = await run("bash", ["-c", scriptOf(walkthrough)], env);
      const { outputs, reached } = outputsByStep(result.stdout, walkthrough.steps.length);
      const where = walkthrough.steps[Math.max(reached, 0)];
      assert.equal(
        result.code,
        0,
        `exit ${result.code} at ${walkthrough.file}:${where?.line}: ${where?.command}\n${result.stderr}`,
      );
      for (const [index, step] of walkthrough.steps.entries()) {
        const output = outputs[index] ?? "";
        for (const text of step.expect) {
          assert.ok(output.includes(text), `${walkthrough.file}:${step.line}: output lacks "${text}":\n${output}`);
        }
        for (const text of step.expectNot) {
          assert.ok(!output.includes(text), `${walkthrough.file}:${step.line}: output has "${text}":\n${output}`);
        }
      }
    });
  }
});

// Issue 11 item 10: sip/bin/stir-agent.sh (Kamailio's bridge to the agent) must not put the API key on curl's command
// line, which any local user reads in `ps` or /proc/<pid>/cmdline. The script runs against a real agent with a `curl`
// first on PATH that records its own /proc/self/cmdline and then execs the real curl with the same arguments, so the
// recorded command line is exactly the one `ps` would show; the answer proves the key still reached the agent.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { SIP_DIR } from "../../testkit/sip.ts";

const SCRIPT = join(SIP_DIR, "bin", "stir-agent.sh");

function realCurl(): string {
  const found = spawnSync("sh", ["-c", "command -v curl"], { encoding: "utf8" }).stdout.trim();
  assert.ok(found.startsWith("/"), "curl is installed");
  return found;
}

describe("stir-agent.sh keeps the API key off the command line", () => {
  let consortium: TestConsortium;
  let agent: TestAgent;
  let dir: string;
  let key: string;

  before(async () => {
    consortium = await startTestConsortium([{ name: "tsp", roles: [] }]);
    agent = consortium.agents.tsp!;
    const created = await agent.call<{ key: string }>("POST", "/v1/api-keys", {
      userName: "kamailio",
      role: "read-only",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    key = created.body.key;
    dir = await mkdtemp(join(tmpdir(), "stir-agent-script-"));
    await writeFile(join(dir, "api.key"), key, { mode: 0o600 });
    const shimDir = join(dir, "bin");
    await mkdir(shimDir);
    await writeFile(
      join(shimDir, "curl"),
      `#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/cmdline > "${dir}/cmdline.$$"\nexec ${realCurl()} "$@"\n`,
    );
    await chmod(join(shimDir, "curl"), 0o755);
  });
  after(async () => {
    await consortium?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the script without blocking: the agent answers from this very process. */
  const run = (keyFile: string) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "sh",
        [SCRIPT, "verify", "12155551212", "12155550100"],
        {
          encoding: "utf8",
          env: {
            PATH: `${join(dir, "bin")}:${process.env.PATH}`,
            STIR_AGENT_URL: agent.url,
            STIR_API_KEY_FILE: keyFile,
          },
        },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("verifies through the agent while curl's command line holds no part of the key", async () => {
    const result = await run(join(dir, "api.key"));
    assert.equal(result.status, 0, `stderr: ${result.stderr}`);
    const [verstat] = result.stdout.split("\n");
    assert.match(verstat ?? "", /^(No-)?TN-Validation/, result.stdout);
    const recorded = (await readdir(dir)).filter((name) => name.startsWith("cmdline."));
    assert.equal(recorded.length, 1, "curl ran once, through the recording shim");
    const cmdline = await readFile(join(dir, recorded[0]!), "utf8");
    assert.match(cmdline, /\/stir\/v1\/verification/, "the recorded command line is curl's");
    const secret = key.split("_").at(-1) ?? key;
    assert.ok(!cmdline.includes(key) && !cmdline.includes(secret), `the key is on curl's command line:\n${cmdline}`);
    assert.doesNotMatch(cmdline, /authorization|bearer/i);
  });

  it("fails (exit 1, nothing printed) with a key the agent does not know: the header really carries the key", async () => {
    await writeFile(join(dir, "wrong.key"), `${key.slice(0, -4)}0000`, { mode: 0o600 });
    const result = await run(join(dir, "wrong.key"));
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
  });
});

// One sandbox per data directory: a second `sandbox up` on a directory in use refuses at once, naming the running
// process; once that process is gone (kill -9), the next one takes the lock over and starts.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SANDBOX_MEMBERS } from "../../src/sandbox/consortium.ts";
import { acquireSandboxLock, SandboxRunningError } from "../../src/sandbox/lock.ts";
import { reservePortRun } from "../../testkit/ports.ts";

const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;

/** `sandbox up` in its own process group, so kill -9 of the group takes its devnet and agents with it. */
function sandboxUp(dataDir: string, basePort: number, ...extra: string[]): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    [
      bin,
      "sandbox",
      "up",
      "--data-dir",
      dataDir,
      "--rpc-port",
      String(basePort - 1),
      "--base-port",
      String(basePort),
    ].concat(extra),
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return Object.assign(child, { output: () => output });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const lockHolder = (dataDir: string) =>
  JSON.parse(readFileSync(join(dataDir, "sandbox.lock"), "utf8")) as { pid: number };

describe("sandbox lock", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "telco-sandbox-lock-"));
  const groups: ChildProcess[] = [];
  after(() => {
    for (const child of groups) {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a second sandbox on the same data directory, naming the first; takes over after kill -9", async () => {
    // The devnet's port (basePort - 1), then one per member agent, reserved so another test file cannot take them.
    const basePort = (await reservePortRun(SANDBOX_MEMBERS.length + 1)) + 1;
    const first = sandboxUp(dataDir, basePort);
    groups.push(first);
    await until("the first sandbox's lock", () => existsSync(join(dataDir, "sandbox.lock")), 60_000);
    assert.equal(lockHolder(dataDir).pid, first.pid);
    // Let the first bind its devnet port, so a second one would collide if it went on.
    await until("the first sandbox's devnet", () => /deploying|preparing/.test(first.output()), 120_000);

    const startedAt = Date.now();
    const second = sandboxUp(dataDir, basePort);
    groups.push(second);
    const code = await exited(second);
    assert.equal(code, 1, second.output());
    assert.ok(Date.now() - startedAt < 30_000, "refused at once, not after port fights");
    assert.match(
      second.output(),
      new RegExp(
        `SANDBOX_RUNNING: a sandbox already runs on this data directory: pid ${first.pid}, started \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    assert.match(second.output(), /command: .*sandbox up/);
    assert.doesNotMatch(second.output(), /sandbox running|EADDRINUSE/);
    assert.equal(first.exitCode, null, "the first sandbox is untouched");

    // kill -9 of the whole first sandbox (supervisor, devnet, agents): its lock stays behind, stale.
    process.kill(-(first.pid as number), "SIGKILL");
    await exited(first);
    assert.equal(lockHolder(dataDir).pid, first.pid);

    const third = sandboxUp(dataDir, basePort);
    groups.push(third);
    // It takes the lock over and gets past the devnet on the same port (the first one's is gone with it).
    await until("the new sandbox past its devnet", () => /preparing member agents/.test(third.output()), 120_000);
    assert.match(
      third.output(),
      new RegExp(`taking over .*sandbox\\.lock: its holder \\(pid ${first.pid}, started .*\\) is no longer running`),
    );
    assert.equal(lockHolder(dataDir).pid, third.pid);
  });

  it("treats a live holder as running and a dead one as stale (in process)", () => {
    const dir = mkdtempSync(join(tmpdir(), "telco-lock-unit-"));
    try {
      const notes: string[] = [];
      const mine = acquireSandboxLock(dir, (m) => notes.push(m));
      assert.throws(
        () => acquireSandboxLock(dir, (m) => notes.push(m)),
        (error: unknown) => error instanceof SandboxRunningError && error.holder.pid === process.pid,
      );
      mine.release();
      assert.equal(existsSync(join(dir, "sandbox.lock")), false);
      assert.equal(notes.length, 0);
      // A holder whose process has exited.
      const gone = spawnSync(process.execPath, ["-e", ""]).pid;
      writeFileSync(join(dir, "sandbox.lock"), JSON.stringify({ pid: gone, startedAt: "2026-01-01T00:00:00.000Z" }));
      const taken = acquireSandboxLock(dir, (m) => notes.push(m));
      assert.match(notes.join("\n"), new RegExp(`its holder \\(pid ${gone}, started 2026-01-01T00:00:00.000Z\\)`));
      assert.equal(lockHolder(dir).pid, process.pid);
      taken.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

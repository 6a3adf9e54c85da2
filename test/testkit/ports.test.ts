// The test harness's port reservations: two test processes asking at once never get the same number, a reserved
// number is outside the OS's ephemeral range, and a number a server listens on or another process holds is skipped.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  listenOnFreePort,
  RESERVED_RANGE,
  releasePort,
  reserveFirstFree,
  reservePort,
  reservePortRun,
} from "../../testkit/ports.ts";

const PORTS_MODULE = new URL("../../testkit/ports.ts", import.meta.url).href;
const lockOf = (port: number) => join(tmpdir(), "telco-ledger-test-ports", `${port}.lock`);

/**
 * Starts `children` processes at once, each running `reserve` (which pushes to `ports`), printing its ports and
 * holding them until `exit` closes its stdin.
 */
async function reserveInChildren(children: number, reserve: string) {
  const script = `import { reservePort, reservePortRun } from ${JSON.stringify(PORTS_MODULE)};
    const ports = [];
    ${reserve}
    console.log(JSON.stringify(ports));
    process.stdin.resume();
    process.stdin.on("end", () => process.exit(0));`;
  const started = Array.from({ length: children }, () =>
    spawn(process.execPath, ["--disable-warning=ExperimentalWarning", "--input-type=module", "-e", script], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const printed = await Promise.all(
    started.map(
      (child) =>
        new Promise<number[]>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (chunk) => {
            out += chunk;
            if (out.endsWith("\n")) resolve(JSON.parse(out) as number[]);
          });
          child.once("exit", (code) => reject(new Error(`child exited with ${code} before printing its ports`)));
        }),
    ),
  );
  const exit = () =>
    Promise.all(
      started.map((child) => {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.stdin.end();
        return exited;
      }),
    );
  return { printed, exit };
}

describe("test ports", () => {
  it("never hands the same port to two processes reserving at once, and frees them when each exits", async () => {
    // Four children reserve 150 ports each at the same time, print them, and hold them until told to exit.
    const { printed, exit } = await reserveInChildren(
      4,
      "for (let i = 0; i < 150; i++) ports.push(await reservePort());",
    );
    const all = printed.flat();
    assert.equal(all.length, 600);
    assert.equal(new Set(all).size, 600, "a port was handed to two processes holding it at the same time");
    for (const port of all) {
      assert.ok(port >= RESERVED_RANGE.from && port <= RESERVED_RANGE.to, `${port} outside the reserved range`);
      assert.ok(existsSync(lockOf(port)), `no lock for ${port} while its process holds it`);
    }
    await exit();
    for (const port of all) assert.ok(!existsSync(lockOf(port)), `the lock of ${port} outlived its process`);
  });

  it("reserves runs of consecutive ports that two processes reserving at once never share", async () => {
    // A sandbox is given one base port and counts up from it: each child reserves 20 runs of 17 ports.
    const { printed, exit } = await reserveInChildren(
      2,
      "for (let i = 0; i < 20; i++) { const first = await reservePortRun(17); for (let p = first; p < first + 17; p++) ports.push(p); }",
    );
    const all = printed.flat();
    assert.equal(all.length, 2 * 20 * 17);
    assert.equal(new Set(all).size, all.length, "a port of a run was handed to two processes at once");
    for (const port of all) {
      assert.ok(port >= RESERVED_RANGE.from && port <= RESERVED_RANGE.to, `${port} outside the reserved range`);
      assert.ok(existsSync(lockOf(port)), `no lock for ${port} while its process holds it`);
    }
    await exit();
    for (const port of all) assert.ok(!existsSync(lockOf(port)), `the lock of ${port} outlived its process`);
  });

  it("holds every port of a run in a lock file naming this process until each is released", async () => {
    const first = await reservePortRun(5);
    const run = [0, 1, 2, 3, 4].map((i) => first + i);
    for (const port of run) assert.equal(readFileSync(lockOf(port), "utf8"), String(process.pid));
    for (const port of run) releasePort(port);
    for (const port of run) assert.ok(!existsSync(lockOf(port)));
  });

  it("holds a reservation in a lock file naming this process until it is released", async () => {
    const port = await reservePort();
    assert.equal(readFileSync(lockOf(port), "utf8"), String(process.pid));
    releasePort(port);
    assert.ok(!existsSync(lockOf(port)));
  });

  it("skips a port a server listens on and a port another process holds", async () => {
    const [listened, lockedElsewhere, free] = [
      RESERVED_RANGE.from + 11,
      RESERVED_RANGE.from + 12,
      RESERVED_RANGE.from + 13,
    ];
    for (const p of [listened, lockedElsewhere, free])
      assert.ok(!existsSync(lockOf(p)), `${p} is in use by another run`);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(listened, "127.0.0.1", resolve));
    // Another live process's lock (this test's parent process stands in for it).
    writeFileSync(lockOf(lockedElsewhere), String(process.ppid), { flag: "wx" });
    try {
      assert.equal(await reserveFirstFree([listened, lockedElsewhere, free]), free);
      assert.equal(readFileSync(lockOf(lockedElsewhere), "utf8"), String(process.ppid), "another's lock untouched");
      releasePort(free);
      await assert.rejects(reserveFirstFree([listened, lockedElsewhere]), /no free port/);
    } finally {
      server.close();
      rmSync(lockOf(lockedElsewhere), { force: true });
    }
  });

  it("a server on port 0 reports the port it was given", async () => {
    const server = createServer();
    const port = await listenOnFreePort(server);
    try {
      assert.deepEqual(server.address(), { address: "127.0.0.1", family: "IPv4", port });
    } finally {
      server.close();
    }
  });
});

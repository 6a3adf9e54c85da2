// Loopback ports for the servers tests and benchmarks start.
//
// A server in this process listens on port 0 and reports the port the OS bound (`listenOnFreePort`): nothing can
// take it in between. A child process (an agent, PostgreSQL, secsipidx, Kamailio, sipp) must be told its port before
// it starts, and "ask the OS for a free port, close it, hand the number over" races: with two test files running at
// once, both can be handed the same number, or an outgoing connection can take it as its ephemeral port before the
// child binds it. `reservePort` avoids both:
// - it picks from 20000-29999, below Linux's ephemeral range (32768-60999), so the OS never hands these numbers out
//   on its own (not to listen(0), not to an outgoing connection);
// - it claims the number with a lock file created exclusively (O_EXCL) in a directory every test process shares, so
//   two test processes never hold the same number; the lock names its pid and is removed when that process exits or
//   calls `releasePort` (a lock left by a killed process is skipped, never taken over: see `claim`);
// - it checks that nothing else (a sandbox, a stray server) holds the number on TCP or UDP before handing it over.
// Processes that do not use this module (a developer's `npm start` on 7401 and 8545) are outside that range.
import { createSocket } from "node:dgram";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const RESERVED_RANGE = { from: 20_000, to: 29_999 } as const;
const LOCK_DIR = join(tmpdir(), "telco-ledger-test-ports");
const ATTEMPTS = 200;
const held = new Set<number>();
let exitHookInstalled = false;

/** Listens on a port the OS picks and returns it: for servers in this process. */
export async function listenOnFreePort(server: Pick<Server, "listen" | "address" | "once">): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the server reports no TCP address");
  return address.port;
}

/**
 * A loopback port number for a child process to bind (TCP or UDP), held for this process until it exits. Call
 * `releasePort` when the child is gone to hand the number back earlier.
 */
export function reservePort(): Promise<number> {
  return reserveFirstFree(randomCandidates());
}

/** The first of `candidates` no other test process holds and nothing listens on (TCP or UDP), now reserved. */
export async function reserveFirstFree(candidates: Iterable<number>): Promise<number> {
  mkdirSync(LOCK_DIR, { recursive: true });
  for (const port of candidates) {
    if (held.has(port) || !claim(port)) continue;
    if ((await tcpFree(port)) && (await udpFree(port))) {
      held.add(port);
      if (!exitHookInstalled) {
        process.once("exit", releaseAll);
        exitHookInstalled = true;
      }
      return port;
    }
    rmSync(lockFile(port), { force: true });
  }
  throw new Error(`no free port among the candidates in ${RESERVED_RANGE.from}-${RESERVED_RANGE.to}`);
}

/**
 * `count` consecutive loopback ports, each reserved as by `reservePort`; returns the first. For a child that is
 * given one base port and counts up from it (a sandbox: its devnet, then one port per agent).
 */
export async function reservePortRun(count: number): Promise<number> {
  const firsts = RESERVED_RANGE.to - RESERVED_RANGE.from + 2 - count;
  if (!Number.isInteger(count) || count < 1 || firsts < 1) throw new Error(`cannot reserve a run of ${count} ports`);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const first = RESERVED_RANGE.from + Math.floor(Math.random() * firsts);
    const taken: number[] = [];
    for (let port = first; port < first + count; port++) {
      const got = await reserveFirstFree([port]).catch(() => undefined);
      if (got === undefined) break;
      taken.push(got);
    }
    if (taken.length === count) return first;
    // Part of the run is held elsewhere: hand back what was taken and try another place.
    for (const port of taken) releasePort(port);
  }
  throw new Error(`no run of ${count} free ports in ${RESERVED_RANGE.from}-${RESERVED_RANGE.to}`);
}

function* randomCandidates(): Generator<number> {
  const size = RESERVED_RANGE.to - RESERVED_RANGE.from + 1;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) yield RESERVED_RANGE.from + Math.floor(Math.random() * size);
}

export function releasePort(port: number): void {
  if (!held.delete(port)) return;
  rmSync(lockFile(port), { force: true });
}

const lockFile = (port: number) => join(LOCK_DIR, `${port}.lock`);

/**
 * Creates the port's lock file exclusively. False when it exists, whether its process is alive or not: taking over a
 * dead process's lock cannot be made atomic with plain files (two processes could both remove it and both create
 * it), and a lock left by a killed process only takes one number of ten thousand out of use.
 */
function claim(port: number): boolean {
  try {
    writeFileSync(lockFile(port), String(process.pid), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function releaseAll(): void {
  for (const port of held) rmSync(lockFile(port), { force: true });
  held.clear();
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

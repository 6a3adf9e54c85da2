// Prints "<rpcPort> <basePort>": a free port for the sandbox's devnet and the first of a run of free consecutive ports
// for its agents, so the checkers' sandbox never collides with a developer's own sandbox on the default ports.
// The ports are drawn from 30000-32767: below Linux's ephemeral range (32768-60999), so no outgoing connection or
// listen(0) is handed one meanwhile, and above the test harness's reserved range (testkit/ports.ts, 20000-29999), so a
// test running beside the checkers cannot be given the same ports between this check and the sandbox's bind.
// Usage: node scripts/checks/free-ports.ts [agentPorts=16]
import { createServer } from "node:net";

const RANGE = { from: 30_000, to: 32_767 } as const;

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** First port of `count` consecutive free ports in RANGE. */
export async function freePortRun(count: number, attempts = 50): Promise<number> {
  const firsts = RANGE.to - RANGE.from + 2 - count;
  for (let i = 0; i < attempts && firsts > 0; i++) {
    const base = RANGE.from + Math.floor(Math.random() * firsts);
    let ok = true;
    for (let port = base; port < base + count && ok; port++) ok = await listens(port);
    if (ok) return base;
  }
  throw new Error(`no run of ${count} free consecutive ports in ${RANGE.from}-${RANGE.to}`);
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 16);
  if (!Number.isInteger(count) || count < 1) {
    console.error("usage: free-ports.ts [agentPorts]");
    process.exit(2);
  }
  // One run: the devnet's port, then the agents'.
  const rpc = await freePortRun(count + 1);
  console.log(`${rpc} ${rpc + 1}`);
}

// Prints "<rpcPort> <basePort>": a free port for the sandbox's devnet and the first of a run of free consecutive ports
// for its agents, so the checkers' sandbox never collides with a developer's own sandbox on the default ports.
// Usage: node scripts/checks/free-ports.ts [agentPorts=16]
import { createServer } from "node:net";

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === undefined) throw new Error("the OS gave no free port");
  return port;
}

/** First port of `count` consecutive free ports in the unprivileged, non-ephemeral range. */
export async function freePortRun(count: number, exclude: number[] = [], attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let port = base; port < base + count && ok; port++) {
      ok = !exclude.includes(port) && (await tryListen(port)) === port;
    }
    if (ok) return base;
  }
  throw new Error(`no run of ${count} free consecutive ports found`);
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 16);
  if (!Number.isInteger(count) || count < 1) {
    console.error("usage: free-ports.ts [agentPorts]");
    process.exit(2);
  }
  const rpc = await freePort();
  console.log(`${rpc} ${await freePortRun(count, [rpc])}`);
}

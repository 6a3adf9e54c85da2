// A round-robin TCP load balancer in its own Node process, for benchmarks of several agent replicas behind one
// address. Layer 4 only: each client connection goes to the next backend in turn and its bytes are piped both ways
// untouched (no HTTP parsing, so keep-alive connections stay on the backend they were given, as with HAProxy's
// `mode tcp` + `balance roundrobin`). With a closed-loop load generator holding C connections, N backends each
// get C/N of them. A backend that refuses the connection is skipped for that connection (the next one is tried).
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

export interface Balancer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the balancer process in front of `backends` (loopback ports); resolves once it listens. */
export async function startBalancer(backends: number[]): Promise<Balancer> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), ...backends.map(String)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening (\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`the balancer exited (code ${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    },
  };
}

function serve(backends: number[]): void {
  let next = 0;
  const server = createServer({ noDelay: true }, (client: Socket) => {
    client.pause();
    const attempt = (tries: number) => {
      const port = backends[next++ % backends.length] as number;
      const upstream = connect({ host: "127.0.0.1", port, noDelay: true });
      upstream.once("connect", () => {
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once("error", () => {
        if (upstream.connecting && tries + 1 < backends.length) attempt(tries + 1);
        else client.destroy();
      });
    };
    attempt(0);
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (typeof address === "object" && address) process.stdout.write(`listening ${address.port}\n`);
  });
  process.on("SIGTERM", () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) serve(process.argv.slice(2).map(Number));

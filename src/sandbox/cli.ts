// `telco-ledger sandbox up|status`: the whole consortium on one machine for development, demos and tests.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { defaultDataDir } from "../cli/agentClient.ts";
import { printResult, progress, table } from "../cli/output.ts";
import type { RunningSandbox, SandboxFile } from "./sandbox.ts";

// sandbox.ts starts the devnet and every agent (thousands of modules): imported inside `sandbox up` only, so that
// registering these commands (done by every `telco-ledger` command) stays cheap.

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command("sandbox").description("a seeded consortium on this machine: devnet + member agents");
  sandbox
    .command("up")
    .description("start (or resume) the devnet, deploy the contracts and run one agent per seeded member")
    .option("--data-dir <dir>", "data directory (env TELCO_LEDGER_DATA, default ./data)")
    .option("--rpc-port <port>", "devnet RPC port", (v) => Number(v), Number(process.env.TELCO_LEDGER_RPC_PORT ?? 8545))
    .option(
      "--base-port <port>",
      "first agent port; agents use consecutive ports",
      (v) => Number(v),
      Number(process.env.TELCO_LEDGER_BASE_PORT ?? 7401),
    )
    .option("--chain-id <id>", "chain id of a new devnet", (v) => Number(v), 31_337_001)
    .option("--block-time <seconds>", "interval mining (default: a block per transaction)", (v) => Number(v))
    .option("--detach-after-ready", "exit once everything is up and sandbox.json is written (tests, CI)")
    .option("--json", "print the sandbox file as JSON")
    .action(async (o) => {
      const dataDir = resolve(o.dataDir ?? defaultDataDir());
      const { sandboxUp } = await import("./sandbox.ts");
      // Set once sandboxUp returns; the devnet can only give up after that (it needs a minute of failed restarts).
      let running: RunningSandbox | undefined;
      running = await sandboxUp({
        dataDir,
        rpcPort: o.rpcPort,
        basePort: o.basePort,
        chainId: o.chainId,
        ...(o.blockTime ? { blockTimeSeconds: o.blockTime } : {}),
        logger: {
          info() {},
          warn: (_f, m) => progress(o, m),
          error: (_f, m) => progress(o, m),
        },
        progress: (m) => progress(o, m),
        // Agents without a ledger would answer every write with 503: stop everything and say why.
        onChainLost: (reason) => {
          console.error(`sandbox stopping: ${reason}`);
          void running?.stop().finally(() => process.exit(1));
        },
      });
      const started = running;
      printResult(started.file, o, (f: SandboxFile) => describe(f, join(dataDir, "sandbox.json")));
      const stop = async () => {
        progress(o, "stopping agents and devnet");
        await started.stop();
        process.exit(0);
      };
      if (o.detachAfterReady) return stop();
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
      if (!o.json) console.log("\nsandbox running; Ctrl-C stops it. Run `npm start` again to resume the same state.");
    });

  sandbox
    .command("status")
    .description("print the running sandbox's URLs and keys from <data-dir>/sandbox.json")
    .option("--data-dir <dir>", "data directory (env TELCO_LEDGER_DATA, default ./data)")
    .option("--json", "print the raw JSON")
    .action(async (o) => {
      const path = join(resolve(o.dataDir ?? defaultDataDir()), "sandbox.json");
      const file = JSON.parse(readFileSync(path, "utf8")) as SandboxFile;
      const health = await Promise.all(
        file.agents.map(async (a) => {
          try {
            return (await fetch(`${a.url}/health`)).ok ? "ok" : "degraded";
          } catch {
            return "down";
          }
        }),
      );
      printResult({ ...file, health: Object.fromEntries(file.agents.map((a, i) => [a.name, health[i]])) }, o, () =>
        describe(file, path, health),
      );
    });
}

function describe(file: SandboxFile, path: string, health?: string[]): string {
  const rows = file.agents.map((a, i) => ({
    agent: a.name,
    roles: a.roles.filter((r) => r !== "GOVERNOR").join(","),
    url: a.url,
    ...(health ? { health: health[i] ?? "" } : {}),
    apiKey: a.apiKey,
  }));
  const contracts = Object.entries(file.chain.contracts).map(([name, c]) => `  ${name.padEnd(26)} ${c.address}`);
  return [
    `ledger   ${file.chain.rpcUrl} (chain id ${file.chain.chainId})`,
    ...contracts,
    "",
    table(rows),
    "",
    `console: open ${file.agents[0]?.url ?? "<agent url>"}/ in a browser (every agent's URL leads to its member's console; sign in with that agent's apiKey)`,
    `API docs: <agent url>/docs   all of this: ${path}`,
  ].join("\n");
}

// `telco-ledger devnet start` and `telco-ledger deploy`: the ledger node for development, and the one command that
// deploys every platform contract idempotently and writes the deployment manifest.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { defaultDataDir } from "../cli/agentClient.ts";
import { printResult, progress, table } from "../cli/output.ts";
import type { FoundingMember } from "./deploymentPlan.ts";

// The devnet and the deployer load the chain libraries and every domain plugin: imported inside their actions, so
// that registering these commands (done by every `telco-ledger` command) stays cheap.

export function registerDevnetCommands(program: Command): void {
  const devnet = program.command("devnet").description("the embedded ledger node (anvil, supervised, durable state)");
  devnet
    .command("start")
    .description("run the devnet in the foreground on loopback; state persists in <data-dir>/devnet")
    .option("--data-dir <dir>", "data directory (env TELCO_LEDGER_DATA, default ./data)")
    .option("--port <port>", "RPC port", (v) => Number(v), 8545)
    .option("--chain-id <id>", "chain id, fixed when the devnet is first created", (v) => Number(v))
    .option("--block-time <seconds>", "interval mining instead of a block per transaction", (v) => Number(v))
    .option("--allow-fresh-chain", "start empty when the state is unusable and no good copy exists (loses all data)")
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const dataDir = resolve(o.dataDir ?? defaultDataDir());
      progress(o, `starting the devnet in ${dataDir}/devnet`);
      const { startDevnet } = await import("../core/chain/devnet/devnet.ts");
      const node = await startDevnet({
        dataDir,
        port: o.port,
        ...(o.chainId ? { chainId: o.chainId } : {}),
        ...(o.blockTime ? { blockTimeSeconds: o.blockTime } : {}),
        ...(o.allowFreshChain ? { allowFreshChain: true } : {}),
      });
      printResult(
        { rpcUrl: node.rpcUrl, chainId: node.chainId, stateFile: node.stateFile },
        o,
        (r: { rpcUrl: string; chainId: number }) =>
          `devnet ready: ${r.rpcUrl} (chain id ${r.chainId}); Ctrl-C stops it`,
      );
      const stop = async () => {
        await node.stop();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
    });

  program
    .command("deploy")
    .description("deploy every platform contract idempotently and write the deployment manifest")
    .requiredOption("--rpc-url <url>", "Ethereum JSON-RPC URL (the devnet, or a Besu QBFT node)")
    .requiredOption("--chain-id <id>", "expected chain id (refused when the node reports another)", (v) => Number(v))
    .requiredOption("--founders <file>", 'JSON file: [{ "account": "0x…", "name": "…", "roles": ["TNSP", …] }, …]')
    .option("--manifest <file>", "manifest path", "deployment.json")
    .option("--deployer-dir <dir>", "deployer keystore and journal", "deployer")
    .option(
      "--passphrase-env <name>",
      "environment variable with the deployer keystore passphrase",
      "TELCO_DEPLOYER_PASSPHRASE",
    )
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const passphrase = process.env[o.passphraseEnv];
      if (!passphrase) throw new Error(`set ${o.passphraseEnv} to the deployer keystore passphrase`);
      const founders = JSON.parse(readFileSync(o.founders, "utf8")) as FoundingMember[];
      const steps: Array<{ contract: string; outcome: string; address: string }> = [];
      const { deployPlatform } = await import("./deployer.ts");
      const manifest = await deployPlatform({
        rpcUrl: o.rpcUrl,
        chainId: o.chainId,
        founders,
        manifestPath: resolve(o.manifest),
        deployerDir: resolve(o.deployerDir),
        passphrase,
        logger: { info() {}, warn: (_f, m) => progress(o, m), error: (_f, m) => progress(o, m) },
        onStep: (contract, outcome, address) => {
          steps.push({ contract, outcome, address });
          progress(o, `${contract} ${outcome} at ${address}`);
        },
      });
      printResult(manifest, o, () => `${table(steps)}\nmanifest: ${resolve(o.manifest)}`);
    });
}

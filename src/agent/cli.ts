// `telco-ledger agent ...`: create an agent's home, run it, bootstrap API keys, and show who it is.

import { resolve } from "node:path";
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress, table } from "../cli/output.ts";
import { createApiKey, listApiKeys, ROLES, type Role } from "../core/api/api-keys.ts";

// The config loader, the agent, its store and init load thousands of modules (the chain libraries, Fastify, every
// domain); they are imported inside the actions that use them, so `telco-ledger <anything> --help` stays fast.

export function registerAgentCommands(program: Command): void {
  const agent = program.command("agent").description("run and administer a member agent");

  agent
    .command("init")
    .description("create an agent home: config, encrypted keystore and the member's governance account")
    .requiredOption("--home <dir>", "agent home directory (config goes to <dir>/agent.json)")
    .requiredOption("--name <name>", "short member name, e.g. tnsp-alpha")
    .requiredOption("--member-name <text>", "display name of the member organisation")
    .requiredOption("--port <port>", "loopback port of the API", (v) => Number(v))
    .requiredOption("--rpc-url <url>", "Ethereum JSON-RPC URL of the ledger")
    .requiredOption("--chain-id <id>", "chain id of the ledger", (v) => Number(v))
    .requiredOption("--manifest <file>", "deployment manifest written by `telco-ledger deploy`")
    .option("--public-url <url>", "URL other members reach this agent at (default http://127.0.0.1:<port>)")
    .option("--passphrase-env <name>", "read the keystore passphrase from this environment variable (production)")
    .option(
      "--confirmations <n>",
      "blocks before a block is indexed (default: from the node's engine, 2 on Clique, 0 on QBFT and the devnet)",
      (v) => Number(v),
    )
    .option("--fund-new-accounts <wei>", "on a network with fees: wei the member account gives each new DID account")
    .option("--vote-validators", "this member's node is a validator: vote governance's validator changes into it")
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { confirmationsForNode, initAgent } = await import("./init.ts");
      // Without --confirmations, the node's engine decides: 2 on Clique (it reorganises single blocks), else 0.
      const confirmations = o.confirmations ?? (await confirmationsForNode(o.rpcUrl, o.chainId));
      const { configPath, config } = await initAgent({
        home: resolve(o.home),
        name: o.name,
        memberName: o.memberName,
        port: o.port,
        rpcUrl: o.rpcUrl,
        chainId: o.chainId,
        manifestPath: resolve(o.manifest),
        ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
        ...(o.passphraseEnv ? { passphraseEnv: o.passphraseEnv } : {}),
        confirmations,
        ...(o.fundNewAccounts ? { fundNewAccountsWei: o.fundNewAccounts } : {}),
        ...(o.voteValidators ? { voteValidators: true } : {}),
      });
      printResult(
        { configPath, memberAccount: config.memberAccount, confirmations },
        o,
        (r: { configPath: string; memberAccount: string }) =>
          `agent home ready: ${r.configPath} (confirmations ${confirmations})\nmember account (name it as a founder or propose its admission): ${r.memberAccount}`,
      );
    });

  agent
    .command("start")
    .description("run the agent in the foreground (Ctrl-C stops it)")
    .requiredOption("--config <file>", "agent config file (agent.json)")
    .action(async (o) => {
      const { loadAgentConfig } = await import("../core/config.ts");
      const { createAgent } = await import("./agent.ts");
      const config = loadAgentConfig(o.config);
      const running = await createAgent(config);
      const url = await running.start();
      running.app.log.info({ url, member: config.memberAccount }, `agent ${config.name} listening on ${url}`);
      const shutdown = async (signal: string) => {
        running.app.log.info({ signal }, "stopping");
        await running.stop();
        process.exit(0);
      };
      process.once("SIGINT", () => void shutdown("SIGINT"));
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
    });

  const keys = agent.command("api-key").description("API keys of the agent's users");
  keys
    .command("create")
    .description("create an API key offline, straight in the agent's database (bootstrap the first admin key)")
    .requiredOption("--config <file>", "agent config file")
    .requiredOption("--user <name>", "the user the key belongs to")
    .option("--role <role>", `one of ${ROLES.join(", ")}`, "admin")
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      if (!ROLES.includes(o.role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
      const { loadAgentConfig } = await import("../core/config.ts");
      const { openAgentStore } = await import("./bootstrap.ts");
      const config = loadAgentConfig(o.config);
      const store = await openAgentStore(config);
      try {
        const created = await createApiKey(store, {
          memberId: config.memberAccount.toLowerCase(),
          userName: o.user,
          role: o.role as Role,
        });
        printResult(
          { key: created.key, ...created.summary },
          o,
          (r: { key: string; keyId: string; role: string }) =>
            `API key ${r.keyId} (${r.role}); shown once, store it now:\n${r.key}`,
        );
      } finally {
        await store.close();
      }
    });
  keys
    .command("list")
    .description("list the agent's API keys (never the secrets)")
    .requiredOption("--config <file>", "agent config file")
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { loadAgentConfig } = await import("../core/config.ts");
      const { openAgentStore } = await import("./bootstrap.ts");
      const config = loadAgentConfig(o.config);
      const store = await openAgentStore(config);
      try {
        const page = await listApiKeys(store, { memberId: config.memberAccount.toLowerCase(), limit: 100 });
        printResult(page, o, (r: { items: Array<Record<string, unknown>> }) => table(r.items));
      } finally {
        await store.close();
      }
    });

  withClientOptions(agent.command("info").description("who an agent is: member, chain, contracts, public keys")).action(
    async (o: ClientOptions) => {
      progress(o, "asking the agent");
      printResult(await callAgent(targetOf(o), "GET", "/v1/agent"), o, (r: Record<string, unknown>) =>
        JSON.stringify(r, null, 2),
      );
    },
  );

  withClientOptions(
    agent
      .command("consistency")
      .description("compare the agent's read model with the chain, domain by domain; exits 1 on any difference"),
  ).action(async (o: ClientOptions) => {
    progress(o, "comparing the read model with the chain");
    const report = await callAgent<ConsistencyAnswer>(targetOf(o), "GET", "/v1/agent/consistency");
    printResult(report, o, (r: ConsistencyAnswer) =>
      r.consistent
        ? `read model equals the chain at block ${r.blockNumber} (checked: ${r.checked.join(", ")})`
        : `${r.differenceCount} differences at block ${r.blockNumber}:\n${table(
            r.differences.map((d) => ({
              ...d,
              readModel: JSON.stringify(d.readModel),
              chain: JSON.stringify(d.chain),
            })),
            ["domain", "table", "key", "readModel", "chain"],
          )}`,
    );
    if (!report.consistent) process.exitCode = 1;
  });
}

interface ConsistencyAnswer {
  blockNumber: number;
  consistent: boolean;
  checked: string[];
  differences: Array<{ domain: string; table: string; key: string; readModel: unknown; chain: unknown }>;
  differenceCount: number;
}

// `telco-ledger network init|start|stop|status|fund`: a real multi-node network on this machine (geth Clique, one
// validator per node, static peers on loopback). docs/network.md takes an operator through it.
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress, table } from "../cli/output.ts";
import { DEFAULT_BASE_PORT, DEFAULT_FUND_WEI } from "./defaults.ts";
import { invalidOption } from "./errors.ts";
import { readSpec } from "./layout.ts";
import type { MonitoredAgent } from "./monitoring.ts";

// The network kit (geth build, genesis, nodes, faucet, monitoring) loads the chain libraries: each action imports
// what it uses, so that registering these commands (done by every `telco-ledger` command) stays cheap.

const DEFAULT_DIR = "network";
const DEFAULT_CHAIN_ID = 31_338_001;

/** `--agent <name>,<url>,<api-key-file>`, repeatable. */
const agentOption = (value: string, previous: MonitoredAgent[] = []): MonitoredAgent[] => {
  const [name, url, apiKeyFile, ...rest] = value.split(",");
  if (!name || !url || !apiKeyFile || rest.length > 0)
    throw invalidOption("--agent", `expected <name>,<url>,<api-key-file>, got ${JSON.stringify(value)}`);
  return [...previous, { name, url, apiKeyFile }];
};

/** `--keystore <node>=<keystore dir>,<passphrase file>`, repeatable: keep that node's validator key there. */
const keystoreOption = (
  value: string,
  previous: Record<string, { dir: string; passphraseFile: string }> = {},
): Record<string, { dir: string; passphraseFile: string }> => {
  const match = /^(node\d+)=([^,]+),([^,]+)$/.exec(value);
  if (!match) {
    throw invalidOption("--keystore", `expected <node>=<keystore dir>,<passphrase file>, got ${JSON.stringify(value)}`);
  }
  const [, node, dir, passphraseFile] = match as unknown as [string, string, string, string];
  return { ...previous, [node]: { dir: resolve(dir), passphraseFile: resolve(passphraseFile) } };
};

const integer = (option: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalidOption(option, `must be an integer, got ${JSON.stringify(value)}`);
  return n;
};

export function registerNetworkCommands(program: Command): void {
  const network = program
    .command("network")
    .description("a multi-node consortium network on this machine: geth Clique validators (docs/network.md)");

  network
    .command("init")
    .description("create N validator nodes: signer keys, Clique genesis with a faucet, static peers, node configs")
    .option(
      "--engine <engine>",
      "geth-clique (built and run here) or besu-qbft (files only: Besu is not obtainable here)",
      "geth-clique",
    )
    .option("--validators <n>", "number of validator nodes", integer("--validators"), 4)
    .option(
      "--standby <n>",
      "further nodes whose signers join only when governance votes them in",
      integer("--standby"),
      0,
    )
    .option("--dir <dir>", "network directory", DEFAULT_DIR)
    .option(
      "--keystore <node=dir,passphrase-file>",
      "keep this node's validator key in a member's own keystore (e.g. its agent's keystore/ and keystore.passphrase)" +
        " instead of one in the node's directory; repeatable",
      keystoreOption,
    )
    .option("--chain-id <id>", "chain id", integer("--chain-id"), DEFAULT_CHAIN_ID)
    .option("--period <seconds>", "seconds between blocks", integer("--period"), 1)
    .option("--gas-limit <gas>", "block gas limit", (v) => BigInt(v))
    .option(
      "--base-port <port>",
      "node i uses base+10i (p2p), +1 (JSON-RPC, HTTP and WS), +2 (authrpc), +3 (Prometheus metrics)",
      integer("--base-port"),
      DEFAULT_BASE_PORT,
    )
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      if (o.engine === "besu-qbft") {
        if (o.standby) throw invalidOption("--standby", "is for geth-clique; on QBFT validators join by contract");
        if (o.keystore)
          throw invalidOption("--keystore", "is for geth-clique: Besu keeps its node key in its own files");
        const { initBesuNetwork } = await import("./besu/init.ts");
        const besu = await initBesuNetwork({
          dir: o.dir,
          validators: o.validators,
          chainId: o.chainId,
          blockPeriodSeconds: o.period,
          basePort: o.basePort,
          ...(o.gasLimit ? { gasLimit: o.gasLimit } : {}),
        });
        printResult(besu, o, () =>
          [
            table(besu.nodes.map((n) => ({ node: n.name, validator: n.validator, rpc: n.rpcUrl, p2p: n.ports.p2p }))),
            `chain id ${besu.chainId}, QBFT, a block every ${besu.blockPeriodSeconds} s, zero gas price`,
            `next, on each node's host: besu --config-file=${o.dir}/node1/config.toml (docs/network.md "Besu QBFT")`,
          ].join("\n"),
        );
        return;
      }
      if (o.engine !== "geth-clique") {
        throw invalidOption("--engine", `${o.engine} is not supported: use geth-clique or besu-qbft`);
      }
      const { ensureGeth } = await import("./gethBinary.ts");
      const { initNetwork } = await import("./init.ts");
      const geth = await ensureGeth((m) => progress(o, m));
      const spec = await initNetwork({
        dir: o.dir,
        geth: geth.path,
        validators: o.validators,
        standby: o.standby,
        chainId: o.chainId,
        periodSeconds: o.period,
        basePort: o.basePort,
        ...(o.gasLimit ? { gasLimit: o.gasLimit } : {}),
        ...(o.keystore ? { keystores: o.keystore } : {}),
      });
      printResult(spec, o, () =>
        [
          table(spec.nodes.map((n) => ({ node: n.name, signer: n.signer, rpc: n.rpcUrl, p2p: n.ports.p2p }))),
          `chain id ${spec.chainId}, a block every ${spec.periodSeconds} s, faucet ${spec.faucet.address}`,
          `next: telco-ledger network start --dir ${o.dir}`,
        ].join("\n"),
      );
    });

  network
    .command("qbft-contract-mode")
    .description("Besu QBFT: from --block on, read the validators from the ValidatorSet contract (genesis transition)")
    .requiredOption(
      "--block <n>",
      "first block in contract mode (every node must restart with the new genesis before it)",
      integer("--block"),
    )
    .requiredOption("--contract <address>", "the ValidatorSet address from the deployment manifest")
    .option("--dir <dir>", "network directory", DEFAULT_DIR)
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { addContractModeTransition } = await import("./besu/transition.ts");
      const genesisFile = await addContractModeTransition(resolve(o.dir), o.block, o.contract);
      printResult(
        { genesisFile, block: o.block, contract: o.contract },
        o,
        () =>
          `${genesisFile}: validators from ${o.contract} from block ${o.block}; copy it to every node and restart each`,
      );
    });

  network
    .command("start")
    .description("start the nodes (each a detached geth with a pid file and log in its directory)")
    .option("--dir <dir>", "network directory", DEFAULT_DIR)
    .option("--node <name...>", "only these nodes (e.g. to restart one)")
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { ensureGeth } = await import("./gethBinary.ts");
      const { startNodes } = await import("./nodes.ts");
      const spec = await readSpec(resolve(o.dir));
      const geth = await ensureGeth((m) => progress(o, m));
      const started = await startNodes(spec, geth.path, o.node);
      printResult(started, o, () => table(started.map((s) => ({ ...s }))));
    });

  network
    .command("stop")
    .description("stop the nodes (SIGTERM, SIGKILL after 20 s)")
    .option("--dir <dir>", "network directory", DEFAULT_DIR)
    .option("--node <name...>", "only these nodes")
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { stopNodes } = await import("./nodes.ts");
      const stopped = await stopNodes(await readSpec(resolve(o.dir)), o.node);
      printResult(stopped, o, () => table(stopped.map((s) => ({ ...s }))));
    });

  network
    .command("status")
    .description("each node's process, head, peers and whether it seals")
    .option("--dir <dir>", "network directory", DEFAULT_DIR)
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { networkStatus } = await import("./status.ts");
      const status = await networkStatus(await readSpec(resolve(o.dir)));
      printResult(status, o, () =>
        table(
          status.map((s) => ({
            node: s.name,
            pid: s.pid ?? "stopped",
            signer: s.signerPid ?? "stopped",
            head: s.head ?? "",
            hash: s.headHash?.slice(0, 10) ?? "",
            peers: s.peers ?? "",
            sealing: s.sealing === undefined ? "" : s.sealing ? "yes" : "no",
            error: s.error ?? "",
          })),
        ),
      );
    });

  network
    .command("fund")
    .description("pay accounts from the network's faucet (member accounts, a deployer)")
    .argument("<address...>", "accounts to fund")
    .option("--dir <dir>", "network directory", DEFAULT_DIR)
    .addOption(
      // The default is described as text: commander prints defaults with JSON.stringify, which refuses a BigInt.
      new Option("--amount <wei>", "wei per account (at most 1 ether)")
        .argParser(parseWei)
        .default(DEFAULT_FUND_WEI, DEFAULT_FUND_WEI.toString()),
    )
    .option("--json", "print the raw JSON result")
    .action(async (addresses: string[], o) => {
      const { fundAccounts } = await import("./faucet.ts");
      const funded = await fundAccounts(await readSpec(resolve(o.dir)), addresses, o.amount);
      printResult(funded, o, () => table(funded.map((f) => ({ ...f }))));
    });

  network
    .command("monitoring")
    .description("write a Prometheus config, alert rules and a Grafana dashboard for the nodes and member agents")
    .option("--dir <dir>", "network directory (files go to <dir>/monitoring/)", DEFAULT_DIR)
    .option(
      "--agent <name,url,key-file>",
      "a member agent to scrape, with a file holding its API key (repeatable)",
      agentOption,
    )
    .option("--scrape-interval <seconds>", "seconds between scrapes", integer("--scrape-interval"), 15)
    .option(
      "--alert-after <seconds>",
      "how long a condition holds before its alert fires",
      integer("--alert-after"),
      60,
    )
    .option("--json", "print the raw JSON result")
    .action(async (o) => {
      const { writeMonitoring } = await import("./monitoring.ts");
      const dir = resolve(o.dir);
      const files = await writeMonitoring(dir, await readSpec(dir), {
        agents: o.agent ?? [],
        scrapeIntervalSeconds: o.scrapeInterval,
        alertAfterSeconds: o.alertAfter,
      });
      printResult(files, o, () =>
        [
          table([
            { file: files.prometheusConfig, what: "Prometheus: scrape nodes and agents, load the rules" },
            { file: files.alertRules, what: "alert rules" },
            { file: files.dashboard, what: "Grafana dashboard (import, pick the Prometheus data source)" },
          ]),
          `run: prometheus --config.file=${files.prometheusConfig}`,
        ].join("\n"),
      );
    });

  registerValidatorCommands(network);
}

type Items = { items: Array<Record<string, unknown>> };

/** `network validators ...`: validator governance through a member agent's API. */
function registerValidatorCommands(network: Command): void {
  const validators = network
    .command("validators")
    .description("the consortium's validators: governance changes and each node's votes (through an agent)");
  withClientOptions(validators.command("list").description("validators governance added")).action(
    async (o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), "/v1/network/validators"), o, (r: Items) =>
        table(r.items, ["signer", "operator", "addedBlock"]),
      );
    },
  );
  withClientOptions(validators.command("changes").description("validator changes, newest first")).action(
    async (o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), "/v1/network/validator-changes"), o, (r: Items) =>
        table(r.items, ["id", "kind", "signer", "status", "approvals"]),
      );
    },
  );
  withClientOptions(
    validators
      .command("propose <add|remove> <signer>")
      .description("propose adding or removing a validator's signer (this member must govern)")
      .option("--operator <address>", "the member running the node (default: this member)"),
  ).action(async (kind: string, signer: string, o: ClientOptions & { operator?: string }) => {
    progress(o, "proposing (waits until mined)");
    const body = { kind, signer, ...(o.operator ? { operator: o.operator } : {}) };
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/network/validator-changes", body),
      o,
      (r: { changeId: string }) => `change ${r.changeId}`,
    );
  });
  withClientOptions(validators.command("approve <changeId>").description("approve a validator change")).action(
    async (changeId: string, o: ClientOptions) => {
      progress(o, "approving (waits until mined)");
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/network/validator-changes/${changeId}/approve`),
        o,
        (r: { txHash: string }) => `approved in ${r.txHash}`,
      );
    },
  );
  withClientOptions(
    validators.command("engine").description("the agent's node: its signer set and its own pending votes"),
  ).action(async (o: ClientOptions) => {
    printResult(await callAgent(targetOf(o), "GET", "/v1/network/engine"), o, (r: object) =>
      JSON.stringify(r, null, 2),
    );
  });
}

function parseWei(value: string): bigint {
  if (!/^[0-9]{1,78}$/.test(value)) throw new InvalidArgumentError("must be a whole number of wei");
  return BigInt(value);
}

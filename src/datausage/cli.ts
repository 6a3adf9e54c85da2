import type { Command } from "commander";
import { callAgent, callAgentAllItems, resolveAgentTarget } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult, readInputText, table } from "../cli/output.ts";
import { registerBrokerCommands } from "./brokerCli.ts";
import { registerCustodyCommands } from "./custodyCli.ts";
import { registerInsightCommands } from "./insightsCli.ts";
import { registerShareCommands } from "./shareCli.ts";
import { registerSubscriberCommands } from "./subscriberCli.ts";

type Row = Record<string, unknown>;
const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** A member's account from its address or its sandbox agent's name. */
export async function memberAccount(nameOrAddress: string, o: ClientOptions): Promise<string> {
  if (/^0x[0-9a-fA-F]{40}$/.test(nameOrAddress)) return nameOrAddress;
  const target = resolveAgentTarget({ agent: nameOrAddress, dataDir: o.dataDir });
  const info = await callAgent<{ memberAccount: string }>(target, "GET", "/v1/agent");
  return info.memberAccount;
}

/** key=value,key=value; values that are numbers stay numbers. */
export function dataOf(text: string): Record<string, string | number> {
  const data: Record<string, string | number> = {};
  for (const pair of list(text)) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--data: "${pair}" is not key=value`, "BAD_OPTION");
    const value = pair.slice(at + 1);
    // Only plain decimals become numbers: "+4477..." stays a string (a phone number is not a quantity).
    data[pair.slice(0, at)] = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(value) ? Number(value) : value;
  }
  return data;
}

const readJson = (file: string): unknown => JSON.parse(readInputText(file));

const contractLine = (r: Row) =>
  `contract ${r.id} controller ${r.controller} depth ${r.depth} ${r.active ? "active" : `revoked (by ${r.revokedAncestor})`}${r.held ? " held here" : ""}`;

export function registerDataUsageCommands(program: Command): void {
  const du = program
    .command("datausage")
    .description("Data usage contracts: ODRL usage control, processor chains, revocation, consent receipts");

  withClientOptions(du.command("create").description("as controller, create a subject's data usage contract"))
    .requiredOption("--subject <id>", "the subject's identifier at this controller (never on chain)")
    .requiredOption("--data <pairs>", "data items: type=value,type=value")
    .requiredOption("--policy <file>", "the ODRL policy (JSON, the data-usage profile)")
    .requiredOption("--purpose <list>", "purposes named in the consent notice")
    .option("--notice <text>", "the notice the subject agreed to", "Data usage under the attached policy")
    .option("--recipients <list>", "members the data may be transferred to (agent names or addresses)", "")
    .option("--max-depth <n>", "how many processors deep the data may travel", "0")
    .action(async (o: ClientOptions & Record<string, string>) => {
      const recipients = await Promise.all(list(o.recipients ?? "").map((r) => memberAccount(r, o)));
      const body = {
        subject: o.subject,
        data: dataOf(o.data as string),
        policy: readJson(o.policy as string),
        purposes: list(o.purpose as string),
        notice: o.notice,
        recipients,
        maxDepth: Number(o.maxDepth),
      };
      printResult(await callAgent(targetOf(o), "POST", "/v1/datausage/contracts", body), o, (r: Row) =>
        [`contract ${r.contractId} created`, `revocation secret (give it to the subject) ${r.revocationSecret}`].join(
          "\n",
        ),
      );
    });

  withClientOptions(du.command("show <id>").description("one contract: chain of parents, revocation")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/datausage/contracts/${id}`), o, contractLine);
    },
  );

  withClientOptions(du.command("list").description("contracts on the ledger"))
    .option("--controller <member>", "only this controller's (agent name or address)")
    .action(async (o: ClientOptions & { controller?: string }) => {
      const query = o.controller ? `?controller=${await memberAccount(o.controller, o)}` : "";
      printResult(
        await callAgentAllItems<Row>(targetOf(o), `/v1/datausage/contracts${query}`),
        o,
        (r: { items: Row[] }) => table(r.items, ["id", "controller", "depth", "active", "held"]),
      );
    });

  withClientOptions(du.command("decide <id>").description("what the policy answers now (nothing used or recorded)"))
    .requiredOption("--action <action>", "use | transfer")
    .requiredOption("--purpose <purpose>", "the purpose of the activity")
    .option("--recipient <member>", "for a transfer: the receiving member")
    .action(async (id: string, o: ClientOptions & { action: string; purpose: string; recipient?: string }) => {
      const body = {
        action: o.action,
        purpose: o.purpose,
        ...(o.recipient ? { recipient: await memberAccount(o.recipient, o) } : {}),
      };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/contracts/${id}/decisions`, body),
        o,
        (r: Row) => `${r.verdict}: ${r.reason}${r.notBefore ? ` (from ${r.notBefore})` : ""}`,
      );
    });

  withClientOptions(du.command("use <id>").description("use the data held under a contract, as its policy allows"))
    .requiredOption("--purpose <purpose>", "the purpose of the activity")
    .requiredOption("--activity <text>", "what the data is used for (recorded, never the data)")
    .action(async (id: string, o: ClientOptions & { purpose: string; activity: string }) => {
      const body = { purpose: o.purpose, activity: o.activity };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/contracts/${id}/uses`, body),
        o,
        (r: Row) =>
          `${r.verdict}: ${JSON.stringify(r.data)}${(r.obligations as Row[]).map((d) => `\nobligation ${d.action} by ${d.dueAt}`).join("")}`,
      );
    });

  withClientOptions(du.command("transfer <id>").description("transfer the data to a processor (creates its contract)"))
    .requiredOption("--to <member>", "the processor (agent name or address)")
    .requiredOption("--purpose <purpose>", "the purpose of the transfer")
    .action(async (id: string, o: ClientOptions & { to: string; purpose: string }) => {
      const body = { processor: await memberAccount(o.to, o), purpose: o.purpose };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/contracts/${id}/transfers`, body),
        o,
        (r: Row) => `${r.verdict}: processor contract ${r.contractId} (hand the package over: --json .package)`,
      );
    });

  withClientOptions(
    du.command("import <package>").description("as processor, take a transfer package (file, - for stdin)"),
  ).action(async (file: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/datausage/imports", readJson(file)),
      o,
      (r: Row) => `imported contract ${r.contractId} at depth ${r.depth}`,
    );
  });

  withClientOptions(du.command("revoke <id>").description("relay the subject's revocation (their secret)"))
    .requiredOption("--secret <hex>", "the revocation secret the subject got at creation")
    .action(async (id: string, o: ClientOptions & { secret: string }) => {
      const body = { contractId: id, secret: o.secret };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/datausage/revocations", body),
        o,
        (r: Row) => `contract ${r.contractId} revoked`,
      );
    });

  withClientOptions(
    du.command("anchor").description("anchor this agent's pending consultation records in one batch"),
  ).action(async (o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/datausage/consultations/batches"),
      o,
      (r: Row) => `batch ${r.batchId}: ${r.count} consultations, ${r.gasUsed} gas`,
    );
  });

  withClientOptions(
    du.command("consultations <id>").description("this agent's consultation records of a contract"),
  ).action(async (id: string, o: ClientOptions) => {
    printResult(
      await callAgentAllItems<Row>(targetOf(o), `/v1/datausage/contracts/${id}/consultations`),
      o,
      (r: { items: Row[] }) => table(r.items, ["activity", "purpose", "verdict", "batchId", "onChain"]),
    );
  });

  withClientOptions(du.command("receipt <id>").description("the subject's consent receipt from the controller")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/datausage/contracts/${id}/receipt`), o, (r: Row) =>
        JSON.stringify(r, null, 2),
      );
    },
  );

  withClientOptions(
    du.command("check-receipt <file>").description("check a consent receipt against the chain (- for stdin)"),
  ).action(async (file: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/datausage/receipts/checks", readJson(file)),
      o,
      (r: Row) => `${r.valid ? "valid" : "INVALID"}: ${r.reason}; contract ${r.active ? "active" : "not active"}`,
    );
  });

  registerInsightCommands(du);
  registerSubscriberCommands(du);
  registerBrokerCommands(du);
  registerShareCommands(du);
  registerCustodyCommands(du, memberAccount);
}

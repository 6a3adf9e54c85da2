// `telco-ledger registries ...`: the shared device register (and `registries port ...`, ports/cli.ts) through a member
// agent's API.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult, progress, table } from "../cli/output.ts";
import { registerPortCommands } from "./ports/cli.ts";
import { registerTracebackCommands } from "./traceback/cli.ts";

interface Check {
  blocked: boolean;
  device: string;
  blocks: Array<{ reportId: string; reporter: string; reporterName: string | null; status: string; reason: number }>;
}
type Items = { items: Array<Record<string, unknown>>; nextCursor: string | null };

const collect = (value: string, previous: string[] = []) => [...previous, value];
const imeisOf = (o: { imei?: string[]; file?: string }) => [
  ...(o.imei ?? []),
  ...(o.file
    ? readFileSync(o.file, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
    : []),
];
const describeCheck = (r: Check) =>
  r.blocked
    ? `blocked: ${r.blocks.map((b) => `${b.status} (reason ${b.reason}) by ${b.reporterName ?? b.reporter}`).join("; ")}`
    : "not blocked";

export function registerRegistriesCommands(program: Command): void {
  const registries = program
    .command("registries")
    .description("shared telecom registries: stolen and lost devices, number-port clearing");
  registerPortCommands(registries);
  registerTracebackCommands(registries);

  const key = registries.command("key").description("the consortium key IMEIs are keyed-hashed with");
  withClientOptions(key.command("show").description("the key's fingerprint (never the key)")).action(
    async (o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", "/v1/registries/key"), o, (r: { fingerprint: string | null }) =>
        r.fingerprint ? `fingerprint ${r.fingerprint}` : "no consortium key set",
      );
    },
  );
  withClientOptions(key.command("set <hex>").description("set the consortium key (0x and 64 hex digits)")).action(
    async (hex: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "PUT", "/v1/registries/key", { key: hex }),
        o,
        (r: { fingerprint: string }) => `fingerprint ${r.fingerprint}`,
      );
    },
  );

  withClientOptions(registries.command("report").description("report devices as stolen, lost, fraudulent or blocked"))
    .requiredOption("--status <status>", "stolen | lost | fraudulent | blocked")
    .requiredOption("--reason <code>", "the operator's reason code", (v) => Number(v))
    .option("--imei <imei>", "an IMEI (repeat for several)", collect)
    .option("--file <path>", "a file of IMEIs, one a line (bulk)")
    .action(async (o: ClientOptions & { status: string; reason: number; imei?: string[]; file?: string }) => {
      const imeis = imeisOf(o);
      progress(o, `reporting ${imeis.length} devices`);
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/registries/devices/reports", {
          status: o.status,
          reason: o.reason,
          imeis,
        }),
        o,
        (r: { reports: Array<{ reportId: string; count: number; txHash: string }> }) =>
          table(r.reports, ["reportId", "count", "txHash"]),
      );
    });

  withClientOptions(registries.command("check <imei>").description("is this IMEI blocked anywhere in the consortium?"))
    .option("--until <answer>", "with --wait: the answer to wait for, blocked | not-blocked", "blocked")
    .option("--wait <seconds>", "wait up to this long for that answer (a report made on another agent)", Number, 0)
    .action(async (imei: string, o: ClientOptions & { until: string; wait: number }) => {
      if (o.until !== "blocked" && o.until !== "not-blocked") {
        throw new CliError(`--until must be blocked or not-blocked, got ${JSON.stringify(o.until)}`);
      }
      const wanted = o.until === "blocked";
      const ask = () => callAgent<Check>(targetOf(o), "GET", `/v1/registries/devices/imei/${imei}`);
      const until = Date.now() + o.wait * 1000;
      let result = await ask();
      while (result.blocked !== wanted && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        result = await ask();
      }
      printResult(result, o, describeCheck);
    });

  withClientOptions(registries.command("reports").description("device reports on the ledger"))
    .option("--reporter <address>", "only this reporter's")
    .option("--limit <n>", "how many (at most 100)", (v) => Number(v), 50)
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(async (o: ClientOptions & { reporter?: string; limit: number; cursor?: string }) => {
      const q = new URLSearchParams({
        limit: String(o.limit),
        ...(o.reporter ? { reporter: o.reporter } : {}),
        ...(o.cursor ? { cursor: o.cursor } : {}),
      });
      printResult(await callAgent<Items>(targetOf(o), "GET", `/v1/registries/devices/reports?${q}`), o, (r: Items) =>
        table(r.items, ["reportId", "reporterName", "status", "reason", "count", "cleared", "withdrawn"]),
      );
    });

  withClientOptions(registries.command("clear <reportId>").description("clear devices of our report (recovered)"))
    .option("--imei <imei>", "an IMEI (repeat for several)", collect)
    .option("--file <path>", "a file of IMEIs, one a line")
    .action(async (reportId: string, o: ClientOptions & { imei?: string[]; file?: string }) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/registries/devices/reports/${reportId}/clear`, { imeis: imeisOf(o) }),
        o,
        (r: { txHash: string }) => `cleared in ${r.txHash}`,
      );
    });

  withClientOptions(registries.command("withdraw <reportId>").description("withdraw our whole report")).action(
    async (reportId: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/registries/devices/reports/${reportId}/withdraw`),
        o,
        (r: { txHash: string }) => `withdrawn in ${r.txHash}`,
      );
    },
  );
}

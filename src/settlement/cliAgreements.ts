// `telco-ledger settlement agreement|batch ...`: the roaming settlement routes for agreements and record batches,
// through a member agent's API. Operators are named by address or sandbox member name; records come from a local
// CSV, JSON Lines or TAP file (its reader is loaded inside the action: registering commands stays light).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult, progress, table } from "../cli/output.ts";
import { accountOf } from "./cliMoney.ts";

type Row = Record<string, unknown>;
const ZERO32 = `0x${"0".repeat(64)}`;
const MAX_BATCH = 10_000;

/** Unix seconds, or an ISO 8601 date/time (UTC unless it says otherwise). */
export function unixSeconds(value: string, option: string): number {
  if (/^[0-9]{1,12}$/.test(value)) return Number(value);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new CliError(`${option}: not unix seconds or an ISO date: ${value}`, "INVALID_OPTION");
  return Math.floor(ms / 1000);
}

/** Whole days ("31d"), hours ("12h") or seconds ("3600"). */
export function durationSeconds(value: string, option: string): number {
  const m = /^([0-9]{1,10})([dhs]?)$/.exec(value);
  if (!m) throw new CliError(`${option}: a number of seconds, or <n>d / <n>h: ${value}`, "INVALID_OPTION");
  return Number(m[1]) * (m[2] === "d" ? 86_400 : m[2] === "h" ? 3600 : 1);
}

/** The tariff file, or the sample tariff in the settlement token's currency and decimals (asked of the agent). */
async function tariffOf(file: string | undefined, o: ClientOptions, me: string): Promise<unknown> {
  if (file) return JSON.parse(readFileSync(file, "utf8"));
  const { SAMPLE_TARIFF } = await import("./rating/tariff.ts");
  const token = await callAgent<{ currency: string; decimals: number }>(
    targetOf(o),
    "GET",
    `/v1/settlement/balances/${me}`,
  );
  return { ...SAMPLE_TARIFF, currency: token.currency, decimals: token.decimals };
}

/** An agreement's terms as the approve route takes them, from the agreement a (proposer's) agent holds. */
export function termsForApproval(agreement: { terms: Row | null; agreementId: string }): Row {
  if (!agreement.terms) {
    throw new CliError(`that agent does not hold the terms of ${agreement.agreementId}`, "SETTLEMENT_TERMS_UNKNOWN");
  }
  const { token: _token, previous, ...terms } = agreement.terms;
  return previous && previous !== ZERO32 ? { ...terms, previous } : terms;
}

const agreementLine = (a: Row) => `${a.agreementId}: ${a.status} (visited ${a.visited}, home ${a.home})`;
const batchColumns = ["batchId", "period", "count", "total", "status", "recordsHeld"];

function registerAgreementCommands(settlement: Command): void {
  const agreement = settlement.command("agreement").description("roaming agreements between two operators");
  withClientOptions(agreement.command("propose").description("propose an agreement (this agent's member is a party)"))
    .requiredOption("--visited <account|member>", "the visited (charging) operator")
    .requiredOption("--home <account|member>", "the home (paying) operator")
    .requiredOption("--valid-from <date>", "unix seconds or ISO date")
    .requiredOption("--valid-to <date>", "unix seconds or ISO date")
    .option("--period <duration>", "settlement period (seconds, or 31d)", "31d")
    .option("--dispute-window <duration>", "dispute window after an invoice (seconds, or 7d)", "7d")
    .option("--previous <agreementId>", "the version this one replaces")
    .option("--tariff <file>", "tariff JSON (default: the sample tariff in the token's currency and decimals)")
    .action(async (o: ClientOptions & Record<string, string | undefined>) => {
      const me = (await callAgent<{ memberAccount: string }>(targetOf(o), "GET", "/v1/agent")).memberAccount;
      const terms = {
        visited: await accountOf(String(o.visited), o),
        home: await accountOf(String(o.home), o),
        validFrom: unixSeconds(String(o.validFrom), "--valid-from"),
        validTo: unixSeconds(String(o.validTo), "--valid-to"),
        periodSeconds: durationSeconds(String(o.period), "--period"),
        disputeWindowSeconds: durationSeconds(String(o.disputeWindow), "--dispute-window"),
        ...(o.previous ? { previous: o.previous } : {}),
        tariff: await tariffOf(o.tariff, o, me),
      };
      printResult(
        await callAgent<Row>(targetOf(o), "POST", "/v1/settlement/agreements", terms),
        o,
        (r: Row) => `${r.agreementId}: ${r.status} tx ${r.txHash}`,
      );
    });
  withClientOptions(agreement.command("approve <agreementId>").description("approve the other operator's proposal"))
    .option("--terms <file>", "the proposed terms as JSON")
    .option("--terms-from <member>", "read the terms from this sandbox member's agent (the proposer's)")
    .action(async (id: string, o: ClientOptions & { terms?: string; termsFrom?: string }) => {
      let terms: Row;
      if (o.terms) terms = JSON.parse(readFileSync(o.terms, "utf8")) as Row;
      else if (o.termsFrom) {
        const from = targetOf({ agent: o.termsFrom, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
        terms = termsForApproval(await callAgent(from, "GET", `/v1/settlement/agreements/${id}`));
      } else throw new CliError("give the terms: --terms <file> or --terms-from <member>", "INVALID_OPTION");
      printResult(
        await callAgent<Row>(targetOf(o), "POST", `/v1/settlement/agreements/${id}/approve`, { terms }),
        o,
        (r: Row) => `${r.agreementId}: ${r.status} tx ${r.txHash}`,
      );
    });
  withClientOptions(agreement.command("show <agreementId>").description("an agreement, with its terms if held")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent<Row>(targetOf(o), "GET", `/v1/settlement/agreements/${id}`), o, agreementLine);
    },
  );
  withClientOptions(agreement.command("list").description("the agreements this member is a party to")).action(
    async (o: ClientOptions) => {
      printResult(await callAgentAllItems<Row>(targetOf(o), "/v1/settlement/agreements"), o, (r: { items: Row[] }) =>
        table(r.items, ["agreementId", "status", "visited", "home"]),
      );
    },
  );
}

function registerBatchCommands(settlement: Command): void {
  const batch = settlement.command("batch").description("usage record batches: anchored, handed over, confirmed");
  withClientOptions(
    batch.command("anchor <agreementId> <records>").description("visited: anchor a file's records (.csv .jsonl .tap)"),
  ).action(async (id: string, file: string, o: ClientOptions) => {
    const { readRecordsFile } = await import("./usage/files.ts");
    const records: unknown[] = [];
    for await (const record of readRecordsFile(file)) records.push(record);
    if (records.length > MAX_BATCH) {
      throw new CliError(`${file}: ${records.length} records, a batch takes at most ${MAX_BATCH}`, "INVALID_OPTION");
    }
    progress(o, `anchoring ${records.length} records`);
    printResult(
      await callAgent<Row>(targetOf(o), "POST", `/v1/settlement/agreements/${id}/batches`, { records }),
      o,
      (r: Row) => `${r.batchId}: period ${r.period}, ${r.count} records, total ${r.total}, root ${r.merkleRoot}`,
    );
  });
  withClientOptions(
    batch
      .command("deliver <batchId>")
      .description(
        "visited: this agent seals the batch's records to the home operator's agent, which confirms (no records pass through the CLI)",
      ),
  ).action(async (id: string, o: ClientOptions) => {
    printResult(
      await callAgent<Row>(targetOf(o), "POST", `/v1/settlement/batches/${id}/deliver`),
      o,
      (r: Row) => `${r.batchId}: ${r.status} by ${r.homeDid} at ${r.deliveredTo}, tx ${r.txHash}`,
    );
  });
  withClientOptions(
    batch
      .command("send <batchId>")
      .description("hand a batch's records and salt from this (visited) agent to the home agent, which confirms"),
  )
    .requiredOption("--to <member>", "the home operator's sandbox agent")
    .action(async (id: string, o: ClientOptions & { to: string }) => {
      const held = await callAgent<Row>(targetOf(o), "GET", `/v1/settlement/batches/${id}/records`);
      const home = targetOf({ agent: o.to, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
      const body = { salt: held.salt, records: held.records };
      printResult(await callAgent<Row>(home, "POST", `/v1/settlement/batches/${id}/confirm`, body), o, confirmed);
    });
  withClientOptions(batch.command("records <batchId>").description("the records, salt and amounts this agent holds"))
    .option("--out <file>", "write them here (JSON), for `batch confirm --records`")
    .action(async (id: string, o: ClientOptions & { out?: string }) => {
      const held = await callAgent<Row>(targetOf(o), "GET", `/v1/settlement/batches/${id}/records`);
      if (o.out) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(o.out, JSON.stringify(held));
      }
      printResult(held, o, (r: Row) => `${r.batchId}: ${(r.records as unknown[]).length} records`);
    });
  withClientOptions(batch.command("confirm <batchId>").description("home: confirm a batch given its records and salt"))
    .requiredOption("--records <file>", "the JSON `batch records --out` wrote (salt and records)")
    .action(async (id: string, o: ClientOptions & { records: string }) => {
      const held = JSON.parse(readFileSync(o.records, "utf8")) as Row;
      const body = { salt: held.salt, records: held.records };
      printResult(
        await callAgent<Row>(targetOf(o), "POST", `/v1/settlement/batches/${id}/confirm`, body),
        o,
        confirmed,
      );
    });
  withClientOptions(batch.command("show <batchId>").description("a batch as anchored")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent<Row>(targetOf(o), "GET", `/v1/settlement/batches/${id}`), o, (r: Row) =>
        table([r], batchColumns),
      );
    },
  );
  withClientOptions(batch.command("list <agreementId>").description("an agreement's batches")).action(
    async (id: string, o: ClientOptions) => {
      const path = `/v1/settlement/agreements/${id}/batches`;
      printResult(await callAgentAllItems<Row>(targetOf(o), path), o, (r: { items: Row[] }) =>
        table(r.items, batchColumns),
      );
    },
  );
}

const confirmed = (r: Row) => `${r.batchId}: ${r.status} tx ${r.txHash}`;

export function registerRoamingSettlementCommands(settlement: Command): void {
  registerAgreementCommands(settlement);
  registerBatchCommands(settlement);
}

// `telco-ledger settlement ...`: the operator's local tools for usage files, no agent needed: decode a TAP file into
// canonical records (CSV or JSON Lines), encode records back into TAP, and rate records with an agreement's tariff.
// Each streams, so a file of millions of records runs in constant memory; progress goes to stderr.
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Command } from "commander";
import { registerRoamingSettlementCommands } from "./cliAgreements.ts";
import { registerChannelCommands } from "./cliChannels.ts";
import { registerSettlementPeriodCommands } from "./cliInvoices.ts";
import { registerSettlementMoneyCommands } from "./cliMoney.ts";
import { registerRapCommands } from "./cliRap.ts";
import { PeriodAccumulator, Rater } from "./rating/rate.ts";
import { SAMPLE_TARIFF, type Tariff } from "./rating/tariff.ts";
import { discrepanciesCsv, type RatedUsage, reconcile } from "./reconcile/reconcile.ts";
import { writeCsv, writeJsonLines } from "./usage/formats.ts";
import type { UsageRecord } from "./usage/record.ts";

const PROGRESS_EVERY = 100_000;

async function* withProgress(records: AsyncIterable<UsageRecord>, label: string): AsyncGenerator<UsageRecord> {
  let n = 0;
  for await (const r of records) {
    if (++n % PROGRESS_EVERY === 0) process.stderr.write(`${label}: ${n} records\n`);
    yield r;
  }
}

// The BER decoder and encoder (@lapo/asn1js, asn1js) are loaded by the commands that use them, not for `--help`.
async function* readRecords(file: string): AsyncGenerator<UsageRecord> {
  const { readRecordsFile } = await import("./usage/files.ts");
  yield* readRecordsFile(file);
}

async function writeAll(lines: AsyncIterable<string | Uint8Array>, out: Writable): Promise<void> {
  for await (const chunk of lines) {
    if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
  }
  if (out !== process.stdout) {
    out.end();
    await finished(out);
  }
}

export function registerSettlementCommands(program: Command): void {
  const settlement = program.command("settlement").description("settlement money, usage files and rating");
  registerSettlementMoneyCommands(settlement);
  registerChannelCommands(settlement);
  registerRoamingSettlementCommands(settlement);
  registerSettlementPeriodCommands(settlement);
  registerRapCommands(settlement);

  settlement
    .command("tap-decode <file>")
    .description("decode a TAP 3.12 file (BER) into canonical usage records")
    .option("--format <format>", "csv or jsonl", "jsonl")
    .option("--out <file>", "write here instead of stdout")
    .action(async (file: string, o: { format: string; out?: string }) => {
      const { importTap, newSummary } = await import("./tap/import.ts");
      const summary = newSummary();
      const records = withProgress(importTap(createReadStream(file), summary), "decoded");
      const lines = o.format === "csv" ? writeCsv(records) : writeJsonLines(records);
      await writeAll(lines, o.out ? createWriteStream(o.out) : process.stdout);
      process.stderr.write(`${JSON.stringify({ ...summary, file })}\n`);
    });

  settlement
    .command("tap-encode <records>")
    .description("encode canonical usage records (.csv or .jsonl) as a TAP 3.12 transfer batch")
    .requiredOption("--out <file>", "the TAP file to write")
    .requiredOption("--sender <plmn>", "visited operator's PLMN code (5 characters)")
    .requiredOption("--recipient <plmn>", "home operator's PLMN code (5 characters)")
    .requiredOption("--sequence <n>", "file sequence number (5 digits)")
    .option("--decimals <n>", "TAP decimal places of the charges", (v) => Number(v), 3)
    .option("--currency <code>", "ISO 4217 currency", "EUR")
    .action(async (file: string, o: Record<string, string | number>) => {
      // The NetworkInfo tables precede the records, so the offsets and entities are collected in a first pass.
      const offsets = new Set<string>();
      const entities = new Set<string>();
      for await (const r of readRecords(file)) {
        offsets.add(r.utcOffset);
        if (r.recEntityId !== null) entities.add(r.recEntityId);
      }
      const now = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
      const { exportTap } = await import("./tap/writer.ts");
      const bytes = exportTap(withProgress(readRecords(file), "encoded"), {
        sender: String(o.sender),
        recipient: String(o.recipient),
        fileSequenceNumber: String(o.sequence),
        currency: String(o.currency),
        tapDecimalPlaces: Number(o.decimals),
        utcOffsets: [...offsets],
        recEntities: [...entities],
        createdLocal: now,
        createdOffset: "+0000",
      });
      await writeAll(bytes, createWriteStream(String(o.out)));
    });

  settlement
    .command("rate <records>")
    .description("rate usage records (.csv, .jsonl or TAP) with a tariff and print the period totals")
    .option("--tariff <file>", "the agreement's tariff as JSON (default: the sample tariff in docs/settlement.md)")
    .action(async (file: string, o: { tariff?: string }) => {
      const tariff = o.tariff ? (JSON.parse(readFileSync(o.tariff, "utf8")) as Tariff) : SAMPLE_TARIFF;
      const { isTapFile } = await import("./usage/files.ts");
      if (isTapFile(file)) {
        // TAP is decoded and rated in worker threads, only the ratings coming back (a million records in about 5 s
        // on 2 cores; docs/settlement.md, Benchmarks); the totals are the single thread's (tapParallel.test.ts).
        const { rateTapParallel } = await import("./tap/parallel.ts");
        const { newSummary } = await import("./tap/import.ts");
        const summary = newSummary();
        let shown = 0;
        const progress = setInterval(() => {
          if (summary.records - shown >= PROGRESS_EVERY) {
            shown = summary.records;
            process.stderr.write(`rated: ${shown} records\n`);
          }
        }, 1000);
        try {
          const totals = await rateTapParallel(createReadStream(file), tariff, summary);
          process.stdout.write(`${JSON.stringify(totals, null, 2)}\n`);
        } finally {
          clearInterval(progress);
        }
        return;
      }
      const rater = new Rater(tariff);
      const acc = new PeriodAccumulator(rater);
      for await (const r of withProgress(readRecords(file), "rated")) acc.add(rater.rate(r));
      process.stdout.write(`${JSON.stringify(acc.finish(), null, 2)}\n`);
    });

  settlement
    .command("reconcile <visited> <home>")
    .description("reconcile the visited operator's charged records with the home operator's own, rated by the tariff")
    .option("--tariff <file>", "the agreement's tariff as JSON (default: the sample tariff)")
    .option("--csv", "print the discrepancies as CSV instead of the JSON report")
    .action(async (visitedFile: string, homeFile: string, o: { tariff?: string; csv?: boolean }) => {
      const tariff = o.tariff ? (JSON.parse(readFileSync(o.tariff, "utf8")) as Tariff) : SAMPLE_TARIFF;
      const rater = new Rater(tariff);
      const visited: RatedUsage[] = [];
      for await (const record of readRecords(visitedFile)) {
        if (record.chargeDecimals !== tariff.decimals) {
          throw new Error(`${record.ref}: charge has ${record.chargeDecimals} decimals, the tariff ${tariff.decimals}`);
        }
        visited.push({ record, amount: record.charge });
      }
      const home: RatedUsage[] = [];
      for await (const record of readRecords(homeFile)) home.push({ record, amount: rater.rate(record).amount });
      const report = reconcile(visited, home);
      if (o.csv) for (const line of discrepanciesCsv(report)) process.stdout.write(line);
      else process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}

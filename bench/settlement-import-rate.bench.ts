// TAP import and rating throughput (issue 14): a TAP 3.12 file of N records is streamed from disk through the importer
// (BER decoded by @lapo/asn1js) into the rater and the period accumulator, sampling memory every tenth of the file to
// show it stays flat, first on the main thread alone, then decoded and rated in a pool of worker threads (one per
// available core, src/settlement/tap/parallel.ts);
// then the rater alone over N canonical records already in memory. The file is built from 1,000 distinct records
// (MOC, MTC, SMS, GPRS, supplementary) encoded once and repeated: the importer still decodes every record.
//   npm run bench -- settlement-import-rate [records=1000000] [importRecords=records]
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { PeriodAccumulator, type RatedRecord, Rater } from "../src/settlement/rating/rate.ts";
import { SAMPLE_TARIFF } from "../src/settlement/rating/tariff.ts";
import { importTap, newSummary } from "../src/settlement/tap/import.ts";
import { importTapParallel, rateTapParallel } from "../src/settlement/tap/parallel.ts";
import { auditControlInfo, exportTap } from "../src/settlement/tap/writer.ts";
import type { ServiceKind, UsageRecord } from "../src/settlement/usage/record.ts";
import { type BenchResult, round } from "./lib/report.ts";

const KINDS: ServiceKind[] = ["MOC", "MOC", "MOC", "MTC", "MTC", "SMS_MO", "SMS_MT", "GPRS", "GPRS", "SUPPL"];
const NUMBERS = ["4930123456", "33123456", "4412345678", "15551234567", "8612345678"];

function sampleRecord(i: number): UsageRecord {
  const kind = KINDS[i % KINDS.length] as ServiceKind;
  const second = String(i % 60).padStart(2, "0");
  return {
    ref: `bench-${i}`,
    kind,
    sender: "DEUAA",
    recipient: "FRABB",
    imsi: `20801${String(1_000_000_000 + i).slice(1)}`,
    msisdn: `3361${String(100_000 + i)}`,
    startLocal: `202603011200${second}`,
    utcOffset: "+0100",
    startUtc: `2026-03-01T11:00:${second}Z`,
    durationSeconds: kind === "MOC" || kind === "MTC" || kind === "GPRS" ? (i * 37) % 3600 : 0,
    volumeIncomingBytes: kind === "GPRS" ? (i * 7919) % 50_000_000 : 0,
    volumeOutgoingBytes: kind === "GPRS" ? (i * 104_729) % 5_000_000 : 0,
    calledNumber: kind === "MOC" || kind === "MTC" ? (NUMBERS[i % NUMBERS.length] ?? null) : null,
    serviceCode: kind === "SMS_MO" ? "22" : kind === "SMS_MT" ? "21" : kind === "SUPPL" ? "2B" : "11",
    apn: kind === "GPRS" ? "internet.example" : null,
    recEntityId: "msc-paris-1",
    locationArea: 1000 + (i % 50),
    cellId: i % 4000,
    charge: 100 + (i % 900),
    chargeDecimals: 3,
    currency: "EUR",
  };
}

const DISTINCT = 1000;

export async function writeFile(path: string, records: number): Promise<number> {
  const chunks: Uint8Array[] = [];
  const templates = Array.from({ length: DISTINCT }, (_, i) => sampleRecord(i));
  for await (const c of exportTap(templates, {
    sender: "DEUAA",
    recipient: "FRABB",
    fileSequenceNumber: "00001",
    currency: "EUR",
    tapDecimalPlaces: 3,
    utcOffsets: ["+0100"],
    recEntities: ["msc-paris-1"],
    createdLocal: "20260302000000",
    createdOffset: "+0100",
  })) {
    chunks.push(c);
  }
  // chunks: root header, 3 groups, list header, DISTINCT records, list end, audit, root end.
  const head = chunks.slice(0, 5);
  const body = Buffer.concat(chunks.slice(5, 5 + DISTINCT));
  const total = templates.reduce((s, r) => s + r.charge, 0);
  const file = await open(path, "w");
  for (const c of head) await file.write(c);
  for (let written = 0; written < records; written += DISTINCT) await file.write(body);
  await file.write(Uint8Array.of(0, 0));
  await file.write(auditControlInfo(records, (total * records) / DISTINCT));
  await file.write(Uint8Array.of(0, 0));
  const { size } = await file.stat();
  await file.close();
  return size;
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

export async function run(args: string[]): Promise<BenchResult> {
  const loadStart = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  const records = Number(args[0] ?? 1_000_000);
  const importRecords = Math.ceil(Number(args[1] ?? records) / DISTINCT) * DISTINCT;
  const dir = await mkdtemp(join(tmpdir(), "settlement-bench-"));
  const path = join(dir, "batch.tap");
  const rater = new Rater(SAMPLE_TARIFF);
  try {
    const size = await writeFile(path, importRecords);
    global.gc?.();
    const memory: Array<Record<string, string | number>> = [];
    const threads = os.availableParallelism();
    // Single thread first, then the worker pool, over the same file; each with its own wall and CPU time (process-wide:
    // all threads) and its highest resident memory sampled every tenth of the file.
    const runs: Array<{
      step: string;
      records: number;
      seconds: number;
      cpuSeconds: number;
      peakRssMiB: number;
      amount: number;
      audit: string;
    }> = [];
    const modes = [
      "single thread",
      `${threads} worker threads, records back`,
      `${threads} worker threads, ratings only`,
    ];
    for (const mode of modes) {
      global.gc?.();
      const summary = newSummary();
      const acc = new PeriodAccumulator(rater);
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      let peak = process.memoryUsage().rss;
      let n = 0;
      let amount = 0;
      const sample = () => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.rss);
        memory.push({
          mode,
          "records read": n,
          "seconds so far": round((performance.now() - started) / 1000, 1),
          "rss MiB": mib(m.rss),
          "heap used MiB": mib(m.heapUsed),
        });
      };
      const source = createReadStream(path, { highWaterMark: 1 << 20 });
      if (mode === modes[0]) {
        for await (const record of importTap(source, summary)) {
          acc.add(rater.rate(record));
          if (++n % (importRecords / 10) === 0) sample();
        }
        amount = acc.finish().amount;
      } else if (mode === modes[1]) {
        for await (const item of importTapParallel(source, summary, { threads, tariff: SAMPLE_TARIFF })) {
          acc.add(item.rated as RatedRecord);
          if (++n % (importRecords / 10) === 0) sample();
        }
        amount = acc.finish().amount;
      } else {
        // Memory sampled every 100 ms: this mode hands no record to the caller.
        const timer = setInterval(() => {
          n = summary.records;
          sample();
        }, 100);
        try {
          amount = (await rateTapParallel(source, SAMPLE_TARIFF, summary, { threads })).amount;
        } finally {
          clearInterval(timer);
        }
        n = summary.records;
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStarted);
      runs.push({
        step: `import + rate (streamed), ${mode}`,
        records: n,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssMiB: mib(peak),
        amount,
        audit: summary.auditDiscrepancies.join("; ") || "count and total match",
      });
    }

    const canonical = Array.from({ length: records }, (_, i) => sampleRecord(i));
    // Twice: the first pass includes the JIT compiling the rater, the second is the steady state.
    const ratingPasses = [1, 2].map((pass) => {
      const rateStarted = performance.now();
      const rateCpu = process.cpuUsage();
      const ratingAcc = new PeriodAccumulator(rater);
      for (const r of canonical) ratingAcc.add(rater.rate(r));
      const amount = ratingAcc.finish().amount;
      const used = process.cpuUsage(rateCpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      return { pass, seconds: (performance.now() - rateStarted) / 1000, cpuSeconds, amount };
    });

    return {
      name: "settlement-import-rate",
      tables: [
        {
          title: "TAP import (BER decoded by @lapo/asn1js, streamed from disk) and rating",
          rows: [
            ...runs.map((r) => ({
              step: r.step,
              records: r.records,
              "file MiB": mib(size),
              seconds: round(r.seconds, 2),
              "cpu seconds": round(r.cpuSeconds, 2),
              "peak rss MiB": r.peakRssMiB,
              "records/s": Math.round(r.records / r.seconds),
              "period amount": r.amount,
            })),
            ...ratingPasses.map(({ pass, seconds, cpuSeconds, amount }) => ({
              step: `rating alone (in memory), pass ${pass}${pass === 1 ? " (cold JIT)" : ""}`,
              records,
              "file MiB": "-",
              seconds: round(seconds, 3),
              "cpu seconds": round(cpuSeconds, 3),
              "peak rss MiB": "-",
              "records/s": Math.round(records / seconds),
              "period amount": amount,
            })),
          ],
          note: `Targets (issue 14): import and rating together under 10 s for 1,000,000 records, rating alone under 1 s. Load average at the start: ${loadStart}, at the end: ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(" ")} (${os.availableParallelism()} cores).`,
        },
        {
          title: "Memory while importing (must stay flat in the number of records)",
          rows: memory,
          note: `audit check of the generated file: ${runs.map((r) => `${r.step}: ${r.audit}`).join("; ")}`,
        },
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

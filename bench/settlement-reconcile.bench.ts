// Reconciling two sides' records for one period (issue 14): N records rated by both operators, with 0.1% injected
// discrepancies split between missing at home, duplicated and re-rated by the visited side; the benchmark times the
// reconciliation and checks that every injected discrepancy is found and none invented.
//   npm run bench -- settlement-reconcile [records=1000000]
import { Rater } from "../src/settlement/rating/rate.ts";
import { SAMPLE_TARIFF } from "../src/settlement/rating/tariff.ts";
import { type RatedUsage, reconcile } from "../src/settlement/reconcile/reconcile.ts";
import type { UsageRecord } from "../src/settlement/usage/record.ts";
import { type BenchResult, round } from "./lib/report.ts";

function usage(i: number): UsageRecord {
  const t = new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString().replace(".000Z", "Z");
  return {
    ref: `v-${i}`,
    kind: i % 4 === 0 ? "GPRS" : i % 4 === 1 ? "MTC" : "MOC",
    sender: "NORTH",
    recipient: "SOUTH",
    imsi: `26201${String(1_000_000_000 + (i % 99_991)).slice(1)}`,
    msisdn: null,
    startLocal: t.slice(0, 19).replace(/[-:T]/g, ""),
    utcOffset: "+0000",
    startUtc: t,
    durationSeconds: (i * 37) % 1800,
    volumeIncomingBytes: i % 4 === 0 ? (i * 7919) % 50_000_000 : 0,
    volumeOutgoingBytes: 0,
    calledNumber: i % 4 >= 2 ? "4412345678" : null,
    serviceCode: "11",
    apn: null,
    recEntityId: null,
    locationArea: null,
    cellId: null,
    charge: 0,
    chargeDecimals: 3,
    currency: "EUR",
  };
}

export async function run(args: string[]): Promise<BenchResult> {
  const n = Number(args[0] ?? 1_000_000);
  const rater = new Rater(SAMPLE_TARIFF);
  const home: RatedUsage[] = [];
  const visited: RatedUsage[] = [];
  const expected = new Set<string>();
  const injected = { missing: 0, duplicated: 0, reRated: 0 };
  // Every 1000th record carries a discrepancy, in turn missing at home, duplicated, re-rated: 0.1%.
  for (let i = 0; i < n; i++) {
    const record = usage(i);
    const amount = rater.rate(record).amount;
    const which = i % 1000 === 500 ? Math.floor(i / 1000) % 3 : -1;
    if (which !== 0) home.push({ record: { ...record, ref: `h-${i}` }, amount });
    visited.push({ record, amount: which === 2 ? amount + 1 : amount });
    if (which === 0) {
      injected.missing++;
      expected.add(`missing_at_home:${record.ref}`);
    } else if (which === 1) {
      injected.duplicated++;
      visited.push({ record: { ...record, ref: `${record.ref}-again` }, amount });
      expected.add(`duplicate:${record.ref}-again`);
    } else if (which === 2) {
      injected.reRated++;
      expected.add(`amount_differs:${record.ref}`);
    }
  }
  global.gc?.();
  const started = performance.now();
  const report = reconcile(visited, home);
  const seconds = (performance.now() - started) / 1000;
  const found = new Set(report.discrepancies.map((d) => `${d.kind}:${d.ref}`));
  const missed = [...expected].filter((e) => !found.has(e)).length;
  const invented = [...found].filter((f) => !expected.has(f)).length;
  return {
    name: "settlement-reconcile",
    tables: [
      {
        title: "Reconciling two sides' records (0.1% injected discrepancies)",
        rows: [
          {
            "visited records": report.visitedRecords,
            "home records": report.homeRecords,
            "injected (missing/duplicated/re-rated)": `${injected.missing}/${injected.duplicated}/${injected.reRated}`,
            found: report.discrepancies.length,
            missed,
            invented,
            seconds: round(seconds, 2),
            "records/s": Math.round(report.visitedRecords / seconds),
            "rss MiB": round(process.memoryUsage().rss / 2 ** 20, 0),
          },
        ],
        note: "Records are matched by content (not reference), both sides held in memory; missed and invented must be 0.",
      },
    ],
  };
}

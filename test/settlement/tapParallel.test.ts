// TAP import in worker threads (src/settlement/tap/parallel.ts) against the single-thread importer: the same records,
// summary and errors (message and absolute byte offset) on every sample file (test/fixtures/tap3, or TAP3_TESTDATA)
// and on a generated file of 30,000 records, intact, with a record broken in the middle and truncated; the ratings
// the workers compute (per record, and as the period's totals from rateTapParallel) equal the main thread's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PeriodAccumulator, Rater } from "../../src/settlement/rating/rate.ts";
import { SAMPLE_TARIFF } from "../../src/settlement/rating/tariff.ts";
import { importTap, newSummary } from "../../src/settlement/tap/import.ts";
import { importTapParallel, type ParallelImportOptions, rateTapParallel } from "../../src/settlement/tap/parallel.ts";
import { bytesSource, readTap } from "../../src/settlement/tap/reader.ts";
import { TapFormatError } from "../../src/settlement/tap/tree.ts";
import { exportTap } from "../../src/settlement/tap/writer.ts";
import type { ServiceKind, UsageRecord } from "../../src/settlement/usage/record.ts";

const DIR = process.env.TAP3_TESTDATA ?? new URL("../fixtures/tap3", import.meta.url).pathname;
const SAMPLES = [
  "tap_3_12_valid",
  "tap_3_12_valid_att",
  "tap_3_12_negative_volume",
  "tap_3_12_trailing_eoc_invalid",
  "sample-DataInterChange-1",
  "tap_notification",
];

interface Outcome {
  records: UsageRecord[];
  summary: ReturnType<typeof newSummary>;
  error: { message: string; offset: number } | null;
}

async function single(bytes: Uint8Array, chunk: number): Promise<Outcome> {
  const summary = newSummary();
  const records: UsageRecord[] = [];
  try {
    for await (const r of importTap(bytesSource(bytes, chunk), summary)) records.push(r);
  } catch (error) {
    assert.ok(error instanceof TapFormatError, String(error));
    return { records, summary, error: { message: error.message, offset: error.offset } };
  }
  return { records, summary, error: null };
}

async function parallel(bytes: Uint8Array, chunk: number, options: ParallelImportOptions): Promise<Outcome> {
  const summary = newSummary();
  const records: UsageRecord[] = [];
  try {
    for await (const r of importTapParallel(bytesSource(bytes, chunk), summary, options)) records.push(r.record);
  } catch (error) {
    assert.ok(error instanceof TapFormatError, String(error));
    return { records, summary, error: { message: error.message, offset: error.offset } };
  }
  return { records, summary, error: null };
}

const KINDS: ServiceKind[] = ["MOC", "MOC", "MTC", "SMS_MO", "SMS_MT", "GPRS", "GPRS", "SUPPL"];

function record(i: number): UsageRecord {
  const kind = KINDS[i % KINDS.length] as ServiceKind;
  const second = String(i % 60).padStart(2, "0");
  const minute = String(Math.floor(i / 60) % 60).padStart(2, "0");
  return {
    ref: `gen-${i}`,
    kind,
    sender: "DEUAA",
    recipient: "FRABB",
    imsi: `26201${String(1_000_000_000 + i).slice(1)}`,
    msisdn: `4917${String(1_000_000 + i)}`,
    startLocal: `2026030112${minute}${second}`,
    utcOffset: i % 3 === 0 ? "+0200" : "+0100",
    startUtc: `2026-03-01T${i % 3 === 0 ? "10" : "11"}:${minute}:${second}Z`,
    durationSeconds: kind === "MOC" || kind === "MTC" || kind === "GPRS" ? (i * 37) % 7200 : 0,
    volumeIncomingBytes: kind === "GPRS" ? (i * 7919) % 90_000_000 : 0,
    volumeOutgoingBytes: kind === "GPRS" ? (i * 104_729) % 9_000_000 : 0,
    calledNumber: kind === "MOC" || kind === "MTC" ? `44${String(100_000_000 + ((i * 7) % 99_999_999))}` : null,
    serviceCode: kind === "SMS_MO" ? "22" : kind === "SMS_MT" ? "21" : kind === "SUPPL" ? "2B" : "11",
    apn: kind === "GPRS" ? `apn${i % 5}.example` : null,
    recEntityId: i % 2 === 0 ? "msc-1" : "ggsn-2",
    locationArea: 1000 + (i % 97),
    cellId: i % 4093,
    charge: (i * 13) % 5000,
    chargeDecimals: 3,
    currency: "EUR",
  };
}

async function generated(count: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const records = Array.from({ length: count }, (_, i) => record(i));
  for await (const c of exportTap(records, {
    sender: "DEUAA",
    recipient: "FRABB",
    fileSequenceNumber: "00042",
    currency: "EUR",
    tapDecimalPlaces: 3,
    utcOffsets: ["+0100", "+0200"],
    recEntities: ["msc-1", "ggsn-2"],
    createdLocal: "20260302000000",
    createdOffset: "+0100",
  })) {
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

describe("TAP import in worker threads", () => {
  for (const name of SAMPLES) {
    it(`${name}: the same records, summary and error as the single-thread importer`, async () => {
      const bytes = new Uint8Array(readFileSync(join(DIR, `${name}.ber`)));
      const expected = await single(bytes, 7);
      // One record per job (every record crosses threads on its own) and the default jobs, 1 and 2 workers.
      for (const options of [{ threads: 2, jobRecords: 1 }, { threads: 1 }, { threads: 2 }]) {
        const got = await parallel(bytes, 7, options);
        assert.deepEqual(got, expected, `${name} with ${JSON.stringify(options)}`);
      }
      if (name === "tap_3_12_valid") assert.ok(expected.records.length > 0 && expected.error === null);
      if (name === "tap_3_12_trailing_eoc_invalid") assert.equal(expected.error?.offset, 819);
      if (name === "tap_3_12_negative_volume") assert.equal(expected.error?.offset, 360);
      if (name === "sample-DataInterChange-1") assert.equal(expected.error?.offset, 235);
    });
  }

  it("a generated file of 30,000 records: the same records, in order, and the same ratings", async () => {
    const bytes = await generated(30_000);
    const expected = await single(bytes, 65536);
    assert.equal(expected.error, null);
    assert.equal(expected.records.length, 30_000);
    assert.deepEqual(expected.summary.auditDiscrepancies, []);
    const summary = newSummary();
    const records: UsageRecord[] = [];
    const rater = new Rater(SAMPLE_TARIFF);
    let rated = 0;
    for await (const item of importTapParallel(bytesSource(bytes, 65536), summary, {
      threads: 2,
      jobRecords: 997,
      tariff: SAMPLE_TARIFF,
    })) {
      records.push(item.record);
      assert.deepEqual(item.rated, rater.rate(item.record), `rating of ${item.record.ref}`);
      rated++;
    }
    assert.equal(rated, 30_000);
    assert.deepEqual(records, expected.records);
    assert.deepEqual(summary, expected.summary);

    // Ratings only (typed arrays back): the period's totals as the main thread's accumulator gives them.
    const accumulator = new PeriodAccumulator(rater);
    for (const r of expected.records) accumulator.add(rater.rate(r));
    const totals = accumulator.finish();
    assert.ok(totals.amount > 0 && totals.tierAdjustment !== 0, "data tiers take part");
    const compactSummary = newSummary();
    const got = await rateTapParallel(bytesSource(bytes, 65536), SAMPLE_TARIFF, compactSummary, { threads: 2 });
    assert.deepEqual(got, totals);
    assert.deepEqual(compactSummary, expected.summary);
  });

  it("a record broken in the middle of a large file, and the file cut short: the same error at the same offset", async () => {
    const bytes = await generated(30_000);
    const offsets: number[] = [];
    for await (const event of readTap(bytesSource(bytes), { rawRecords: true })) {
      if (event.type === "raw") offsets.push(event.offset);
    }
    assert.equal(offsets.length, 30_000);
    // Record 17,321's identifier turned into a universal SEQUENCE: not a TAP element.
    const broken = new Uint8Array(bytes);
    const at = offsets[17_321] as number;
    broken[at] = 0x30;
    const expected = await single(broken, 65536);
    assert.equal(expected.records.length, 17_321);
    assert.ok(expected.error, "the broken record is refused");
    const got = await parallel(broken, 65536, { threads: 2, jobRecords: 500 });
    assert.deepEqual(got, expected);

    const cut = bytes.subarray(0, (offsets[23_000] as number) + 20);
    const expectedCut = await single(cut, 65536);
    assert.match(expectedCut.error?.message ?? "", /ends inside/);
    assert.equal(expectedCut.records.length, 23_000);
    assert.deepEqual(await parallel(cut, 65536, { threads: 2, jobRecords: 500 }), expectedCut);
  });
});

// CSV and JSON Lines import/export of canonical usage records: round trips, and bad lines named with their field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { importTap } from "../../src/settlement/tap/import.ts";
import { bytesSource } from "../../src/settlement/tap/reader.ts";
import { readCsv, readJsonLines, splitCsvLine, writeCsv, writeJsonLines } from "../../src/settlement/usage/formats.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";

const DIR = process.env.TAP3_TESTDATA ?? new URL("../fixtures/tap3", import.meta.url).pathname;

async function tapRecords(): Promise<UsageRecord[]> {
  const out: UsageRecord[] = [];
  for await (const r of importTap(bytesSource(readFileSync(`${DIR}/tap_3_12_valid.ber`)))) out.push(r);
  return out;
}

async function text(lines: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const l of lines) out += l;
  return out;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("usage records as CSV and JSON Lines", () => {
  it("CSV round trip keeps every field, including nulls and a quoted comma", async () => {
    const records = await tapRecords();
    records[1] = { ...(records[1] as UsageRecord), apn: 'a,"b"' };
    const csv = await text(writeCsv(records));
    assert.equal(csv.split("\n")[0]?.split(",")[0], "ref");
    assert.deepEqual(await all(readCsv(Readable.from([csv]))), records);
  });

  it("JSON Lines round trip", async () => {
    const records = await tapRecords();
    const jsonl = await text(writeJsonLines(records));
    assert.deepEqual(await all(readJsonLines(Readable.from([jsonl]))), records);
  });

  it("a negative duration in CSV is refused naming the line and the field", async () => {
    const records = await tapRecords();
    const csv = (await text(writeCsv(records))).replace(",153,", ",-153,");
    await assert.rejects(all(readCsv(Readable.from([csv]))), /line 2, field durationSeconds: must be a non-negative/);
  });

  it("a startUtc that does not match startLocal and utcOffset is refused", async () => {
    const records = await tapRecords();
    const bad = JSON.stringify({ ...records[0], startUtc: "2014-03-01T14:03:42Z" });
    await assert.rejects(
      all(readJsonLines(Readable.from([bad]))),
      /line 1, field startUtc: must be 2014-03-01T12:03:42Z/,
    );
  });

  it("an unknown field and a missing one are named", async () => {
    const records = await tapRecords();
    const extra = JSON.stringify({ ...records[0], bonus: 1 });
    await assert.rejects(all(readJsonLines(Readable.from([extra]))), /field bonus: is unknown/);
    const { kind: _kind, ...missing } = records[0] as UsageRecord;
    await assert.rejects(all(readJsonLines(Readable.from([JSON.stringify(missing)]))), /field kind: is required/);
  });

  it("CSV cells: quotes, doubled quotes, empty cells; an unterminated quote is refused", () => {
    assert.deepEqual(splitCsvLine('a,"b,c","d""e",,f', "line 1"), ["a", "b,c", 'd"e', "", "f"]);
    assert.throws(() => splitCsvLine('a,"b', "line 7"), /line 7, field column 2: unterminated quote/);
  });
});

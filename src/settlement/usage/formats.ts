// CSV (RFC 4180, header row = the record's field names) and JSON Lines import/export of canonical usage records,
// streamed line by line. Import validates every record (validate.ts) and stops at the first bad line, naming it.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { RECORD_FIELDS, type UsageRecord } from "./record.ts";
import { toRecord, UsageRecordError } from "./validate.ts";

function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_HEADER = RECORD_FIELDS.join(",");

export function toCsvLine(record: UsageRecord): string {
  return RECORD_FIELDS.map((f) => csvCell(record[f])).join(",");
}

/** Splits one CSV line into cells; quoted cells may hold commas and doubled quotes (not line breaks). */
export function splitCsvLine(line: string, where: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let cell = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) throw new UsageRecordError(where, `column ${cells.length + 1}`, "unterminated quote");
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(cell);
    } else {
      const comma = line.indexOf(",", i);
      cells.push(line.slice(i, comma === -1 ? line.length : comma));
      i = comma === -1 ? line.length : comma;
    }
    if (i >= line.length) return cells;
    if (line[i] !== ",") throw new UsageRecordError(where, `column ${cells.length}`, "text after a closing quote");
    i++;
  }
}

export async function* readCsv(input: Readable): AsyncGenerator<UsageRecord> {
  let lineNo = 0;
  let header: string[] | null = null;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    if (line.trim() === "") continue;
    const where = `line ${lineNo}`;
    const cells = splitCsvLine(line, where);
    if (!header) {
      header = cells;
      continue;
    }
    if (cells.length !== header.length) {
      throw new UsageRecordError(where, "columns", `${cells.length} cells but the header has ${header.length}`);
    }
    const row: Record<string, unknown> = {};
    header.forEach((name, k) => {
      row[name] = cells[k];
    });
    yield toRecord(row, where);
  }
}

export async function* readJsonLines(input: Readable): AsyncGenerator<UsageRecord> {
  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    if (line.trim() === "") continue;
    const where = `line ${lineNo}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new UsageRecordError(where, "json", (error as Error).message);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageRecordError(where, "json", "must be an object");
    }
    yield toRecord(parsed as Record<string, unknown>, where);
  }
}

export async function* writeCsv(records: AsyncIterable<UsageRecord> | Iterable<UsageRecord>): AsyncGenerator<string> {
  yield `${CSV_HEADER}\n`;
  for await (const r of records) yield `${toCsvLine(r)}\n`;
}

export async function* writeJsonLines(
  records: AsyncIterable<UsageRecord> | Iterable<UsageRecord>,
): AsyncGenerator<string> {
  for await (const r of records) yield `${JSON.stringify(r, RECORD_FIELDS as unknown as string[])}\n`;
}

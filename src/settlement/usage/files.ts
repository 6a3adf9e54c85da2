// Usage records read from a file by its extension: CSV, JSON Lines, or TAP 3.12 (BER); "-" reads JSON Lines from
// stdin. Streamed, so the local tools and the CLI's batch upload share one reader.
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { importTap } from "../tap/import.ts";
import { readCsv, readJsonLines } from "./formats.ts";
import type { UsageRecord } from "./record.ts";

/** A TAP 3.12 file, by its extension. */
export const isTapFile = (file: string): boolean => file.endsWith(".tap") || file.endsWith(".ber");

export function readRecordsFile(file: string): AsyncIterable<UsageRecord> {
  const input: Readable = file === "-" ? process.stdin : createReadStream(file);
  if (file.endsWith(".csv")) return readCsv(input);
  if (file.endsWith(".jsonl") || file.endsWith(".json") || file === "-") return readJsonLines(input);
  if (isTapFile(file)) return importTap(input);
  throw new Error(`${file}: records must be .csv, .jsonl, .tap or .ber`);
}

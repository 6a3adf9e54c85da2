// The worker side of importTapParallel (parallel.ts): decodes a job's call event records (BER, @lapo/asn1js), converts
// them to canonical usage records with the batch's tables and, when given a tariff, rates them. Stateless per job:
// every job carries the batch context, so any worker takes any job. A TapFormatError ends the job at that record: the
// records before it are answered with the error (its offset is already absolute in the file).
import { parentPort } from "node:worker_threads";
import type { RatedRecord } from "../rating/rate.ts";
import { Rater } from "../rating/rate.ts";
import { RATED_KINDS, type Tariff } from "../rating/tariff.ts";
import type { UsageRecord } from "../usage/record.ts";
import { type TapBatchInfo, toUsageRecord } from "./import.ts";
import { decodeTapElement, TapFormatError, type TapNode } from "./tree.ts";

export interface ImportJob {
  id: number;
  /** The records' bytes, one after the other. */
  bytes: Uint8Array;
  /** Per record: its offset in the file, its length in `bytes` and its index among the list's records. */
  offsets: Float64Array;
  lengths: Uint32Array;
  indexes: Uint32Array;
  batch: TapBatchInfo;
  utcOffsets: Array<[number, string]>;
  entities: Array<[number, string]>;
  tariff: Tariff | null;
  /** With a tariff: answer only each record's rating in typed arrays (`compact`), not the records. */
  compact: boolean;
}

/** Per record, in order: its kind (index in RATED_KINDS), amount, charged bytes (data) and TAP charge. */
export interface CompactRatings {
  kinds: Uint8Array;
  amounts: Float64Array;
  chargedBytes: Float64Array;
  charges: Float64Array;
}

export interface ImportJobResult {
  id: number;
  records: UsageRecord[];
  /** With a tariff: one per record, in the same order. */
  rated: RatedRecord[] | null;
  /** Compact jobs: the ratings only (records and rated empty). */
  compact: CompactRatings | null;
  /** Records with no content (skipped, as importTap does). */
  skipped: number;
  error: { offset: number; problem: string } | { message: string } | null;
}

let rater: { json: string; rater: Rater } | null = null;

function raterFor(tariff: Tariff): Rater {
  const json = JSON.stringify(tariff);
  if (rater?.json !== json) rater = { json, rater: new Rater(tariff) };
  return rater.rater;
}

export function runJob(job: ImportJob): ImportJobResult {
  const ctx = { offsets: new Map(job.utcOffsets), entities: new Map(job.entities), batch: job.batch };
  const records: UsageRecord[] = [];
  const rated: RatedRecord[] | null = job.tariff && !job.compact ? [] : null;
  const r = job.tariff ? raterFor(job.tariff) : null;
  const n = job.lengths.length;
  const full: CompactRatings | null = job.compact
    ? {
        kinds: new Uint8Array(n),
        amounts: new Float64Array(n),
        chargedBytes: new Float64Array(n),
        charges: new Float64Array(n),
      }
    : null;
  let count = 0;
  let skipped = 0;
  let start = 0;
  const compact = () =>
    full && {
      kinds: full.kinds.slice(0, count),
      amounts: full.amounts.slice(0, count),
      chargedBytes: full.chargedBytes.slice(0, count),
      charges: full.charges.slice(0, count),
    };
  try {
    for (let i = 0; i < job.lengths.length; i++) {
      const length = job.lengths[i] as number;
      const bytes = job.bytes.subarray(start, start + length);
      start += length;
      const decoded = decodeTapElement(bytes, job.offsets[i] as number) as { node: TapNode; size: number };
      if ((decoded.node.children?.length ?? 0) === 0) {
        skipped++;
        continue;
      }
      const record = toUsageRecord(decoded.node, job.indexes[i] as number, ctx);
      if (full && r) {
        const x = r.rate(record);
        full.kinds[count] = RATED_KINDS.indexOf(x.kind);
        full.amounts[count] = x.amount;
        full.chargedBytes[count] = x.chargedBytes;
        full.charges[count] = record.charge;
        count++;
        continue;
      }
      records.push(record);
      if (r && rated) rated.push(r.rate(record));
    }
  } catch (error) {
    const e = error instanceof TapFormatError ? { offset: error.offset, problem: error.problem } : null;
    return {
      id: job.id,
      records,
      rated,
      compact: compact(),
      skipped,
      error: e ?? { message: (error as Error).message },
    };
  }
  return { id: job.id, records, rated, compact: compact(), skipped, error: null };
}

parentPort?.on("message", (job: ImportJob) => {
  parentPort?.postMessage(runJob(job));
});

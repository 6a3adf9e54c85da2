// TAP import in worker threads: the main thread streams the file and only delimits the call event records (reading
// their headers; an indefinite-length record is decoded to find its end), groups them into jobs of consecutive
// records, and hands each job's bytes (transferred, not copied) to a pool of workers (importWorker.ts) that decode,
// convert and optionally rate them. Results are yielded in file order; at most `2 × threads` jobs are in flight, so
// memory stays flat whatever the file size. Same records, summary and errors (TapFormatError with the absolute byte
// offset) as the single-thread importTap: test/settlement/tapParallel.test.ts.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { PeriodAccumulator, type PeriodTotals, type RatedRecord, Rater } from "../rating/rate.ts";
import { RATED_KINDS, type Tariff } from "../rating/tariff.ts";
import type { ServiceKind, UsageRecord } from "../usage/record.ts";
import {
  checkAudit,
  newSummary,
  readGroup,
  type TapBatchInfo,
  type TapImportSummary,
  type TapRecordContext,
} from "./import.ts";
import type { CompactRatings, ImportJob, ImportJobResult } from "./importWorker.ts";
import { readTap } from "./reader.ts";
import { TapFormatError } from "./tree.ts";

export interface ParallelImportOptions {
  /** Worker threads (default: os.availableParallelism()). */
  threads?: number;
  /** Rate each record in its worker with this tariff (the `rated` of each item). */
  tariff?: Tariff;
  /** Records per job (default 2,000). */
  jobRecords?: number;
}

export interface ImportedRecord {
  record: UsageRecord;
  rated: RatedRecord | null;
}

/** A pool of import workers; results come back per worker in the order its jobs were sent. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly waiting: Array<Array<{ resolve(r: ImportJobResult): void; reject(e: Error): void }>> = [];
  private next = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL("./importWorker.ts", import.meta.url));
      const queue: Array<{ resolve(r: ImportJobResult): void; reject(e: Error): void }> = [];
      worker.on("message", (result: ImportJobResult) => queue.shift()?.resolve(result));
      const fail = (error: Error) => {
        for (const waiter of queue.splice(0)) waiter.reject(error);
      };
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`a TAP import worker exited (code ${code})`)));
      this.workers.push(worker);
      this.waiting.push(queue);
    }
  }

  run(job: ImportJob): Promise<ImportJobResult> {
    const i = this.next++ % this.workers.length;
    const worker = this.workers[i] as Worker;
    const queue = this.waiting[i] as Array<{ resolve(r: ImportJobResult): void; reject(e: Error): void }>;
    return new Promise((resolve, reject) => {
      queue.push({ resolve, reject });
      worker.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Streams a TAP file's usage records (and, with a tariff, their rating) decoded in worker threads, in file order.
 * The summary is complete once the generator has finished, as with importTap.
 */
export async function* importTapParallel(
  source: AsyncIterable<Uint8Array>,
  summary: TapImportSummary & { skipped?: number } = newSummary(),
  options: ParallelImportOptions = {},
): AsyncGenerator<ImportedRecord> {
  for await (const result of jobResults(source, summary, options, false)) {
    const records = result.records;
    for (let i = 0; i < records.length; i++) {
      yield { record: records[i] as UsageRecord, rated: result.rated?.[i] ?? null };
    }
  }
}

/**
 * Imports and rates a TAP file in worker threads into the period's totals, as PeriodAccumulator over importTap and
 * Rater.rate would give them. Only each record's kind, amount, charged bytes and charge come back from the workers
 * (typed arrays, not objects): the main thread does not rebuild a million records it does not need.
 */
export async function rateTapParallel(
  source: AsyncIterable<Uint8Array>,
  tariff: Tariff,
  summary: TapImportSummary & { skipped?: number } = newSummary(),
  options: Omit<ParallelImportOptions, "tariff"> = {},
): Promise<PeriodTotals> {
  const acc = new PeriodAccumulator(new Rater(tariff));
  for await (const result of jobResults(source, summary, { ...options, tariff }, true)) {
    const c = result.compact as CompactRatings;
    for (let i = 0; i < c.amounts.length; i++) {
      acc.add({
        ref: "",
        kind: RATED_KINDS[c.kinds[i] as number] as ServiceKind,
        units: 0,
        chargedBytes: c.chargedBytes[i] as number,
        destinationClass: null,
        amount: c.amounts[i] as number,
      });
    }
  }
  return acc.finish();
}

/** Each job's result in file order, the summary kept as importTap keeps it; a job's error thrown after its result. */
async function* jobResults(
  source: AsyncIterable<Uint8Array>,
  summary: TapImportSummary & { skipped?: number },
  options: ParallelImportOptions,
  compact: boolean,
): AsyncGenerator<ImportJobResult> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const jobRecords = options.jobRecords ?? 2000;
  // The reader runs ahead of the results: what it reads goes to its own copy of the batch info, copied into the
  // summary as the results it precedes are yielded (so the summary is importTap's at the end and where an error
  // stops the import; in between it counts a job's records when the job's results arrive).
  const ctx: TapRecordContext = { offsets: new Map(), entities: new Map(), batch: { ...summary.batch } };
  let bytesRead = 0;
  summary.skipped = 0;
  const pool = new Pool(threads);
  const inFlight: Array<{ result: Promise<ImportJobResult>; batch: TapBatchInfo }> = [];
  let pending: Array<{ bytes: Uint8Array; offset: number; index: number }> = [];
  let pendingBytes = 0;
  // The batch info as it was at the job's first record (what importTap's summary holds when it yields that record).
  let pendingBatch: TapBatchInfo = ctx.batch;
  let jobs = 0;
  let drainFailed = false;

  const send = () => {
    if (pending.length === 0) return;
    const bytes = new Uint8Array(pendingBytes);
    const offsets = new Float64Array(pending.length);
    const lengths = new Uint32Array(pending.length);
    const indexes = new Uint32Array(pending.length);
    let at = 0;
    pending.forEach((p, i) => {
      bytes.set(p.bytes, at);
      at += p.bytes.length;
      offsets[i] = p.offset;
      lengths[i] = p.bytes.length;
      indexes[i] = p.index;
    });
    const job: ImportJob = {
      id: jobs++,
      bytes,
      offsets,
      lengths,
      indexes,
      batch: pendingBatch,
      utcOffsets: [...ctx.offsets],
      entities: [...ctx.entities],
      tariff: options.tariff ?? null,
      compact,
    };
    const result = pool.run(job);
    result.catch(() => {}); // awaited in order below; not an unhandled rejection meanwhile
    inFlight.push({ result, batch: job.batch });
    pending = [];
    pendingBytes = 0;
  };

  // The next job's results, in file order: its records, then its error if it stopped at one.
  async function* drainOne(): AsyncGenerator<ImportJobResult> {
    const job = inFlight.shift() as { result: Promise<ImportJobResult>; batch: TapBatchInfo };
    Object.assign(summary.batch, job.batch);
    const result = await job.result.catch((error: unknown) => {
      drainFailed = true; // a worker that died: nothing after it is yielded
      throw error;
    });
    summary.skipped = (summary.skipped ?? 0) + result.skipped;
    if (result.compact) {
      summary.records += result.compact.charges.length;
      for (const charge of result.compact.charges) summary.totalCharge += charge;
    } else {
      summary.records += result.records.length;
      for (const record of result.records) summary.totalCharge += record.charge;
    }
    yield result;
    if (result.error) {
      drainFailed = true;
      if ("offset" in result.error) throw new TapFormatError(result.error.offset, result.error.problem);
      throw new Error(result.error.message);
    }
  }

  try {
    try {
      for await (const event of readTap(source, { rawRecords: true })) {
        if (event.type === "root") ctx.batch.root = event.name;
        else if (event.type === "group") readGroup(event.node, ctx);
        else if (event.type === "raw") {
          if (pending.length === 0) pendingBatch = { ...ctx.batch };
          pending.push({ bytes: event.bytes, offset: event.offset, index: event.index });
          pendingBytes += event.bytes.length;
          if (pending.length >= jobRecords) {
            send();
            while (inFlight.length >= 2 * threads) yield* drainOne();
          }
        } else if (event.type === "end") bytesRead = event.bytes;
      }
      send();
    } catch (error) {
      if (drainFailed) throw error; // a record's own error, already in file order
      // A problem found while reading lies after every record already delimited: those come first, in order (and
      // an error among them, earlier in the file, is the one thrown).
      send();
      while (inFlight.length > 0) yield* drainOne();
      Object.assign(summary.batch, ctx.batch);
      throw error;
    }
    while (inFlight.length > 0) yield* drainOne();
    Object.assign(summary.batch, ctx.batch);
    summary.bytes = bytesRead;
  } finally {
    await pool.close();
  }
  checkAudit(summary);
}

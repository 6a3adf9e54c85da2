// Benchmark results: every benchmark returns tables of rows; the harness prints them and writes them as JSON
// (bench/results/<name>-<timestamp>.json) together with the machine they ran on, so figures can be compared later.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { table } from "../../src/cli/output.ts";

export interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
  /** What a reader should compare the figures with. */
  note?: string;
}

export interface BenchResult {
  name: string;
  tables: BenchTable[];
}

export function printAndSave(result: BenchResult, outDir: string): string {
  for (const t of result.tables) {
    console.log(`\n## ${t.title}\n`);
    console.log(table(t.rows));
    if (t.note) console.log(`\n${t.note}`);
  }
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${result.name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  writeFileSync(file, `${JSON.stringify({ ...result, machine, at: new Date().toISOString() }, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  return file;
}

/** Median and percentiles of a sample (nearest-rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function summarize(samples: number[]): { p50: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, n: sorted.length };
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

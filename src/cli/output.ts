// How every CLI command prints: a human table or line by default, the raw result with --json, errors to stderr.
import { styleText } from "node:util";

export interface OutputOptions {
  json?: boolean;
}

export function printResult(result: unknown, options: OutputOptions, human?: (r: never) => string): void {
  if (options.json || !human) {
    console.log(JSON.stringify(result, jsonReplacer, 2));
    return;
  }
  console.log(human(result as never));
}

/** bigint has no JSON form; print it as a decimal string. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export function table(rows: Array<Record<string, unknown>>, columns?: string[]): string {
  if (rows.length === 0) return "(none)";
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: unknown) =>
    v === undefined || v === null
      ? ""
      : Array.isArray(v)
        ? v.join(",")
        : typeof v === "object"
          ? JSON.stringify(v)
          : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line(cols),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join("\n");
}

/** One step of a long operation, for humans; silent with --json so the output stays machine-readable. */
export function progress(options: OutputOptions, message: string): void {
  if (!options.json) process.stderr.write(`${styleText("dim", "..")} ${message}\n`);
}

export class CliError extends Error {
  override name = "CliError";
  readonly code: string;
  readonly details: Array<{ field: string; message: string }> | undefined;
  constructor(message: string, code = "CLI_ERROR", details?: Array<{ field: string; message: string }>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function printError(error: unknown, options: OutputOptions): void {
  const err = error as Partial<CliError> & Error;
  const body = { code: err.code ?? "ERROR", message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (options.json) {
    console.error(JSON.stringify({ error: body }, null, 2));
    return;
  }
  console.error(`${styleText("red", "error")} ${body.code}: ${body.message}`);
  for (const d of err.details ?? []) console.error(`  ${d.field}: ${d.message}`);
}

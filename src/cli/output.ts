// How every CLI command prints: a human table or line by default, the raw result with --json, errors to stderr.
import { readFileSync } from "node:fs";
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
  const err = (error instanceof Error ? error : new Error(String(error))) as Error & {
    code?: unknown;
    details?: unknown;
  };
  const code = typeof err.code === "string" ? err.code : "ERROR";
  const body = { code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
  if (options.json) {
    console.error(JSON.stringify({ error: body }, jsonReplacer, 2));
    return;
  }
  console.error(`${styleText("red", "error")} ${code}: ${err.message}`);
  for (const line of detailLines(err.details)) console.error(`  ${line}`);
}

/**
 * Errors carry details in two shapes: a list of { field, message } (API validation answers, CliError) or a record of
 * facts (core errors: { file: ... }). Anything else is printed as JSON rather than trusted to have a shape.
 */
function detailLines(details: unknown): string[] {
  if (details === undefined || details === null) return [];
  if (Array.isArray(details)) {
    return details.map((d) => {
      const item = d as { field?: unknown; message?: unknown };
      return typeof item.field === "string" && typeof item.message === "string"
        ? `${item.field}: ${item.message}`
        : JSON.stringify(d, jsonReplacer);
    });
  }
  if (typeof details === "object") {
    return Object.entries(details).map(
      ([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value, jsonReplacer)}`,
    );
  }
  return [String(details)];
}

/**
 * The text of a file argument, standard input for "-". A shell pipe is read through /dev/stdin: when its writer has
 * not written yet, Node may hold fd 0 non-blocking and readFileSync(0) fails with EAGAIN, while opening /dev/stdin
 * gives a blocking descriptor of the same pipe. A socket (what Node's child_process gives a child as stdin) cannot be
 * opened that way (ENXIO) and is read from fd 0, where its writer has already written.
 */
export function readInputText(path: string): string {
  if (path !== "-") return readFileSync(path, "utf8");
  try {
    return readFileSync("/dev/stdin", "utf8");
  } catch {
    return readFileSync(0, "utf8");
  }
}

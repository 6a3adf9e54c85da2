// Portable SQL helpers: placeholder translation ($1 -> ?1 for SQLite), parameter checks and value conversion, so a
// statement written once behaves the same on both dialects.
import { StoreError } from "./errors.ts";
import type { SqlParam } from "./store.ts";

export interface PreparedSql {
  /** The statement with placeholders in the target dialect's syntax. */
  text: string;
  /** Highest placeholder number used ($3 -> 3); the caller must pass exactly this many parameters. */
  paramCount: number;
}

/**
 * Scans `sql` once, skipping string literals, quoted identifiers and comments, and rewrites each `$n` placeholder
 * (for SQLite to `?n`, which binds the same positional parameter however often it appears).
 */
export function prepareSql(sql: string, target: "sqlite" | "postgres"): PreparedSql {
  let out = "";
  let paramCount = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      const end = nl === -1 ? sql.length : nl;
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      const end = close === -1 ? sql.length : close + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "$" && /[0-9]/.test(sql[i + 1] ?? "")) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j] as string)) j++;
      const n = Number(sql.slice(i + 1, j));
      if (n < 1) throw new StoreError("STORE_PARAMS_MISMATCH", `placeholder $${n} is invalid: numbering starts at $1`);
      paramCount = Math.max(paramCount, n);
      out += target === "sqlite" ? `?${n}` : `$${n}`;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return { text: out, paramCount };
}

/** Index just past the quote that closes the literal opened at `start` (a doubled quote is an escaped quote). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

export function checkParams(prepared: PreparedSql, params: readonly SqlParam[]): void {
  if (params.length !== prepared.paramCount) {
    throw new StoreError(
      "STORE_PARAMS_MISMATCH",
      `statement uses ${prepared.paramCount} placeholder(s) but ${params.length} parameter(s) were given`,
    );
  }
}

/**
 * Booleans become 1/0 on both dialects: SQLite cannot bind them, and PostgreSQL accepts '1'/'0' for a BOOLEAN column
 * as well as for an INTEGER one, so the same call works against either column type.
 */
export function toDriverParam(value: SqlParam, dialect: "sqlite" | "postgres"): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (dialect === "postgres") {
    if (typeof value === "bigint") return value.toString();
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return value;
}

/** A bigint that fits in a double without loss becomes a number; larger ones stay bigint. */
export function narrowInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

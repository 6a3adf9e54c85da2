// Checks a usage record that came from outside (CSV, JSON, the API) field by field; the error names the line and the
// field, and nothing is half-accepted.
import { NUMERIC_FIELDS, RECORD_FIELDS, SERVICE_KINDS, type ServiceKind, toUtc, type UsageRecord } from "./record.ts";

export class UsageRecordError extends Error {
  readonly field: string;
  constructor(where: string, field: string, problem: string) {
    super(`${where}, field ${field}: ${problem}`);
    this.name = "UsageRecordError";
    this.field = field;
  }
}

const NULLABLE = new Set<keyof UsageRecord>([
  "imsi",
  "msisdn",
  "calledNumber",
  "serviceCode",
  "apn",
  "recEntityId",
  "locationArea",
  "cellId",
]);

/** A plain object (parsed JSON, or CSV cells as strings) as a checked UsageRecord. */
export function toRecord(input: Record<string, unknown>, where: string): UsageRecord {
  const out: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    let value = input[field];
    if (value === undefined || value === "" || value === null) {
      if (!NULLABLE.has(field)) throw new UsageRecordError(where, field, "is required");
      out[field] = null;
      continue;
    }
    if (NUMERIC_FIELDS.has(field)) {
      if (typeof value === "string" && /^-?\d+$/.test(value)) value = Number(value);
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        throw new UsageRecordError(where, field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
      }
    } else if (typeof value !== "string") {
      throw new UsageRecordError(where, field, `must be a string, got ${JSON.stringify(value)}`);
    }
    out[field] = value;
  }
  for (const field of Object.keys(input)) {
    if (!(RECORD_FIELDS as readonly string[]).includes(field)) throw new UsageRecordError(where, field, "is unknown");
  }
  const record = out as unknown as UsageRecord;
  if (!SERVICE_KINDS.includes(record.kind as ServiceKind)) {
    throw new UsageRecordError(where, "kind", `must be one of ${SERVICE_KINDS.join(", ")}`);
  }
  const utc = toUtc(record.startLocal, record.utcOffset);
  if (!utc) throw new UsageRecordError(where, "startLocal", "must be CCYYMMDDhhmmss with a +hhmm utcOffset");
  if (utc !== record.startUtc) throw new UsageRecordError(where, "startUtc", `must be ${utc} (startLocal - utcOffset)`);
  if (!/^[A-Z]{3}$/.test(record.currency)) throw new UsageRecordError(where, "currency", "must be an ISO 4217 code");
  return record;
}

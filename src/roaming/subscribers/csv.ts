// CSV import of home subscribers: header `imsi,msisdn,status,roaming_allowed,voice,sms,data,volte,5g`, booleans as
// 1/0 or true/false. Every line is checked before anything is written; an error names body.csv as the field and the
// line and column in its message.
import { RoamingError } from "../errors.ts";
import { SERVICES, type SubscriberInput } from "./register.ts";
import type { Blame } from "./validation.ts";
import { validateSubscriber } from "./validation.ts";

export const CSV_COLUMNS = ["imsi", "msisdn", "status", "roaming_allowed", ...SERVICES] as const;

/** A subscriber field by its CSV column name (roamingAllowed -> roaming_allowed, services.5g -> 5g). */
const csvColumn = (field: string) =>
  field === "roamingAllowed" ? "roaming_allowed" : field.replace(/^services\./, "");

/** The CSV travels in body.csv: that is the field at fault; where in it is in the message. */
const csvBlame =
  (where: string): Blame =>
  (field, problem) =>
    new RoamingError(
      "ROAMING_INVALID_INPUT",
      `body.csv ${where}${field ? ` column ${csvColumn(field)}` : ""} ${problem}`,
      { field: "body.csv" },
    );

function parseBool(value: string | undefined, line: number, column: string): boolean {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "1" || v === "true" || v === "yes") return true;
  if (v === "0" || v === "false" || v === "no") return false;
  throw csvBlame(`line ${line}`)(column, "must be 1/0 or true/false");
}

export function parseSubscribersCsv(text: string): SubscriberInput[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw csvBlame("header")("", `lacks column(s) ${missing.join(", ")}`);
  const col = (cells: string[], name: string) => cells[header.indexOf(name)]?.trim() ?? "";
  const out: SubscriberInput[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "" || line.startsWith("#")) continue;
    const cells = line.split(",");
    const subscriber: SubscriberInput = {
      imsi: col(cells, "imsi"),
      msisdn: col(cells, "msisdn").replace(/^\+/, ""),
      status: col(cells, "status") as SubscriberInput["status"],
      roamingAllowed: parseBool(col(cells, "roaming_allowed"), i + 1, "roaming_allowed"),
      services: Object.fromEntries(
        SERVICES.map((s) => [s, parseBool(col(cells, s), i + 1, s)]),
      ) as SubscriberInput["services"],
    };
    out.push(validateSubscriber(subscriber, csvBlame(`line ${i + 1}`)));
  }
  return out;
}

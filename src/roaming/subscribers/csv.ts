// CSV import of home subscribers: header `imsi,msisdn,status,roaming_allowed,voice,sms,data,volte,5g`, booleans as
// 1/0 or true/false. Every line is checked before anything is written; an error names the line and the column.
import { invalidRoamingInput } from "../errors.ts";
import { SERVICES, type SubscriberInput } from "./register.ts";
import { validateSubscriber } from "./sqlRegister.ts";

export const CSV_COLUMNS = ["imsi", "msisdn", "status", "roaming_allowed", ...SERVICES] as const;

function parseBool(value: string | undefined, line: number, column: string): boolean {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "1" || v === "true" || v === "yes") return true;
  if (v === "0" || v === "false" || v === "no") return false;
  throw invalidRoamingInput(`csv line ${line} column ${column}`, "must be 1/0 or true/false");
}

export function parseSubscribersCsv(text: string): SubscriberInput[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw invalidRoamingInput("csv header", `lacks column(s) ${missing.join(", ")}`);
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
    out.push(validateSubscriber(subscriber, `csv line ${i + 1}`));
  }
  return out;
}

// The "modify" duties the agent applies before data leaves it (ODRL profile, docs/datausage.md): pseudonymise fields
// with a key held per contract, truncate a field, or generalise the record into ranges. The stored data is unchanged.
import { createHmac } from "node:crypto";
import type { PreUseDuty } from "./odrl.ts";

export type DataRecord = Record<string, string | number>;

export function applyModifications(data: DataRecord, duties: readonly PreUseDuty[], key: string): DataRecord {
  let out: DataRecord = { ...data };
  for (const duty of duties) {
    switch (duty.action) {
      case "anonymize":
        for (const field of duty["tl:fields"]) {
          const value = out[field];
          if (value === undefined) continue;
          out[field] = `pseud:${createHmac("sha256", key).update(`${field}\u0000${value}`).digest("hex").slice(0, 16)}`;
        }
        break;
      case "tl:truncate": {
        const value = out[duty["tl:field"]];
        if (value !== undefined) out[duty["tl:field"]] = String(value).slice(0, duty["tl:length"]);
        break;
      }
      case "aggregate": {
        const bucket = duty["tl:bucket"];
        const generalised: DataRecord = {};
        for (const [field, value] of Object.entries(out)) {
          if (typeof value !== "number") continue;
          const low = Math.floor(value / bucket) * bucket;
          generalised[field] = `${low}-${low + bucket - 1}`;
        }
        out = generalised;
        break;
      }
    }
  }
  return out;
}

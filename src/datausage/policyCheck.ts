// What the profile's JSON schema (schemas.ts) cannot say: time windows that parse and can hold, a policy that permits
// something, and duties of the right kind for the action. Names the faulty field.
import type { FieldPath } from "../core/errors/index.ts";
import { DataUsageError } from "./errors.ts";
import { DATAUSAGE_PROFILE, type OdrlPolicy, type Rule } from "./odrl.ts";

const invalid = (field: FieldPath, message: string) =>
  new DataUsageError("DATAUSAGE_INVALID_POLICY", message, { field });

function checkRule(rule: Rule, path: FieldPath): void {
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  (rule.constraint ?? []).forEach((c, i) => {
    const at: FieldPath = `${path}.constraint[${i}]`;
    if (c.leftOperand === "dateTime") {
      const seconds = Date.parse(c.rightOperand);
      if (Number.isNaN(seconds)) throw invalid(`${at}.rightOperand`, `not an ISO 8601 date-time: ${c.rightOperand}`);
      if (c.operator === "gteq") from = Math.max(from, seconds);
      else to = Math.min(to, seconds);
    }
    if (c.leftOperand === "tl:hourOfDay" && (c.rightOperand < 0 || c.rightOperand > 24))
      throw invalid(`${at}.rightOperand`, "an hour of day is 0 to 24");
  });
  if (from >= to) throw invalid(`${path}.constraint`, "the dateTime window is empty");
}

export function checkPolicy(policy: OdrlPolicy, field: FieldPath): void {
  if (policy.profile !== DATAUSAGE_PROFILE)
    throw invalid(`${field}.profile`, `the profile must be ${DATAUSAGE_PROFILE}`);
  if ((policy.permission ?? []).length === 0)
    throw invalid(`${field}.permission`, "a policy permits at least one action");
  (policy.permission ?? []).forEach((r, i) => {
    checkRule(r, `${field}.permission[${i}]`);
  });
  (policy.prohibition ?? []).forEach((r, i) => {
    checkRule(r, `${field}.prohibition[${i}]`);
    if ((r.duty ?? []).length > 0) throw invalid(`${field}.prohibition[${i}].duty`, "a prohibition carries no duty");
  });
}

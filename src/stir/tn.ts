// Telephone numbers as PASSporTs carry them (RFC 8225 section 5.2.1: digits only, no "+", no visual separators).
import { type FieldPath, invalidField } from "../core/errors/index.ts";

const TN = /^[0-9]{1,15}$/;

/** Normalises a TN ("+1 215-555-1212" -> "12155551212"); throws naming the field when it is not an E.164 number. */
export function canonicalTn(value: unknown, field: FieldPath): string {
  if (typeof value !== "string" || value.length > 40) throw invalidField(field, "must be an E.164 telephone number");
  const digits = value.replace(/^\+/, "").replace(/[\s().-]/g, "");
  if (!TN.test(digits)) throw invalidField(field, "must be an E.164 telephone number of 1 to 15 digits");
  return digits;
}

export function isCanonicalTn(value: unknown): value is string {
  return typeof value === "string" && TN.test(value);
}

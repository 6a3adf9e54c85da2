// Canonical JSON for hashing: object keys sorted at every level, no whitespace, undefined members dropped, so one value
// has one byte string whoever serialises it (RFC 8785 for the strings, booleans and integers our documents hold).
// Several domains keep their own copy of this function (datausage, iot, settlement, stir); new code uses this one.
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

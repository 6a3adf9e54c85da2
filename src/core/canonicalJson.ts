// Canonical JSON for hashing and signing: RFC 8785 (JCS) through `canonicalize`, by the RFC's author, so one value has
// one byte string whoever serialises it (keys sorted at every level, no whitespace, undefined members dropped).
// Several domains keep their own hand-written copy of this function (datausage, iot, settlement, stir: their hashes
// are on chain, so they move to this one only with a test that the bytes agree); new code uses this one.
import canonicalizeCjs from "canonicalize";

// The package is CommonJS typed as an ES module: at run time the default import is the function itself.
const canonicalize = canonicalizeCjs as unknown as (input: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("canonicalJson: the value has no JSON form");
  return text;
}

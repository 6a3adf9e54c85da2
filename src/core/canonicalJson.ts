// Canonical JSON for hashing and signing: RFC 8785 (JCS) through `canonicalize`, by the RFC's author, so one value has
// one byte string whoever serialises it (keys sorted at every level, no whitespace, undefined members dropped).
// The domains whose hashes are on chain (datausage, iot, settlement terms, stir) moved here from hand-written copies
// after test/domains/canonicalJsonCopies.test.ts showed the bytes agree on every JSON value they hash.
import canonicalizeCjs from "canonicalize";

// The package is CommonJS typed as an ES module: at run time the default import is the function itself.
const canonicalize = canonicalizeCjs as unknown as (input: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("canonicalJson: the value has no JSON form");
  return text;
}

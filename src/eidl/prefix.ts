// E.164 telephone numbers and number blocks as the EIDL domain sees them: a block is an E.164 prefix (digits only,
// no "+"), so "1200200" is the NANP thousand-block 1-200-200-XXXX and a full number is a prefix of its own length.
// Validation here is the edge check; the contract enforces the same shape on chain.

/** ITU-T E.164: at most 15 digits including the country code, which never starts with 0. */
export const E164_MAX_DIGITS = 15;

export class TnFormatError extends Error {
  override readonly name = "TnFormatError";
  readonly code = "EIDL_TN_INVALID";
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.field = field;
  }
}

const DIGITS = /^[1-9][0-9]{0,14}$/;

/** Strips an optional leading "+" and checks the digits; returns the canonical digit string. */
export function parseE164(value: unknown, field = "tn"): string {
  if (typeof value !== "string") throw new TnFormatError(field, "must be an E.164 number as a string of digits");
  const digits = value.startsWith("+") ? value.slice(1) : value;
  if (!DIGITS.test(digits)) {
    throw new TnFormatError(
      field,
      `must be 1 to ${E164_MAX_DIGITS} digits, not starting with 0 (E.164), got "${value}"`,
    );
  }
  return digits;
}

/**
 * A number block: an E.164 prefix. `"1200200"` or the explicit wildcard form `"1200200XXXX"` (the trailing Xs say how
 * long the numbers are, for the reader; authority covers every number with that prefix).
 */
export function parsePrefix(value: unknown, field = "prefix"): string {
  if (typeof value !== "string") throw new TnFormatError(field, "must be an E.164 prefix as a string of digits");
  const withoutPlus = value.startsWith("+") ? value.slice(1) : value;
  const digits = withoutPlus.replace(/[xX]+$/, "");
  if (!DIGITS.test(digits) || withoutPlus.length > E164_MAX_DIGITS) {
    throw new TnFormatError(
      field,
      `must be an E.164 prefix of 1 to ${E164_MAX_DIGITS} digits, not starting with 0, optionally followed by Xs, got "${value}"`,
    );
  }
  return digits;
}

/** True when `prefix` covers `tn` (every number starting with the prefix). */
export function covers(prefix: string, tn: string): boolean {
  return tn.startsWith(prefix);
}

/** Every prefix of a number, shortest first: the at-most-one-step-per-digit walk of a lookup. */
export function prefixesOf(tn: string): string[] {
  const out: string[] = [];
  for (let i = 1; i <= tn.length; i++) out.push(tn.slice(0, i));
  return out;
}

/** How many numbers of `length` digits a prefix covers (10^(length - prefix length)); for reports. */
export function blockSize(prefix: string, length = 11): number {
  return prefix.length >= length ? 1 : 10 ** (length - prefix.length);
}

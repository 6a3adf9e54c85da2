// IMSI and PLMN (MCC+MNC) parsing. An IMSI is MCC (3 digits) + MNC (2 or 3) + MSIN, 15 digits at most; which MNC
// length applies is a property of the network, so the home network is found by matching claimed PLMN prefixes.
import type { FieldPath } from "../core/errors/index.ts";
import { invalidRoamingInput } from "./errors.ts";

export const IMSI_PATTERN = "^[0-9]{6,15}$";
export const PLMN_PATTERN = "^[0-9]{5,6}$";

/** A 15-digit-at-most IMSI, digits only; throws ROAMING_INVALID_INPUT naming `field`. */
export function parseImsi(value: unknown, field: FieldPath): string {
  if (typeof value !== "string" || !/^[0-9]{6,15}$/.test(value)) {
    throw invalidRoamingInput(field, "must be 6 to 15 digits (MCC + MNC + MSIN)");
  }
  return value;
}

/** A PLMN id: MCC (3 digits) + MNC (2 or 3 digits). */
export function parsePlmn(value: unknown, field: FieldPath): string {
  if (typeof value !== "string" || !/^[0-9]{5,6}$/.test(value)) {
    throw invalidRoamingInput(field, "must be MCC (3 digits) + MNC (2 or 3 digits)");
  }
  return value;
}

/** The longest PLMN among `plmns` that prefixes the IMSI (a 3-digit MNC wins over a 2-digit one). */
export function homePlmnOf(imsi: string, plmns: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const plmn of plmns) {
    if (imsi.startsWith(plmn) && imsi.length > plmn.length && (!best || plmn.length > best.length)) best = plmn;
  }
  return best;
}

/** The chain's `Plmn` (contracts/roaming/Plmn.sol): ASCII digits left-aligned in bytes6, a 2-digit MNC padded 0x00. */
export function plmnToBytes6(plmn: string): `0x${string}` {
  return `0x${Buffer.from(plmn.padEnd(6, "\0"), "latin1").toString("hex")}`;
}

export function plmnFromBytes6(value: string): string {
  return Buffer.from(value.replace(/^0x/, ""), "hex").toString("latin1").replace(/\0+$/, "");
}

/** The MSIN of an IMSI under its home PLMN, as the integer the registry's MSIN ranges use. */
export function msinOf(imsi: string, plmn: string): bigint {
  return BigInt(imsi.slice(plmn.length));
}

// IMEIs as the device register names them: the 14 identifying digits (TAC + serial number), keyed-hashed under the
// consortium key. An IMEI is low entropy (about 10^14 values, far fewer in use per TAC), so a bare hash would be
// reversed by enumeration in hours; HMAC-SHA256 under a key only members' agents hold makes the chain's list useless
// to anyone without the key, while every member's agent computes the same keyed hash and so finds the same device.
import { createHmac } from "node:crypto";
import type { Hex } from "viem";
import type { FieldPath } from "../core/errors/index.ts";
import { invalidRegistriesInput } from "./errors.ts";

/** Luhn check digit over the 14 identifying digits (3GPP TS 23.003 annex B). */
export function luhnCheckDigit(digits14: string): number {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = digits14.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The 14 identifying digits of an IMEI given as 14 digits, 15 digits with its Luhn check digit (checked), or a
 * 16-digit IMEISV (the software version dropped). Anything else is refused naming `field`.
 */
export function imeiDigits(value: string, field: FieldPath): string {
  if (!/^[0-9]{14,16}$/.test(value)) throw invalidRegistriesInput(field, "must be an IMEI: 14, 15 or 16 digits");
  const digits = value.slice(0, 14);
  if (value.length === 15 && luhnCheckDigit(digits) !== Number(value[14])) {
    throw invalidRegistriesInput(field, `has a wrong check digit (expected ${luhnCheckDigit(digits)})`);
  }
  return digits;
}

/** The IMEI completed with its check digit, for display: 14 digits -> 15. */
export const withCheckDigit = (digits14: string): string => `${digits14}${luhnCheckDigit(digits14)}`;

/** A consortium key: 32 bytes. */
export const CONSORTIUM_KEY_BYTES = 32;

/** The device's keyed hash as the chain carries it: HMAC-SHA256(key, "imei:" + 14 digits). */
export function keyedDeviceHash(key: Uint8Array, digits14: string): Hex {
  return `0x${createHmac("sha256", key).update(`imei:${digits14}`).digest("hex")}`;
}

/** A short public fingerprint of the key (not the key): lets members compare that they hold the same one. */
export function keyFingerprint(key: Uint8Array): string {
  return createHmac("sha256", key).update("telco-ledger consortium key fingerprint").digest("hex").slice(0, 16);
}

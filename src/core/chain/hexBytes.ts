// Hex <-> bytes with Node's native codec. viem's converters are JavaScript loops, and a busy agent converts every
// log's data (a kilobyte of ciphertext per roaming event) and every signed batch (hundreds of kilobytes): they were
// among the largest items of an agent's profile.
import type { Hex } from "viem";

/** The bytes of 0x-prefixed, even-length hex; throws on anything else (Buffer alone would stop at a bad digit). */
export function hexToBytes(hex: Hex | string): Buffer {
  const bytes = typeof hex === "string" && hex.startsWith("0x") ? Buffer.from(hex.slice(2), "hex") : undefined;
  if (!bytes || bytes.length * 2 !== hex.length - 2) {
    throw new TypeError("expected even-length 0x-prefixed hex");
  }
  return bytes;
}

/** UTF-8 text of hex bytes (what viem's hexToString gives). */
export function hexToUtf8(hex: Hex | string): string {
  return Buffer.from(hexToBytes(hex)).toString("utf8");
}

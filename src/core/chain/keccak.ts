// Keccak-256 for large inputs: a signed roaming batch is hundreds of kilobytes, and the outbox hashes each twice
// (the signing hash and the transaction hash). viem's pure-JS Keccak takes ~60 ms for 700 kB; hash-wasm's
// WebAssembly one ~4 ms, which at a thousand authentications a second is a quarter of a core saved.
import { createKeccak } from "hash-wasm";
import type { Hex } from "viem";
import { hexToBytes } from "./hexBytes.ts";

const hasher = await createKeccak(256);

/** keccak256 of hex or bytes, as 0x-hex; the same digest as viem's `keccak256`. */
export function keccak256(data: Hex | Uint8Array): Hex {
  hasher.init();
  hasher.update(typeof data === "string" ? hexToBytes(data) : data);
  return `0x${hasher.digest("hex")}`;
}

/** keccak256 of bytes, as 32 bytes: for hot paths that hash small inputs (EIP-712 digests) thousands of times a second. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

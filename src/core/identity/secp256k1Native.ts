// secp256k1 signing and recovery over a 32-byte digest with libsecp256k1 itself: the `secp256k1` package loads the
// prebuilt native addon it ships for linux-x64 (no compiler, nothing downloaded). About 40 µs to sign and 60 µs to
// recover here, against 110 and 270 µs for the same library compiled to WASM and 280 and 1,500 µs for viem's pure JS:
// the hot paths (payment channel states) sign and check thousands of digests a second. Should the addon not load,
// the package falls back to its pure-JS implementation: same answers, slower; `secp256k1Backend()` says which.
import { createRequire } from "node:module";
import type { Hex } from "viem";

type Secp256k1 = typeof import("secp256k1");

let loading: Promise<Secp256k1> | undefined;

/** The library, loaded on first use (the CLI's module budget stays small). */
export function secp256k1(): Promise<Secp256k1> {
  loading ??= import("secp256k1").then((m) => (m as { default?: Secp256k1 }).default ?? (m as Secp256k1));
  return loading;
}

/** "libsecp256k1 (native addon)" or "elliptic (pure-JS fallback)": which implementation `secp256k1()` runs on. */
export function secp256k1Backend(): string {
  try {
    createRequire(import.meta.url)("secp256k1/bindings");
    return "libsecp256k1 (native addon)";
  } catch {
    return "elliptic (pure-JS fallback)";
  }
}

/** r || s || v (v 27 or 28) over `digest`: the form ecrecover and OpenZeppelin's ECDSA take (libsecp256k1 gives low s). */
export function signDigestRecoverable(lib: Secp256k1, digest: Uint8Array, privateKey: Uint8Array): Hex {
  const { signature, recid } = lib.ecdsaSign(digest, privateKey);
  if (recid > 1) throw new Error("recovery id above 1: the signature has no ecrecover form");
  return `0x${Buffer.from(signature).toString("hex")}${(27 + recid).toString(16)}` as Hex;
}

/**
 * The uncompressed public key (65 bytes) that signed `digest`, recovered with the signature's own v as ecrecover
 * does; undefined for a signature no key can have made. `signature` is r || s || v, v 27 or 28.
 */
export function recoverDigestSigner(lib: Secp256k1, digest: Uint8Array, signature: Uint8Array): Uint8Array | undefined {
  const v = signature[64];
  if (signature.length !== 65 || (v !== 27 && v !== 28)) return undefined;
  try {
    return lib.ecdsaRecover(signature.subarray(0, 64), v - 27, digest, false);
  } catch {
    return undefined; // r or s out of range, or no point for this r
  }
}

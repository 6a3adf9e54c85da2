// Native secp256k1 ECDSA over 32-byte digests as Ethereum signs and checks them (EIP-712 digests, not hashed again),
// with OpenSSL doing the scalar multiplications through ECDH on secp256k1 (Node's crypto.sign/verify hash the message
// again for EC keys, so they cannot). The signer is built by the keystore (keyMaterial.ts) and holds the private
// scalar in its closure; the verifier checks a signature against a known public key.
import { createECDH, randomBytes } from "node:crypto";
import type { Hex } from "viem";

/** secp256k1's group order n: Ethereum (OZ ECDSA) accepts only s <= n / 2. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;

export const bigOf = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
const bigOfHex = (hex: string): bigint => BigInt(`0x${hex || "0"}`);
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
export const bytes32Of = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, "0"), "hex");

/** a^-1 mod m (extended Euclid; a and m coprime). */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [m, ((a % m) + m) % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/**
 * Native ECDSA over a 32-byte digest as Ethereum signs (no hashing: Node's crypto.sign always hashes for EC keys):
 * the nonce point R = k*G comes from OpenSSL (ECDH on secp256k1, k from the CSPRNG), s = k^-1 (z + r d) mod n in
 * BigInt, s normalised to the low half (s > n/2 -> n - s, flipping R's parity) as the contracts' OZ ECDSA requires;
 * R's y parity gives v (27 or 28) at no further cost. Answers r || s || v, 65 bytes. The private scalar stays in this
 * closure.
 */
export function secp256k1DigestSigner(plain: Buffer): (digest: Uint8Array) => Uint8Array {
  const d = bigOf(plain);
  const ecdh = createECDH("secp256k1");
  return (digest) => {
    const z = bigOf(digest) % SECP256K1_N;
    for (;;) {
      const kBytes = randomBytes(32);
      const k = bigOf(kBytes);
      if (k === 0n || k >= SECP256K1_N) continue;
      ecdh.setPrivateKey(kBytes);
      const point = ecdh.getPublicKey();
      const x = bigOf(point.subarray(1, 33));
      if (x >= SECP256K1_N) continue; // r would need the overflow recovery id (probability ~2^-128)
      const r = x;
      let s = (modInverse(k, SECP256K1_N) * (z + r * d)) % SECP256K1_N;
      if (r === 0n || s === 0n) continue;
      let parity = (point[64] ?? 0) & 1;
      if (s > HALF_N) {
        s = SECP256K1_N - s;
        parity ^= 1;
      }
      return new Uint8Array(Buffer.concat([bytes32Of(r), bytes32Of(s), Buffer.from([27 + parity])]));
    }
  };
}

/** Whether a 65-byte signature (hex) has s in the low half (OZ ECDSA refuses the other). */
export function isLowS(signature: Hex): boolean {
  return signature.length === 132 && BigInt(`0x${signature.slice(66, 130)}`) <= HALF_N;
}

/** A checker of signatures by one known public key over 32-byte digests (the recovery id is not looked at). */
export type DigestVerifier = (digest: Hex, signature: Hex) => boolean;

/**
 * Native ECDSA verification against a known public key Q (uncompressed SEC1 hex): x(u1 G + u2 Q) == r, computed as
 * x(u2 (w G + Q)) with w = u1 / u2, so that the scalar multiplications are OpenSSL's (ECDH on secp256k1; three, as
 * setPrivateKey always computes a public key) and only one affine point addition is BigInt. Node's crypto.verify
 * cannot be used: it hashes the message again for EC keys.
 * High s is refused (OZ ECDSA refuses it); the degenerate case w G = +-Q answers false, leaving the slow path.
 */
export function digestVerifier(publicKey: Hex): DigestVerifier {
  const qx = bigOfHex(publicKey.slice(4, 68));
  const qy = bigOfHex(publicKey.slice(68, 132));
  const ecdh = createECDH("secp256k1");
  return (digest, signature) => {
    if (!isLowS(signature)) return false;
    const r = bigOfHex(signature.slice(2, 66));
    const s = bigOfHex(signature.slice(66, 130));
    if (r === 0n || r >= SECP256K1_N || s === 0n) return false;
    const z = bigOfHex(digest.slice(2)) % SECP256K1_N;
    const sInv = modInverse(s, SECP256K1_N);
    const u1 = (z * sInv) % SECP256K1_N;
    const u2 = (r * sInv) % SECP256K1_N;
    const w = (u1 * modInverse(u2, SECP256K1_N)) % SECP256K1_N;
    let sx = qx;
    let sy = qy;
    if (w !== 0n) {
      ecdh.setPrivateKey(bytes32Of(w));
      const t = ecdh.getPublicKey();
      const tx = bigOfHex(t.subarray(1, 33).toString("hex"));
      const ty = bigOfHex(t.subarray(33, 65).toString("hex"));
      if (tx === qx) return false;
      const lambda = (((qy - ty + P) % P) * modInverse((qx - tx + P) % P, P)) % P;
      sx = (((lambda * lambda - tx - qx) % P) + 2n * P) % P;
      sy = (((lambda * (tx - sx)) % P) - ty + 2n * P) % P;
    }
    ecdh.setPrivateKey(bytes32Of(u2));
    const x = bigOfHex(
      ecdh.computeSecret(Buffer.concat([Buffer.from([4]), bytes32Of(sx), bytes32Of(sy)])).toString("hex"),
    );
    return x % SECP256K1_N === r;
  };
}

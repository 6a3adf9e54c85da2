// The RFC 9162 Merkle log against an independent brute-force tree: MTH, PATH and PROOF written straight from the
// recursive definitions (RFC 6962 §2.1, no cached subtrees), for every tree size up to 64 and every leaf / earlier
// size; the verifiers accept every honest proof and refuse every tampered one. Known vector: the empty tree's head is
// SHA-256 of the empty string.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  EMPTY_ROOT,
  type Hash,
  leafHash,
  MerkleLog,
  verifyConsistency,
  verifyInclusion,
} from "../../src/pki/log/merkle.ts";

// The reference: byte-level recursion on the entries themselves, hashing with its own helper.
const h = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
const mth = (d: Buffer[]): Buffer =>
  d.length === 0
    ? h()
    : d.length === 1
      ? h(Buffer.of(0), d[0] as Buffer)
      : h(Buffer.of(1), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
const path = (m: number, d: Buffer[]): Buffer[] => {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
};
const subproof = (m: number, d: Buffer[], b: boolean): Buffer[] => {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
};

const entries = Array.from({ length: 64 }, (_, i) => Buffer.from(`certificate ${i}`));
const hex = (x: Uint8Array) => Buffer.from(x).toString("hex");
const hexes = (xs: readonly Uint8Array[]) => xs.map(hex);
const flip = (x: Hash) => {
  const y = Uint8Array.from(x);
  y[0] = (y[0] as number) ^ 1;
  return y;
};

describe("RFC 9162 Merkle log", () => {
  const log = new MerkleLog();
  for (const e of entries) log.append(e);

  it("has the empty tree's head SHA-256('') and the reference's leaf hash", () => {
    assert.equal(hex(EMPTY_ROOT), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(hex(new MerkleLog().root()), hex(EMPTY_ROOT));
    assert.equal(hex(leafHash(entries[0] as Buffer)), hex(h(Buffer.of(0), entries[0] as Buffer)));
  });

  it("computes every prefix's tree head as the brute-force tree does", () => {
    for (let n = 1; n <= entries.length; n++)
      assert.equal(hex(log.root(n)), hex(mth(entries.slice(0, n))), `size ${n}`);
  });

  it("generates every inclusion proof as the reference, which the RFC verifier accepts and refuses when tampered", () => {
    for (let n = 1; n <= entries.length; n++) {
      const root = log.root(n);
      for (let m = 0; m < n; m++) {
        const proof = log.inclusionProof(m, n);
        assert.deepEqual(hexes(proof), hexes(path(m, entries.slice(0, n))), `PATH(${m}, ${n})`);
        assert.ok(verifyInclusion(log.leafHashAt(m), m, n, proof, root), `inclusion ${m} in ${n}`);
        assert.equal(verifyInclusion(flip(log.leafHashAt(m)), m, n, proof, root), false, "another leaf");
        if (n > 1)
          assert.equal(verifyInclusion(log.leafHashAt(m), (m + 1) % n, n, proof, root), false, "another index");
        if (proof.length > 0) {
          const forged = [...proof];
          forged[forged.length - 1] = flip(forged.at(-1) as Hash);
          assert.equal(verifyInclusion(log.leafHashAt(m), m, n, forged, root), false, "a forged path");
          assert.equal(verifyInclusion(log.leafHashAt(m), m, n, proof.slice(1), root), false, "a short path");
        }
      }
    }
  });

  it("generates every consistency proof as the reference, which the RFC verifier accepts and refuses when tampered", () => {
    for (let n = 1; n <= entries.length; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = log.consistencyProof(m, n);
        assert.deepEqual(hexes(proof), hexes(subproof(m, entries.slice(0, n), true)), `PROOF(${m}, ${n})`);
        assert.ok(verifyConsistency(m, n, proof, log.root(m), log.root(n)), `consistency ${m} -> ${n}`);
        if (m < n) {
          assert.equal(verifyConsistency(m, n, proof, flip(log.root(m)), log.root(n)), false, "a rewritten past");
          assert.equal(verifyConsistency(m, n, proof, log.root(m), flip(log.root(n))), false, "another head");
          const forged = [...proof];
          forged[0] = flip(forged[0] as Hash);
          assert.equal(verifyConsistency(m, n, forged, log.root(m), log.root(n)), false, "a forged proof");
        }
      }
    }
  });
});

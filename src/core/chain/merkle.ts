// A Merkle tree as OpenZeppelin's MerkleProof verifies it: pairs hashed commutatively (keccak256 of the smaller node
// then the larger, Hashes.commutativeKeccak256), an unpaired node moving up a level unchanged (it needs no sibling in
// a proof). Built on byte arrays, one pass per level, Keccak in WebAssembly: OpenZeppelin's SimpleMerkleTree took
// about 32 s for 20,000 leaves and their proofs on the loaded shared machine (bench/iot-anchoring.bench.ts) and 50 ms
// for 256. Used for IoT attestation batches and payment channel exchanges; their tests check the proofs with
// OpenZeppelin's own verifier and the contracts.
import { keccak256Bytes } from "./keccak.ts";

/** OpenZeppelin's Hashes.commutativeKeccak256. */
export function hashPairSorted(x: Uint8Array, y: Uint8Array): Uint8Array {
  const pair = new Uint8Array(64);
  const [first, second] = Buffer.compare(x, y) <= 0 ? [x, y] : [y, x];
  pair.set(first, 0);
  pair.set(second, 32);
  return keccak256Bytes(pair);
}

/** The tree's levels, the leaves first and the root alone last. */
export function merkleLevels(leaves: readonly Uint8Array[]): Uint8Array[][] {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  const levels: Uint8Array[][] = [[...leaves]];
  for (let level = levels[0] as Uint8Array[]; level.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? hashPairSorted(level[i] as Uint8Array, right) : (level[i] as Uint8Array));
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The root of `merkleLevels`' tree. */
export const merkleRoot = (levels: readonly Uint8Array[][]): Uint8Array =>
  (levels[levels.length - 1] as Uint8Array[])[0] as Uint8Array;

/** The siblings that take leaf `index` to the root, lowest first. */
export function merkleProof(levels: readonly Uint8Array[][], index: number): Uint8Array[] {
  const proof: Uint8Array[] = [];
  let at = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = level[at ^ 1];
    if (sibling) proof.push(sibling);
    at >>= 1;
  }
  return proof;
}

/** OpenZeppelin's MerkleProof.processProof: the root `proof` takes `leaf` to. */
export function processProof(leaf: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let node = leaf;
  for (const sibling of proof) node = hashPairSorted(node, sibling);
  return node;
}

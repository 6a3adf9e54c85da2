// A batch of off-chain attestations as one Merkle tree over the payload leaves (keccak256(id)), with every leaf's
// inclusion proof. Pairs are hashed commutatively (keccak256 of the smaller node then the larger), as OpenZeppelin's
// MerkleProof expects, so the contract verifies these proofs; an unpaired node moves up a level unchanged. Built on
// byte arrays in one pass per level: OpenZeppelin's SimpleMerkleTree took about 32 s for 20,000 leaves and their
// proofs on the loaded shared machine, this about 12 s at a higher load (bench/iot-anchoring.bench.ts). test/iot/batch.test.ts checks the
// proofs with OpenZeppelin's own verifier.
import { bytesToHex, type Hex, hexToBytes, keccak256 } from "viem";

export interface BatchTree {
  root: Hex;
  /** Per attestation id: its leaf and the proof of that leaf under `root`. */
  proofs: Map<Hex, { leaf: Hex; proof: Hex[] }>;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(64);
  if (compare(a, b) <= 0) {
    joined.set(a, 0);
    joined.set(b, 32);
  } else {
    joined.set(b, 0);
    joined.set(a, 32);
  }
  return keccak256(joined, "bytes");
}

export function buildBatchTree(ids: readonly Hex[]): BatchTree {
  if (ids.length === 0) throw new Error("a batch needs at least one attestation");
  const levels: Uint8Array[][] = [ids.map((id) => keccak256(hexToBytes(id), "bytes"))];
  for (let level = levels[0] as Uint8Array[]; level.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? hashPair(level[i] as Uint8Array, right) : (level[i] as Uint8Array));
    }
    levels.push(next);
    level = next;
  }
  const proofs = new Map<Hex, { leaf: Hex; proof: Hex[] }>();
  ids.forEach((id, index) => {
    const proof: Hex[] = [];
    let i = index;
    for (let l = 0; l < levels.length - 1; l++) {
      const sibling = (levels[l] as Uint8Array[])[i ^ 1];
      if (sibling) proof.push(bytesToHex(sibling));
      i >>= 1;
    }
    proofs.set(id, { leaf: bytesToHex((levels[0] as Uint8Array[])[index] as Uint8Array), proof });
  });
  return { root: bytesToHex((levels.at(-1) as Uint8Array[])[0] as Uint8Array), proofs };
}

/** Checks a leaf's proof against a root off chain, as the contract's MerkleProof does on chain. */
export function proofHolds(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  let node = hexToBytes(leaf);
  for (const sibling of proof) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(sibling)) return false;
    node = hashPair(node, hexToBytes(sibling));
  }
  return bytesToHex(node) === root.toLowerCase();
}

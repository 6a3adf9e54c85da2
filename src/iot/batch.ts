// A batch of off-chain attestations as one Merkle tree (OpenZeppelin's SimpleMerkleTree over the payload leaves,
// the same commutative keccak pairs the contract's MerkleProof checks), with every leaf's inclusion proof.
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";
import { leafOfId } from "./payload.ts";

export interface BatchTree {
  root: Hex;
  /** Per attestation id: its leaf and the proof of that leaf under `root`. */
  proofs: Map<Hex, { leaf: Hex; proof: Hex[] }>;
}

export function buildBatchTree(ids: readonly Hex[]): BatchTree {
  if (ids.length === 0) throw new Error("a batch needs at least one attestation");
  const leaves = ids.map(leafOfId);
  const tree = SimpleMerkleTree.of(leaves);
  const proofs = new Map<Hex, { leaf: Hex; proof: Hex[] }>();
  ids.forEach((id, i) => {
    proofs.set(id, { leaf: leaves[i] as Hex, proof: tree.getProof(i) as Hex[] });
  });
  return { root: tree.root as Hex, proofs };
}

/** Checks a leaf's proof against a root off chain (the contract's verifyOffchain does the same on chain). */
export function proofHolds(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return SimpleMerkleTree.verify(root, leaf, [...proof]);
}

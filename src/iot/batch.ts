// A batch of off-chain attestations as one Merkle tree over the payload leaves (keccak256(id)), with every leaf's
// inclusion proof: the core's tree (src/core/chain/merkle.ts), hashed as OpenZeppelin's MerkleProof expects, so the
// contract verifies these proofs. test/iot/batch.test.ts checks them with OpenZeppelin's own verifier.
import { bytesToHex, type Hex, hexToBytes, keccak256 } from "viem";
import { merkleLevels, merkleProof, merkleRoot, processProof } from "../core/chain/merkle.ts";

export interface BatchTree {
  root: Hex;
  /** Per attestation id: its leaf and the proof of that leaf under `root`. */
  proofs: Map<Hex, { leaf: Hex; proof: Hex[] }>;
}

export function buildBatchTree(ids: readonly Hex[]): BatchTree {
  if (ids.length === 0) throw new Error("a batch needs at least one attestation");
  const levels = merkleLevels(ids.map((id) => keccak256(hexToBytes(id), "bytes")));
  const leaves = levels[0] as Uint8Array[];
  const proofs = new Map<Hex, { leaf: Hex; proof: Hex[] }>();
  ids.forEach((id, index) => {
    const proof = merkleProof(levels, index).map((sibling) => bytesToHex(sibling));
    proofs.set(id, { leaf: bytesToHex(leaves[index] as Uint8Array), proof });
  });
  return { root: bytesToHex(merkleRoot(levels)), proofs };
}

/** Checks a leaf's proof against a root off chain, as the contract's MerkleProof does on chain. */
export function proofHolds(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  if (!proof.every((sibling) => /^0x[0-9a-fA-F]{64}$/.test(sibling))) return false;
  const node = processProof(
    hexToBytes(leaf),
    proof.map((sibling) => hexToBytes(sibling)),
  );
  return bytesToHex(node) === root.toLowerCase();
}

// The batch tree's proofs hold under its root for every size (odd levels included), are accepted by OpenZeppelin's
// own verifier (the JavaScript twin of the MerkleProof library the contract uses), and fail for any other leaf.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { type Hex, keccak256, toHex } from "viem";
import { buildBatchTree, proofHolds } from "../../src/iot/batch.ts";
import { leafOfId } from "../../src/iot/payload.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => keccak256(toHex(`attestation ${i}`)));

describe("IoT batch trees", () => {
  for (const size of [1, 2, 3, 5, 8, 13, 100]) {
    it(`proves every one of ${size} leaves, checked by OpenZeppelin's verifier`, () => {
      const all = ids(size);
      const tree = buildBatchTree(all);
      for (const id of all) {
        const entry = tree.proofs.get(id);
        assert.ok(entry);
        assert.equal(entry.leaf, leafOfId(id));
        assert.ok(proofHolds(tree.root, entry.leaf, entry.proof), "our verifier");
        assert.ok(SimpleMerkleTree.verify(tree.root, entry.leaf, entry.proof), "OpenZeppelin's verifier");
      }
    });
  }

  it("refuses a proof presented for another leaf", () => {
    const all = ids(8);
    const tree = buildBatchTree(all);
    const proof = tree.proofs.get(all[0] as Hex)?.proof ?? [];
    assert.equal(proofHolds(tree.root, leafOfId(all[1] as Hex), proof), false);
    assert.equal(proofHolds(tree.root, leafOfId(keccak256(toHex("outsider"))), proof), false);
    assert.equal(SimpleMerkleTree.verify(tree.root, leafOfId(all[1] as Hex), proof), false);
  });
});

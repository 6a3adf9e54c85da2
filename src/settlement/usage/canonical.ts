// What a batch anchors: a Merkle root (OpenZeppelin StandardMerkleTree, as the contract's MerkleProof checks it) over
// one leaf per record, (digest, amount). The digest is an HMAC-SHA-256 of the record's canonical JSON under the
// batch's salt, a random key the two operators share off chain with the records: the leaf reveals nothing about the
// subscriber (IMSI and MSISDN are low-entropy and would be guessable from a bare hash), yet either operator can prove
// a record is in the anchored batch, and any change to a record changes its digest.
import { createHmac, randomBytes } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { RECORD_FIELDS, type UsageRecord } from "./record.ts";

export type Hex = `0x${string}`;
export const LEAF_ENCODING = ["bytes32", "uint256"] as const;

/** The record as canonical JSON: the fixed field order of RECORD_FIELDS, nothing else. */
export function canonicalJson(record: UsageRecord): string {
  return JSON.stringify(record, RECORD_FIELDS as unknown as string[]);
}

export function newBatchSalt(): Hex {
  return `0x${randomBytes(32).toString("hex")}`;
}

/** The record's keyed digest: HMAC-SHA-256(salt, canonical JSON). */
export function recordDigest(record: UsageRecord, salt: Hex): Hex {
  const key = Buffer.from(salt.slice(2), "hex");
  if (key.length !== 32) throw new Error("batch salt must be 32 bytes");
  return `0x${createHmac("sha256", key).update(canonicalJson(record)).digest("hex")}`;
}

export interface AnchoredBatch {
  root: Hex;
  count: number;
  total: bigint;
  firstEventAt: number;
  lastEventAt: number;
  tree: StandardMerkleTree<[Hex, bigint]>;
}

/** The batch's tree over (digest, rated amount) leaves, with its count, total and event time span. */
export function buildBatch(records: UsageRecord[], amounts: number[], salt: Hex): AnchoredBatch {
  if (records.length === 0) throw new Error("a batch needs at least one record");
  if (amounts.length !== records.length) throw new Error("one rated amount per record");
  const leaves = records.map((r, i): [Hex, bigint] => [recordDigest(r, salt), BigInt(amounts[i] ?? 0)]);
  const times = records.map((r) => Date.parse(r.startUtc) / 1000);
  const tree = StandardMerkleTree.of(leaves, [...LEAF_ENCODING]);
  return {
    root: tree.root as Hex,
    count: records.length,
    total: leaves.reduce((sum, [, amount]) => sum + amount, 0n),
    firstEventAt: Math.min(...times),
    lastEventAt: Math.max(...times),
    tree,
  };
}

/** The proof that record `index` with its amount is in the batch (what a dispute sends). */
export function proofOf(batch: AnchoredBatch, index: number): { digest: Hex; amount: bigint; proof: Hex[] } {
  const [digest, amount] = batch.tree.at(index) ?? [];
  if (digest === undefined || amount === undefined) throw new Error(`no record ${index} in the batch`);
  return { digest, amount, proof: batch.tree.getProof(index) as Hex[] };
}

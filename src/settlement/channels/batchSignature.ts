// One signature for all the states of one exchange. Each member signs PaymentChannels.batchDigest(channelId, root)
// once, root being the sorted-pair Merkle root (OpenZeppelin's MerkleProof hashing) over the exchange's state digests,
// and hands over, per state, r‖s‖v followed by that state's proof. The contract checks such a signature like a single
// one (PaymentChannels._checkSigner), so every state stays separately provable on chain; the agents sign and recover
// once per exchange instead of once per state. A lone state keeps the plain 65-byte signature over its own digest.
import type { Hex } from "viem";
import { hexToBytes } from "../../core/chain/hexBytes.ts";
import { hashPairSorted, merkleLevels, merkleProof, merkleRoot } from "../../core/chain/merkle.ts";
import type { ChannelDigester } from "./digest.ts";

/** PaymentChannels.MAX_PROOF: at most 2^16 states in one exchange. */
export const MAX_PROOF = 16;

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

/**
 * The signatures of one exchange's states, one per digest, from a single call of `sign`: for one state, its plain
 * signature; for several, the signature of the batch digest with each state's proof appended.
 */
export async function signExchange(
  digester: ChannelDigester,
  channelId: Hex,
  digests: readonly Uint8Array[],
  sign: (digest: Uint8Array) => Promise<Hex>,
): Promise<Hex[]> {
  if (digests.length === 1) return [await sign(digests[0] as Uint8Array)];
  const levels = merkleLevels(digests);
  const root = merkleRoot(levels);
  const rsv = await sign(digester.batchDigest(channelId, root));
  return digests.map((_, i) => `${rsv}${merkleProof(levels, i).map(hex).join("")}` as Hex);
}

/**
 * What a signature of the state with `digest` actually signs, and its r‖s‖v: the digest itself for a 65-byte
 * signature, the batch digest of the root its proof leads to otherwise; undefined when the length is neither.
 * Mirrors PaymentChannels._checkSigner.
 */
export function signedDigestOf(
  digester: ChannelDigester,
  channelId: Hex,
  digest: Uint8Array,
  signature: Hex,
): { signed: Uint8Array; rsv: Buffer } | undefined {
  const bytes = hexToBytes(signature);
  const steps = (bytes.length - 65) / 32;
  if (bytes.length < 65 || !Number.isInteger(steps) || steps > MAX_PROOF) return undefined;
  if (steps === 0) return { signed: digest, rsv: bytes };
  let node = digest;
  for (let i = 0; i < steps; i++) node = hashPairSorted(node, bytes.subarray(65 + 32 * i, 97 + 32 * i));
  return { signed: digester.batchDigest(channelId, node), rsv: bytes.subarray(0, 65) };
}

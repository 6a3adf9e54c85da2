// An auditor's private lottery tickets for blind jury draws (contracts/auditing/IAuditorTickets.sol). Per epoch, a
// tree of 256 secrets, one per lottery the court may open in that epoch; the agent commits its root at `signal` and
// shows one secret with its proof when its auditor claims a seat. The epoch seeds come from the auditor's own key:
// its keystore signs a fixed, domain-separated digest (RFC 6979 makes the signature, and so the seed, the same every
// time) that is never published, so the agent keeps no extra secret and can always reveal a seed after the epoch.
// The tree is positional (a leaf's index is its lottery slot), unlike the sorted-pair trees of src/core/chain/merkle.ts:
// one secret per slot, fixed before any lottery seed exists, is what keeps an auditor from holding several tickets
// for one lottery.
import { bytesToHex, encodeAbiParameters, type Hex, hexToBytes, keccak256, stringToHex } from "viem";
import { keccak256Bytes } from "../core/chain/keccak.ts";

export const TICKET_SLOTS = 256;
const DEPTH = 8;

/** Signs a 32-byte digest with the auditor's key inside the keystore (keystore.digestSigner). */
export type DigestSigner = (digest: Uint8Array) => Hex;

const SEED_DOMAIN = keccak256(stringToHex("telco-ledger auditor ticket seeds v1"));

/** The seed of the auditor's tickets for `epoch` (what it reveals on AuditorTickets once the epoch is over). */
export function epochSeedOf(sign: DigestSigner, epoch: bigint): Hex {
  const master = keccak256(sign(hexToBytes(SEED_DOMAIN)));
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint64" }], [master, epoch]));
}

/** The secret of lottery `slot`: keccak256(abi.encode(epochSeed, slot)). */
export function ticketSecret(epochSeed: Hex, slot: number): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [epochSeed, BigInt(slot)]));
}

function leaf(slot: number, secret: Hex): Uint8Array {
  const inner = keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }], [BigInt(slot), secret]));
  return keccak256Bytes(hexToBytes(inner));
}

function levelsOf(epochSeed: Hex): Uint8Array[][] {
  const levels: Uint8Array[][] = [Array.from({ length: TICKET_SLOTS }, (_, j) => leaf(j, ticketSecret(epochSeed, j)))];
  for (let d = 1; d <= DEPTH; d++) {
    const below = levels[d - 1] as Uint8Array[];
    const level: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) {
      const pair = new Uint8Array(64);
      pair.set(below[i] as Uint8Array, 0);
      pair.set(below[i + 1] as Uint8Array, 32);
      level.push(keccak256Bytes(pair));
    }
    levels.push(level);
  }
  return levels;
}

/** The root the auditor commits for an epoch (AuditorTickets.rootFromSeed computes the same on chain). */
export function ticketRoot(epochSeed: Hex): Hex {
  return bytesToHex((levelsOf(epochSeed)[DEPTH] as Uint8Array[])[0] as Uint8Array);
}

/** The secret of lottery `slot` with its eight siblings, lowest first (what commitVote takes). */
export function ticketProof(epochSeed: Hex, slot: number): { secret: Hex; proof: Hex[] } {
  if (!Number.isInteger(slot) || slot < 0 || slot >= TICKET_SLOTS) throw new RangeError(`slot ${slot} out of range`);
  const levels = levelsOf(epochSeed);
  const proof: Hex[] = [];
  for (let d = 0, position = slot; d < DEPTH; d++, position >>= 1) {
    proof.push(bytesToHex((levels[d] as Uint8Array[])[position ^ 1] as Uint8Array));
  }
  return { secret: ticketSecret(epochSeed, slot), proof };
}

/** The ticket a secret draws in a lottery: the top 64 bits of keccak256(abi.encode(secret, seed)). */
export function ticketOf(secret: Hex, lotterySeed: Hex): bigint {
  return (
    BigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }], [secret, lotterySeed]))) >> 192n
  );
}

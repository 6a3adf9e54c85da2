// A channel's balance state as both members sign it: the EIP-712 typed data of PaymentChannels' ChannelState, its
// digest, and the rule by which one member may move the balance (it pays the other; deposits add to their maker).
import { createECDH } from "node:crypto";
import {
  type Address,
  encodeAbiParameters,
  type Hex,
  hashTypedData,
  keccak256,
  recoverAddress,
  recoverPublicKey,
} from "viem";
import { publicKeyToAddress } from "viem/accounts";

export interface ChannelState {
  channelId: Hex;
  version: bigint;
  balanceA: bigint;
  balanceB: bigint;
  depositA: bigint;
  depositB: bigint;
  isFinal: boolean;
}

export interface SignedState {
  state: ChannelState;
  sigA: Hex;
  sigB: Hex;
}

export const CHANNEL_STATE_TYPES = {
  ChannelState: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint64" },
    { name: "balanceA", type: "uint256" },
    { name: "balanceB", type: "uint256" },
    { name: "depositA", type: "uint256" },
    { name: "depositB", type: "uint256" },
    { name: "isFinal", type: "bool" },
  ],
} as const;

/** The EIP-712 domain of a PaymentChannels deployment. */
export function channelDomain(chainId: number, verifyingContract: Address) {
  return { name: "PaymentChannels", version: "1", chainId, verifyingContract } as const;
}

/** What a member's account signs: the typed data of `state` in the deployment's domain. */
export function typedState(chainId: number, contract: Address, state: ChannelState) {
  return {
    domain: channelDomain(chainId, contract),
    types: CHANNEL_STATE_TYPES,
    primaryType: "ChannelState" as const,
    message: state,
  };
}

export function stateDigest(chainId: number, contract: Address, state: ChannelState): Hex {
  return hashTypedData(typedState(chainId, contract, state));
}

export async function signerOf(chainId: number, contract: Address, state: ChannelState, signature: Hex) {
  return recoverAddress({ hash: stateDigest(chainId, contract, state), signature });
}

/** PaymentChannels.channelIdOf: keccak256(chainId, contract, memberA, memberB, token, salt). */
export function channelIdOf(
  chainId: number,
  contract: Address,
  memberA: Address,
  memberB: Address,
  token: Address,
  salt: Hex,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "address" },
        { type: "address" },
        { type: "bytes32" },
      ],
      [BigInt(chainId), contract, memberA, memberB, token, salt],
    ),
  );
}

/**
 * Why `next` may not follow `previous` when `payer` ("a" or "b") proposes it, or undefined when it may: the version
 * goes up, balances sum to the deposits the state accounts for, deposits never shrink, and the receiver's balance
 * does not fall below what it had plus what it deposited since.
 */
export function refusalOf(previous: ChannelState, next: ChannelState, payer: "a" | "b"): string | undefined {
  if (next.channelId.toLowerCase() !== previous.channelId.toLowerCase()) return "channelId: another channel";
  if (next.version <= previous.version) return `version: ${next.version} is not above ${previous.version}`;
  if (next.balanceA + next.balanceB !== next.depositA + next.depositB) {
    return `balanceA + balanceB (${next.balanceA + next.balanceB}) must equal depositA + depositB (${next.depositA + next.depositB})`;
  }
  if (next.depositA < previous.depositA || next.depositB < previous.depositB) return "depositA/depositB: decreased";
  if (payer === "a") {
    if (next.balanceB < previous.balanceB + (next.depositB - previous.depositB))
      return "balanceB: the payee's balance falls";
  } else if (next.balanceA < previous.balanceA + (next.depositA - previous.depositA)) {
    return "balanceA: the payee's balance falls";
  }
  return undefined;
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Whether a 65-byte signature has s in the low half (OZ ECDSA refuses the other). */
export function isLowS(signature: Hex): boolean {
  return signature.length === 132 && BigInt(`0x${signature.slice(66, 130)}`) <= N >> 1n;
}

/** The same r, s with the other recovery id (27 <-> 28). */
export function otherV(signature: Hex): Hex {
  return `${signature.slice(0, 130)}${signature.slice(130) === "1b" ? "1c" : "1b"}` as Hex;
}

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const big = (hex: string): bigint => BigInt(`0x${hex || "0"}`);
const bytes32 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, "0"), "hex");

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [m, ((a % m) + m) % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** A checker of signatures by one known public key over 32-byte digests (the recovery id is not looked at). */
export type DigestVerifier = (digest: Hex, signature: Hex) => boolean;

/**
 * Native ECDSA verification against a known public key Q (uncompressed SEC1 hex): x(u1 G + u2 Q) == r, computed as
 * x(u2 (w G + Q)) with w = u1 / u2, so that the scalar multiplications are OpenSSL's (ECDH on secp256k1; three, as
 * setPrivateKey always computes a public key) and only one affine point addition is BigInt. Node's crypto.verify cannot be used: it hashes the message again for EC keys.
 * High s is refused (OZ ECDSA refuses it); the degenerate case w G = +-Q answers false, leaving the slow path.
 */
export function digestVerifier(publicKey: Hex): DigestVerifier {
  const qx = big(publicKey.slice(4, 68));
  const qy = big(publicKey.slice(68, 132));
  const ecdh = createECDH("secp256k1");
  return (digest, signature) => {
    if (!isLowS(signature)) return false;
    const r = big(signature.slice(2, 66));
    const s = big(signature.slice(66, 130));
    if (r === 0n || r >= N || s === 0n) return false;
    const z = big(digest.slice(2)) % N;
    const sInv = inverse(s, N);
    const u1 = (z * sInv) % N;
    const u2 = (r * sInv) % N;
    const w = (u1 * inverse(u2, N)) % N;
    let sx = qx;
    let sy = qy;
    if (w !== 0n) {
      ecdh.setPrivateKey(bytes32(w));
      const t = ecdh.getPublicKey();
      const tx = big(t.subarray(1, 33).toString("hex"));
      const ty = big(t.subarray(33, 65).toString("hex"));
      if (tx === qx) return false;
      const lambda = (((qy - ty + P) % P) * inverse((qx - tx + P) % P, P)) % P;
      sx = (((lambda * lambda - tx - qx) % P) + 2n * P) % P;
      sy = (((lambda * (tx - sx)) % P) - ty + 2n * P) % P;
    }
    ecdh.setPrivateKey(bytes32(u2));
    const x = big(ecdh.computeSecret(Buffer.concat([Buffer.from([4]), bytes32(sx), bytes32(sy)])).toString("hex"));
    return x % N === r;
  };
}

/** The public keys and addresses `signature` recovers to under both recovery ids (the given one first). */
export async function candidatesOf(
  digest: Hex,
  signature: Hex,
): Promise<{ signature: Hex; publicKey: Hex; address: Address }[]> {
  const out: { signature: Hex; publicKey: Hex; address: Address }[] = [];
  if (!isLowS(signature)) return out;
  for (const sig of [signature, otherV(signature)]) {
    const publicKey = await recoverPublicKey({ hash: digest, signature: sig }).catch(() => undefined);
    if (publicKey) out.push({ signature: sig, publicKey, address: publicKeyToAddress(publicKey) });
  }
  return out;
}

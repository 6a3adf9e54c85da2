// A channel's balance state as both members sign it: the EIP-712 typed data of PaymentChannels' ChannelState, its
// digest, and the rule by which one member may move the balance (it pays the other; deposits add to their maker).
import { type Address, encodeAbiParameters, type Hex, hashTypedData, keccak256, recoverAddress } from "viem";

export interface ChannelState {
  channelId: Hex;
  version: bigint;
  balanceA: bigint;
  balanceB: bigint;
  depositA: bigint;
  depositB: bigint;
  isFinal: boolean;
  /** The RoamingSettlement batch this state's update pays (zero: a plain payment); see IPaymentChannels. */
  batchId: Hex;
}

/** A state's batchId when its update pays no batch. */
export const NO_BATCH: Hex = `0x${"0".repeat(64)}`;

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
    { name: "batchId", type: "bytes32" },
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

/** secp256k1's group order n, halved: OZ ECDSA (the contract) accepts only s <= n / 2. */
const HALF_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n >> 1n;

/**
 * Whether a signature (hex) has the form the contract's OZ ECDSA accepts: r‖s‖v with s in the low half and v 27 or 28
 * (viem's recoverAddress also takes v 0/1 and high s, which the contract would refuse), alone or followed by a Merkle
 * proof of 1 to 16 words (a batch signature: batchSignature.ts).
 */
export function isContractForm(signature: Hex): boolean {
  const proofHex = signature.length - 132;
  return (
    proofHex >= 0 &&
    proofHex % 64 === 0 &&
    proofHex / 64 <= 16 &&
    /^0x[0-9a-fA-F]*$/.test(signature) &&
    BigInt(`0x${signature.slice(66, 130)}`) <= HALF_N &&
    ["1b", "1c"].includes(signature.slice(130, 132).toLowerCase())
  );
}

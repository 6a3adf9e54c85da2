// Fee bumping on networks with fees: a transaction that waits too long is signed again at the SAME nonce with a
// higher fee, so it replaces the stuck one in every node's pool (geth, Besu and anvil accept a replacement that pays
// at least 10% more on every fee field). Bounded: a number of bumps and an optional fee ceiling, so a congested or
// misconfigured network cannot drain a member account.
import type { FeeFields } from "./fees.ts";

export interface FeeBumpPolicy {
  /** A transaction not mined this long after it was signed (or last bumped) is a candidate. */
  afterMs: number;
  /** How much more each replacement pays, in percent of the previous fee; at least 10 (the nodes' replacement rule). */
  percent: number;
  /** Replacements per transaction; after that it waits at its last fee (and the operator is warned). */
  maxBumps: number;
  /** Highest gas price (legacy) or max fee per gas (EIP-1559) a replacement may offer; absent: no ceiling. */
  maxFeeWei?: bigint;
}

export const DEFAULT_FEE_BUMP: FeeBumpPolicy = { afterMs: 30_000, percent: 25, maxBumps: 5 };

/** The fee a node's pool orders by: the legacy gas price, or the EIP-1559 max fee. */
export function feeCeilingOf(fees: FeeFields): bigint {
  return fees.type === "legacy" ? fees.gasPrice : fees.maxFeePerGas;
}

const raise = (fee: bigint, percent: number): bigint => {
  // Rounded up, and at least one wei more: 1 wei x 1.25 must become 2, or the replacement is refused as underpriced.
  const raised = (fee * BigInt(100 + percent) + 99n) / 100n;
  return raised > fee ? raised : fee + 1n;
};

const larger = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * The replacement's fees: the previous ones raised by `percent`, or today's market fee when that is higher, but never
 * above the ceiling (a market beyond it gets the ceiling). Undefined when even the minimal raise would pass the
 * ceiling, or on a free network (zero fees: nothing to outbid).
 */
export function bumpedFees(previous: FeeFields, market: FeeFields, policy: FeeBumpPolicy): FeeFields | undefined {
  if (feeCeilingOf(previous) === 0n) return undefined;
  const ceiling = policy.maxFeeWei;
  const capped = (fee: bigint) => (ceiling !== undefined && fee > ceiling ? ceiling : fee);
  const marketMax = feeCeilingOf(market);
  if (previous.type === "legacy") {
    const raised = raise(previous.gasPrice, policy.percent);
    if (ceiling !== undefined && raised > ceiling) return undefined;
    return { type: "legacy", gasPrice: capped(larger(raised, marketMax)) };
  }
  // The tip is raised too: nodes require every fee field of a replacement to grow (a tip of 0 stays valid at 0).
  const raisedTip = previous.maxPriorityFeePerGas === 0n ? 0n : raise(previous.maxPriorityFeePerGas, policy.percent);
  const raisedMax = raise(previous.maxFeePerGas, policy.percent);
  if (ceiling !== undefined && (raisedMax > ceiling || raisedTip > ceiling)) return undefined;
  const marketTip = market.type === "legacy" ? 0n : market.maxPriorityFeePerGas;
  const maxPriorityFeePerGas = capped(larger(raisedTip, marketTip));
  const maxFeePerGas = capped(larger(larger(raisedMax, marketMax), maxPriorityFeePerGas));
  return { type: "eip1559", maxFeePerGas, maxPriorityFeePerGas };
}

/** The fee fields a signed transaction carries (parsed from its raw bytes). */
export function feesOfTransaction(tx: {
  type?: string;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
}): FeeFields {
  if (tx.type === "eip1559") {
    return {
      type: "eip1559",
      maxFeePerGas: tx.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? 0n,
    };
  }
  return { type: "legacy", gasPrice: tx.gasPrice ?? 0n };
}

/** The policy an agent's configuration (`chain.feeBump`) asks for, over the defaults; false turns bumping off. */
export function feeBumpPolicyOf(
  configured: false | { afterMs?: number; percent?: number; maxBumps?: number; maxFeeWei?: string } | undefined,
): FeeBumpPolicy | false {
  if (configured === false) return false;
  const { maxFeeWei, ...rest } = configured ?? {};
  return { ...DEFAULT_FEE_BUMP, ...rest, ...(maxFeeWei !== undefined ? { maxFeeWei: BigInt(maxFeeWei) } : {}) };
}

// What the identity domain publishes to the domains after it: the operator guardian's port for SIM swaps. Identity
// precedes roaming in src/domains.ts, so it cannot read roaming's SIM-swap journal itself; instead it owns this small
// port, and the roaming domain (which may use what identity publishes) attaches an adapter over its journal when it
// publishes. With no roaming domain in the build, nothing is attached and the agent records swaps only on request.
import type { Hex } from "viem";

/** A SIM swap of this operator's home register, as the operator guardian needs it (no IMSI). */
export interface JournalledSimSwap {
  /** The journal's id of the swap: stable across restarts. */
  swapId: Hex;
  /** The number (E.164 without +) now on another SIM. */
  msisdn: string;
  /** ISO time of the store change that journalled it. */
  swappedAt: string;
}

/** Where the operator guardian reads SIM swaps: the provider's journal, read-only, with no marking of its own. */
export interface SimSwapFeed {
  /**
   * Swaps journalled at or after `from` (ISO), in (swappedAt, swapId) order, strictly after `after` when given, at
   * most `limit`. Every swap ever journalled is listed, whatever another consumer did with it.
   */
  swapsFrom(
    from: string,
    after: { swappedAt: string; swapId: Hex } | undefined,
    limit: number,
  ): Promise<JournalledSimSwap[]>;
  /** `listener` runs after each commit that journalled a swap (in this process). */
  onSwap(listener: () => void): void;
}

export interface OperatorGuardianPort {
  /** The provider of this agent's SIM swaps attaches its feed (once; a second feed replaces none and throws). */
  attachSimSwapFeed(feed: SimSwapFeed): void;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    operatorGuardian: OperatorGuardianPort;
  }
}

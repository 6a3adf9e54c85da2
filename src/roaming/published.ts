// What the roaming domain publishes to the domains after it: the SIM swaps of its home subscriber register (an MSISDN
// re-bound to another IMSI), journalled with the store change, so that the registries domain publishes each as a
// `sim-swap` fraud signal once. No IMSI crosses this interface: a swap is its id, the number, a salted commitment.
import type { Hex } from "viem";

/** A journalled SIM swap not yet published. */
export interface SimSwapEvent {
  /** 32 random bytes chosen when the swap was journalled, stable across restarts (a publisher derives ids from it). */
  swapId: Hex;
  /** The number (E.164 without +) now bound to another SIM. */
  msisdn: string;
  /** A salted SHA-256 commitment to the swap record (number, both IMSIs, time); the nonce stays in the register. */
  evidence: Hex;
  /** ISO time of the store change. */
  swappedAt: string;
  /** Publication attempts that failed so far. */
  attempts: number;
}

export interface SimSwapJournal {
  /** `listener` runs after each commit that journalled a swap (in this process). */
  onSwap(listener: () => void): void;
  /** Swaps not yet published whose next attempt is due at `now`, oldest first, at most `limit`. */
  due(limit: number, now?: Date): Promise<SimSwapEvent[]>;
  /** The swap was published as `reference` (e.g. the fraud signal's id): it is never due again. */
  markPublished(swapId: Hex, reference: string): Promise<void>;
  /** Publishing failed with `error`: the swap is due again at `retryAt`. */
  markFailed(swapId: Hex, error: string, retryAt: Date): Promise<void>;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    simSwaps: SimSwapJournal;
  }
}

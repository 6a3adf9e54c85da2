// What the registries domain publishes to the domains after it: recent fraud signals about a number, so an identity
// flow can refuse a risky step (e.g. recovery through an operator guardian) during a SIM-swap or port-out cool-down.
// Answered from this agent's read model; the number is looked up by its keyed hash under the consortium key.
import type { Address, Hex } from "viem";
import type { SignalKindName } from "./traceback/projection.ts";

export type FraudSignalKind = SignalKindName;

/** A fraud signal about a number as other domains see it. */
export interface RecentFraudSignal {
  signalId: Hex;
  kind: FraudSignalKind;
  /** The member that reported it (for a port-out, the losing provider; for a SIM swap, the operator that did it). */
  reporter: Address;
  /** The member operating the number's holder named by the reporter, or null. */
  holder: Address | null;
  confidence: number;
  /** Challenged by the holder's operator: it still counts until cleared or expired. */
  disputed: boolean;
  /** ISO times: when it was reported (the block's time) and when it stops counting. */
  reportedAt: string;
  expiresAt: string;
}

export interface FraudSignalFacts {
  /**
   * The signals about E.164 `number` reported within the last `withinSeconds` seconds and not cleared by their
   * reporter (expired or not: the window is the caller's question), newest first, at most 20; only `kinds` when
   * given. Throws RangeError for a malformed number or window, and REGISTRIES_NO_CONSORTIUM_KEY when this agent
   * holds no consortium key yet (it cannot name the number).
   */
  recentSignals(
    number: string,
    withinSeconds: number,
    kinds?: readonly FraudSignalKind[],
  ): Promise<RecentFraudSignal[]>;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    fraudSignals: FraudSignalFacts;
  }
}

// What the roaming domain publishes to the domains after it:
// - how an operator is found and encrypted to, and how this agent opens what peers encrypt to its own key: the same
//   directory and key ring the roaming exchange uses (the DID an operator names in the OperatorRegistry, its newest
//   keyAgreement key, the keystore's ECDH), so another protocol between two operators' agents (settlement's batch
//   delivery) needs no keys or lookups of its own;
// - the SIM swaps of its home subscriber register (an MSISDN re-bound to another IMSI), journalled with the store
//   change, so that the registries domain publishes each as a `sim-swap` fraud signal once. No IMSI crosses this
//   interface: a swap is its id, the number, a salted commitment.
import type { Address, Hex } from "viem";
import type { JweRecipient, SharedSecretOf } from "../core/identity/ecdhJwe.ts";
import type { RoamingRuntime } from "./runtime.ts";

export interface RoamingOperatorKeys {
  /** The DID the operator (a member address) names in the OperatorRegistry, or undefined when it names none. */
  operatorDid(operator: Address): Promise<string | undefined>;
  /** The operator's key to encrypt to now (its newest published one); ROAMING_NO_ENCRYPTION_KEY when there is none. */
  encryptionKeyOf(operator: Address): Promise<JweRecipient>;
  /**
   * The ECDH of this member's own encryption key `kid` with a sender's ephemeral key, done in the keystore; undefined
   * for a key this agent does not hold (or dropped after its grace period).
   */
  sharedSecrets(): Promise<SharedSecretOf>;
}

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
    roaming: RoamingOperatorKeys;
    simSwaps: SimSwapJournal;
  }
}

/** Built lazily: publish() runs before the roaming runtime is needed. */
export function publishedRoaming(runtime: () => Promise<RoamingRuntime>): RoamingOperatorKeys {
  return {
    operatorDid: async (operator) => (await runtime()).directory.didOf(operator),
    encryptionKeyOf: async (operator) => {
      const { x, y, kid } = await (await runtime()).directory.currentKeyOf(operator);
      return { x, y, kid };
    },
    sharedSecrets: async () => {
      const ring = (await runtime()).keys.ring;
      return (kid, epk) => (ring.has(kid) ? ring.sharedSecret(kid, epk) : undefined);
    },
  };
}

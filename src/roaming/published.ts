// What the roaming domain publishes to the domains after it: how an operator is found and encrypted to, and how this
// agent opens what peers encrypt to its own key. The same directory and key ring the roaming exchange uses (the DID an
// operator names in the OperatorRegistry, its newest keyAgreement key, the keystore's ECDH), so another protocol
// between two operators' agents (settlement's batch delivery) needs no keys or lookups of its own.
import type { Address } from "viem";
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

declare module "../agent/domain.ts" {
  interface PublishedServices {
    roaming: RoamingOperatorKeys;
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

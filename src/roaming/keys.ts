// The operator's encryption keys as the consortium sees them: the key ring (crypto/keyRing.ts, in the keystore)
// published in the operator's organisation DID as `did/pub/JsonWebKey2020/enc`
// (ethr-did-resolver lists it under keyAgreement, value in publicKeyHex), and that DID named in the
// OperatorRegistry (setOperatorIdentity) so peers find it. Rotation publishes the new key first and revokes the old
// attribute only when its grace period ends, so peers encrypting to it meanwhile still succeed.
import { type Address, encodeFunctionData } from "viem";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import type { DidService, HostedDid } from "../core/identity/did.ts";
import { attributeName, attributeValiditySeconds } from "../core/identity/erc1056.ts";
import { EthereumDIDRegistry } from "../generated/contracts.ts";
import type { EncryptionKeyInfo, EncryptionKeyRing } from "./crypto/keyRing.ts";
import { RoamingError } from "./errors.ts";
import { operatorRegistryAbi } from "./exchange.ts";

export const ENCRYPTION_KEY_ATTRIBUTE = "did/pub/JsonWebKey2020/enc";

export interface OperatorKeysOptions {
  ring: EncryptionKeyRing;
  dids: DidService;
  outbox: Outbox;
  memberAccount: Address;
  didRegistry: Address;
  operatorRegistry: Address;
  /** How long a replaced key still decrypts: at least the longest request lifetime. */
  graceSeconds: number;
  sync(): Promise<unknown>;
}

export class OperatorKeys {
  readonly #o: OperatorKeysOptions;

  constructor(options: OperatorKeysOptions) {
    this.#o = options;
  }

  get ring(): EncryptionKeyRing {
    return this.#o.ring;
  }

  list(): EncryptionKeyInfo[] {
    return this.#o.ring.list();
  }

  /** Oldest first: `limit + 1` keys after the key [createdAt, kid] (the caller builds the page). */
  page(limit: number, after?: readonly [string, string]): EncryptionKeyInfo[] {
    const byAge = (a: EncryptionKeyInfo, b: EncryptionKeyInfo) =>
      a.createdAt === b.createdAt ? (a.kid < b.kid ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1;
    const isAfter = (k: EncryptionKeyInfo) =>
      !after || k.createdAt > after[0] || (k.createdAt === after[0] && k.kid > after[1]);
    return this.#o.ring
      .list()
      .filter(isAfter)
      .sort(byAge)
      .slice(0, limit + 1);
  }

  async #did(didInput?: string): Promise<HostedDid> {
    if (didInput) return this.#o.dids.get(didInput);
    const [first] = await this.#o.dids.list();
    if (!first)
      throw new RoamingError("ROAMING_CONFLICT", "this agent hosts no organisation DID yet; create one first");
    return first;
  }

  /**
   * Publishes the current key (creating the first one when there is none) in the DID and names the DID in the
   * OperatorRegistry. Idempotent: publishing again re-sends the same attribute.
   */
  async publish(didInput?: string): Promise<{ did: string; key: EncryptionKeyInfo }> {
    const hosted = await this.#did(didInput);
    const key = this.#o.ring.current() ?? (await this.#o.ring.rotate(this.#o.graceSeconds));
    await this.#setAttribute(hosted, key.publicKeyHex, "setAttribute");
    await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.operatorRegistry,
      data: encodeFunctionData({
        abi: operatorRegistryAbi,
        functionName: "setOperatorIdentity",
        args: [hosted.address],
      }),
      label: `roaming.setOperatorIdentity ${hosted.did}`,
    });
    await this.#o.sync();
    return { did: hosted.did, key };
  }

  /** A new current key, published; the previous one keeps decrypting for the grace period. */
  async rotate(didInput?: string): Promise<{ did: string; key: EncryptionKeyInfo; previous: string | null }> {
    const hosted = await this.#did(didInput);
    const previous = this.#o.ring.current()?.kid ?? null;
    const key = await this.#o.ring.rotate(this.#o.graceSeconds);
    await this.#setAttribute(hosted, key.publicKeyHex, "setAttribute");
    await this.#o.sync();
    return { did: hosted.did, key, previous };
  }

  /** Drops keys past their grace period and unpublishes them. */
  async dropExpired(didInput?: string): Promise<string[]> {
    const before = this.#o.ring.list();
    const dropped = await this.#o.ring.dropExpired();
    if (dropped.length === 0) return [];
    const hosted = await this.#did(didInput);
    for (const kid of dropped) {
      const info = before.find((k) => k.kid === kid);
      if (info) await this.#setAttribute(hosted, info.publicKeyHex, "revokeAttribute");
    }
    await this.#o.sync();
    return dropped;
  }

  async #setAttribute(hosted: HostedDid, value: `0x${string}`, fn: "setAttribute" | "revokeAttribute") {
    const name = attributeName(ENCRYPTION_KEY_ATTRIBUTE);
    const data =
      fn === "setAttribute"
        ? encodeFunctionData({
            abi: EthereumDIDRegistry.abi,
            functionName: "setAttribute",
            args: [hosted.address, name, value, attributeValiditySeconds],
          })
        : encodeFunctionData({
            abi: EthereumDIDRegistry.abi,
            functionName: "revokeAttribute",
            args: [hosted.address, name, value],
          });
    await this.#o.outbox.send({
      from: hosted.controller,
      to: this.#o.didRegistry,
      data,
      label: `roaming.${fn} enc ${hosted.did}`,
    });
  }
}

// Keyed pseudonyms only the two operators of a roaming exchange can compute: HMAC-SHA256 under a pairwise key that
// comes from static-static ECDH between their published encryption keys, expanded by HKDF with both PLMNs, both key
// ids and a context label. Without one of the two private keys no one can test an IMSI guess against a tag, however
// small the IMSI space is.
import { createHmac, hkdfSync } from "node:crypto";
import type { EncryptionPublicJwk } from "./jwk.ts";
import type { EncryptionKeyRing } from "./keyRing.ts";

const SALT = Buffer.from("telco-ledger/roaming/pairwise/v1");

export interface PairContext {
  visitedPlmn: string;
  homePlmn: string;
  visitedKid: string;
  homeKid: string;
}

/** HKDF-SHA256(ECDH(own, peer), salt, "visited|home|vkid|hkid") -> 32 bytes. Symmetric for the two operators. */
export function derivePairKey(
  ring: EncryptionKeyRing,
  ownKid: string,
  peer: EncryptionPublicJwk,
  ctx: PairContext,
): Buffer {
  const shared = ring.sharedSecret(ownKid, peer);
  const info = `${ctx.visitedPlmn}|${ctx.homePlmn}|${ctx.visitedKid}|${ctx.homeKid}`;
  const key = Buffer.from(hkdfSync("sha256", shared, SALT, info, 32));
  shared.fill(0);
  return key;
}

/** The per-request tag recorded on chain: binds the request id to the IMSI, unlinkable across requests. */
export function requestTag(pairKey: Buffer, requestId: string, imsi: string): `0x${string}` {
  return `0x${createHmac("sha256", pairKey).update(`request|${requestId}|${imsi}`).digest("hex")}`;
}

/** The stable subscriber pseudonym the two operators share off chain (never recorded on chain: it would link visits). */
export function subscriberPseudonym(pairKey: Buffer, imsi: string): string {
  return createHmac("sha256", pairKey).update(`subscriber|${imsi}`).digest("base64url");
}

/** A cache of pairwise keys: ECDH + HKDF once per key pair and PLMN pair, not once per attach. */
export class PairKeyCache {
  readonly #keys = new Map<string, Buffer>();

  get(ring: EncryptionKeyRing, ownKid: string, peer: EncryptionPublicJwk, ctx: PairContext): Buffer {
    const id = `${ownKid}|${peer.kid}|${ctx.visitedPlmn}|${ctx.homePlmn}|${ctx.visitedKid}|${ctx.homeKid}`;
    let key = this.#keys.get(id);
    if (!key) {
      key = derivePairKey(ring, ownKid, peer, ctx);
      if (this.#keys.size > 10_000) this.#keys.clear();
      this.#keys.set(id, key);
    }
    return key;
  }
}

// JWE (RFC 7516 compact, RFC 7518 §4.6 "ECDH-ES" + "A256GCM") to an operator's published P-256 key.
//
// Sealing is jose's: every message gets its own fresh ephemeral key (`epk`), as RFC 7518 §4.6 requires, and `apv`
// carries the item's request id, which binds the ciphertext to that request. The protected header's `kid` names the
// recipient key (its RFC 7638 thumbprint), so a recipient that rotated its key still opens requests encrypted to the
// retired one. Every plaintext is padded to one fixed size per message kind (padding.ts), so the ciphertext length
// says nothing about what is inside.
//
// Opening is src/core/identity/ecdhJwe.ts's: our private key never leaves the keystore, which does the ECDH, and the
// core opener does the rest of RFC 7518 §4.6 strictly (full GCM tag, 12-byte IV, no zip or crit).
import { JweOpenError, jweKid as jweKidOf, openJwe, sealJwe } from "../../core/identity/ecdhJwe.ts";
import { RoamingError } from "../errors.ts";
import type { EncryptionPublicJwk } from "./jwk.ts";
import type { EncryptionKeyRing } from "./keyRing.ts";
import { padPlaintext } from "./padding.ts";

const itemIdBytes = (id: string) => (/^0x([0-9a-f]{2})+$/.test(id) ? Buffer.from(id.slice(2), "hex") : Buffer.from(id));
const itemIdOf = (apv: Buffer) => (apv.length === 32 ? `0x${apv.toString("hex")}` : apv.toString("utf8"));

export interface SealItem {
  /**
   * Goes into `apv` (Agreement PartyVInfo), as raw bytes when it is 0x-hex: the request id, which binds the
   * ciphertext to that request (it is part of the content key's derivation).
   */
  itemId: string;
  payload: unknown;
}

export interface SealOptions {
  /** The plaintext's padded size in bytes (payloads.ts names one per message kind); a larger payload is refused. */
  paddedBytes: number;
}

/**
 * Encrypts every item to `recipient`, each with its own ephemeral key; returns compact JWEs in the same order. A
 * payload whose JSON exceeds `paddedBytes` throws before anything is encrypted.
 */
export async function sealBatch(
  recipient: EncryptionPublicJwk,
  items: readonly SealItem[],
  options: SealOptions,
): Promise<string[]> {
  const plaintexts = items.map((item) => padPlaintext(item.payload, options.paddedBytes));
  return Promise.all(
    items.map((item, i) => sealJwe(plaintexts[i] as Uint8Array, recipient, { apv: itemIdBytes(item.itemId) })),
  );
}

export interface Opened<T> {
  kid: string;
  /** The `apv` of the header: the item id the sender bound into the key derivation. */
  itemId: string;
  payload: T;
}

const decryptFailed = (message: string, cause?: unknown) =>
  new RoamingError("ROAMING_DECRYPT_FAILED", message, cause === undefined ? undefined : { cause });

/** Opens compact JWEs addressed to keys of `ring`; the ECDH runs in the keystore. */
export class JweOpener {
  readonly #ring: EncryptionKeyRing;

  constructor(ring: EncryptionKeyRing) {
    this.#ring = ring;
  }

  /**
   * Tampering (any changed byte), a shortened tag, another recipient, an unknown or dropped key:
   * ROAMING_DECRYPT_FAILED or ROAMING_KEY_NOT_FOUND, never a partial result.
   */
  open<T>(jwe: string): Opened<T> {
    const ring = this.#ring;
    let opened: ReturnType<typeof openJwe>;
    try {
      // A dropped key opens nothing.
      opened = openJwe(jwe, (kid, epk) => (ring.has(kid) ? ring.sharedSecret(kid, epk) : undefined));
    } catch (error) {
      if (error instanceof RoamingError) throw error;
      if (error instanceof JweOpenError && error.keyUnknown) {
        throw new RoamingError("ROAMING_KEY_NOT_FOUND", `no encryption key ${jweKidOf(jwe)} (unknown or expired)`);
      }
      throw decryptFailed(error instanceof Error ? error.message : "the ciphertext does not open", error);
    }
    // Padding is trailing JSON whitespace: JSON.parse ignores it.
    try {
      return {
        kid: opened.kid,
        itemId: itemIdOf(opened.apv),
        payload: JSON.parse(opened.plaintext.toString("utf8")) as T,
      };
    } catch (cause) {
      throw decryptFailed("the plaintext is not JSON", cause);
    }
  }
}

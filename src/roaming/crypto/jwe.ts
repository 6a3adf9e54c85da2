// JWE (RFC 7516 compact, RFC 7518 §4.6 "ECDH-ES" + "A256GCM") to an operator's published P-256 key.
//
// Sealing is jose's: every message gets its own fresh ephemeral key (`epk`), as RFC 7518 §4.6 requires, and `apv`
// carries the item's request id, which binds the ciphertext to that request. The protected header's `kid` names the
// recipient key (its RFC 7638 thumbprint), so a recipient that rotated its key still opens requests encrypted to the
// retired one. Every plaintext is padded to one fixed size per message kind (padding.ts), so the ciphertext length
// says nothing about what is inside.
//
// Opening cannot be jose's: jose needs the recipient's private key, and ours never leaves the keystore, which does the
// ECDH. So the opener does the rest of RFC 7518 §4.6 itself (Concat KDF, then AES-256-GCM) and is strict where a
// lenient decoder is attackable: the full 16-byte GCM tag, a 12-byte IV, no `zip`, no `crit`. The tests check it
// against jose in both directions.
import { createDecipheriv, createHash } from "node:crypto";
import { CompactEncrypt, importJWK } from "jose";
import { RoamingError } from "../errors.ts";
import type { EncryptionPublicJwk } from "./jwk.ts";
import type { EncryptionKeyRing } from "./keyRing.ts";
import { padPlaintext } from "./padding.ts";

const ALG = "ECDH-ES";
const ENC = "A256GCM";
const GCM_TAG_BYTES = 16;
const GCM_IV_BYTES = 12;

const lengthPrefixed = (bytes: Uint8Array) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
};

/** RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A) with SHA-256, one round for a 256-bit key. */
function concatKdf(z: Buffer, enc: string, apu: Buffer, apv: Buffer): Buffer {
  const suppPub = Buffer.alloc(4);
  suppPub.writeUInt32BE(256);
  return createHash("sha256")
    .update(Buffer.from([0, 0, 0, 1]))
    .update(z)
    .update(lengthPrefixed(Buffer.from(enc)))
    .update(lengthPrefixed(apu))
    .update(lengthPrefixed(apv))
    .update(suppPub)
    .digest();
}

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
  const key = await importJWK({ kty: "EC", crv: "P-256", x: recipient.x, y: recipient.y }, ALG);
  return Promise.all(
    items.map((item, i) =>
      new CompactEncrypt(plaintexts[i] as Uint8Array)
        .setProtectedHeader({ alg: ALG, enc: ENC, kid: recipient.kid })
        .setKeyManagementParameters({ apv: itemIdBytes(item.itemId) })
        .encrypt(key),
    ),
  );
}

export interface Opened<T> {
  kid: string;
  /** The `apv` of the header: the item id the sender bound into the key derivation. */
  itemId: string;
  payload: T;
}

interface ProtectedHeader {
  alg?: unknown;
  enc?: unknown;
  kid?: unknown;
  apv?: unknown;
  apu?: unknown;
  zip?: unknown;
  crit?: unknown;
  epk?: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown };
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
    const parts = jwe.split(".");
    if (parts.length !== 5 || parts[1] !== "") throw decryptFailed("the ciphertext is not a compact ECDH-ES JWE");
    const [protectedB64, , ivB64, ctB64, tagB64] = parts as [string, string, string, string, string];
    let header: ProtectedHeader;
    try {
      header = JSON.parse(Buffer.from(protectedB64, "base64url").toString("utf8"));
    } catch (cause) {
      throw decryptFailed("the JWE header is not JSON", cause);
    }
    if (header.alg !== ALG || header.enc !== ENC || typeof header.kid !== "string") {
      throw decryptFailed("unexpected JWE algorithms or no kid");
    }
    if (header.zip !== undefined || header.crit !== undefined) throw decryptFailed("the JWE asks for zip or crit");
    const epk = header.epk;
    if (epk?.kty !== "EC" || epk.crv !== "P-256" || typeof epk.x !== "string" || typeof epk.y !== "string") {
      throw decryptFailed("the JWE has no P-256 ephemeral key");
    }
    const iv = Buffer.from(ivB64, "base64url");
    const tag = Buffer.from(tagB64, "base64url");
    // A truncated tag makes forgery cheap (a 4-byte tag is 2^32 guesses): only the full one is accepted.
    if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) {
      throw decryptFailed(`the JWE needs a ${GCM_IV_BYTES}-byte IV and a ${GCM_TAG_BYTES}-byte tag`);
    }
    // A dropped key opens nothing.
    if (!this.#ring.has(header.kid)) {
      throw new RoamingError("ROAMING_KEY_NOT_FOUND", `no encryption key ${header.kid} (unknown or expired)`);
    }
    try {
      const z = this.#ring.sharedSecret(header.kid, { x: epk.x, y: epk.y });
      const apv = Buffer.from(typeof header.apv === "string" ? header.apv : "", "base64url");
      const apu = Buffer.from(typeof header.apu === "string" ? header.apu : "", "base64url");
      const cek = concatKdf(z, ENC, apu, apv);
      z.fill(0);
      const decipher = createDecipheriv("aes-256-gcm", cek, iv, { authTagLength: GCM_TAG_BYTES });
      decipher.setAAD(Buffer.from(protectedB64, "ascii"));
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]);
      cek.fill(0);
      // Padding is trailing JSON whitespace: JSON.parse ignores it.
      return { kid: header.kid, itemId: itemIdOf(apv), payload: JSON.parse(plain.toString("utf8")) as T };
    } catch (cause) {
      if (cause instanceof RoamingError) throw cause;
      throw decryptFailed("the ciphertext does not open (tampered or not for us)", cause);
    }
  }
}

// JWE (RFC 7516 compact, RFC 7518 §4.6 "ECDH-ES" + "A256GCM") to an operator's published P-256 key.
//
// Each request and answer is its own JWE, readable by any JOSE library (jose decrypts them, see the tests). What makes
// thousands per second affordable: all items of one batch share one ephemeral key (`epk`), so the sender does one
// ECDH per batch, and `apv` carries the item's request id, so the Concat KDF still gives every item its own content
// key. The recipient caches the ECDH result per (kid, epk). The protected header's `kid` names the recipient key (its
// RFC 7638 thumbprint), so a recipient that rotated its key still opens requests encrypted to the retired one.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
} from "node:crypto";
import { RoamingError } from "../errors.ts";
import type { EncryptionPublicJwk } from "./jwk.ts";
import { publicKeyObjectOf } from "./jwk.ts";
import type { EncryptionKeyRing } from "./keyRing.ts";

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");
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
   * Goes into `apv` (Agreement PartyVInfo), as raw bytes when it is 0x-hex: the request id, which makes each item's
   * content key distinct and binds the ciphertext to that request.
   */
  itemId: string;
  payload: unknown;
}

/** Encrypts every item to `recipient` with one shared ephemeral key; returns compact JWEs in the same order. */
export function sealBatch(recipient: EncryptionPublicJwk, items: readonly SealItem[]): string[] {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const epk = publicKey.export({ format: "jwk" });
  const z = diffieHellman({ privateKey, publicKey: publicKeyObjectOf(recipient) });
  try {
    return items.map((item) => {
      const apv = itemIdBytes(item.itemId);
      const header = {
        alg: "ECDH-ES",
        enc: "A256GCM",
        kid: recipient.kid,
        epk: { kty: "EC", crv: "P-256", x: epk.x, y: epk.y },
        apv: b64u(apv),
      };
      const protectedB64 = b64u(JSON.stringify(header));
      const cek = concatKdf(z, "A256GCM", Buffer.alloc(0), apv);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", cek, iv);
      cipher.setAAD(Buffer.from(protectedB64, "ascii"));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(item.payload), "utf8"), cipher.final()]);
      cek.fill(0);
      return `${protectedB64}..${b64u(iv)}.${b64u(ciphertext)}.${b64u(cipher.getAuthTag())}`;
    });
  } finally {
    z.fill(0);
  }
}

export interface Opened<T> {
  kid: string;
  /** The `apv` of the header: the item id the sender bound into the key derivation. */
  itemId: string;
  payload: T;
}

/** Opens compact JWEs addressed to keys of `ring`, caching the ECDH per ephemeral key (one per sender batch). */
export class JweOpener {
  readonly #ring: EncryptionKeyRing;
  readonly #shared = new Map<string, Buffer>();

  constructor(ring: EncryptionKeyRing) {
    this.#ring = ring;
  }

  /**
   * Tampering (any changed byte), another recipient, an unknown or dropped key: ROAMING_DECRYPT_FAILED or
   * ROAMING_KEY_NOT_FOUND, never a partial result.
   */
  open<T>(jwe: string): Opened<T> {
    const parts = jwe.split(".");
    if (parts.length !== 5 || parts[1] !== "") {
      throw new RoamingError("ROAMING_DECRYPT_FAILED", "the ciphertext is not a compact ECDH-ES JWE");
    }
    const [protectedB64, , ivB64, ctB64, tagB64] = parts as [string, string, string, string, string];
    let header: {
      alg?: unknown;
      enc?: unknown;
      kid?: unknown;
      apv?: unknown;
      apu?: unknown;
      epk?: { x?: string; y?: string };
    };
    try {
      header = JSON.parse(Buffer.from(protectedB64, "base64url").toString("utf8"));
    } catch (cause) {
      throw new RoamingError("ROAMING_DECRYPT_FAILED", "the JWE header is not JSON", { cause });
    }
    if (header.alg !== "ECDH-ES" || header.enc !== "A256GCM" || typeof header.kid !== "string") {
      throw new RoamingError("ROAMING_DECRYPT_FAILED", "unexpected JWE algorithms or no kid");
    }
    if (typeof header.epk?.x !== "string" || typeof header.epk?.y !== "string") {
      throw new RoamingError("ROAMING_DECRYPT_FAILED", "the JWE has no ephemeral key");
    }
    // A dropped key opens nothing, even with its ECDH result still cached.
    if (!this.#ring.has(header.kid)) {
      throw new RoamingError("ROAMING_KEY_NOT_FOUND", `no encryption key ${header.kid} (unknown or expired)`);
    }
    const cacheKey = `${header.kid}|${header.epk.x}|${header.epk.y}`;
    try {
      let z = this.#shared.get(cacheKey);
      if (!z) {
        z = this.#ring.sharedSecret(header.kid, { x: header.epk.x, y: header.epk.y });
        if (this.#shared.size > 4096) this.#shared.clear();
        this.#shared.set(cacheKey, z);
      }
      const apv = Buffer.from(typeof header.apv === "string" ? header.apv : "", "base64url");
      const apu = Buffer.from(typeof header.apu === "string" ? header.apu : "", "base64url");
      const cek = concatKdf(z, "A256GCM", apu, apv);
      const decipher = createDecipheriv("aes-256-gcm", cek, Buffer.from(ivB64, "base64url"));
      decipher.setAAD(Buffer.from(protectedB64, "ascii"));
      decipher.setAuthTag(Buffer.from(tagB64, "base64url"));
      const plain = Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]);
      cek.fill(0);
      return { kid: header.kid, itemId: itemIdOf(apv), payload: JSON.parse(plain.toString("utf8")) as T };
    } catch (cause) {
      if (cause instanceof RoamingError) throw cause;
      throw new RoamingError("ROAMING_DECRYPT_FAILED", "the ciphertext does not open (tampered or not for us)", {
        cause,
      });
    }
  }
}

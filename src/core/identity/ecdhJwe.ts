// Compact JWE to a P-256 key: RFC 7516 with RFC 7518 §4.6 "ECDH-ES" (direct key agreement) and "A256GCM".
//
// Sealing is jose's: each message gets a fresh ephemeral key (`epk`). Opening cannot be jose's, because jose needs the
// recipient's private key and ours never leaves the keystore (or the wallet's key object): the caller passes the ECDH
// as a function, and this module does the rest of §4.6 (Concat KDF, then AES-256-GCM). It is strict where a lenient
// decoder is attackable: the full 16-byte GCM tag, a 12-byte IV, no `zip`, no `crit`, a P-256 `epk`.
// Used by the roaming exchange and the attestation messages (test: src/core/identity/ecdhJwe.test.ts, against jose).
import { createDecipheriv, createHash } from "node:crypto";
import { CompactEncrypt, importJWK } from "jose";

export const JWE_ALG = "ECDH-ES";
export const JWE_ENC = "A256GCM";
const GCM_TAG_BYTES = 16;
const GCM_IV_BYTES = 12;

export interface JweRecipient {
  x: string;
  y: string;
  /** Names the recipient key in the protected header, so a recipient holding several keys knows which to use. */
  kid: string;
}

export interface SealJweOptions {
  /** Agreement PartyVInfo: bytes bound into the key derivation (e.g. a request id). */
  apv?: Uint8Array;
  /** The content type of the plaintext (`JWT` for a nested signed token). */
  cty?: string;
}

/** Encrypts `plaintext` to `recipient` with a fresh ephemeral key. */
export async function sealJwe(
  plaintext: Uint8Array,
  recipient: JweRecipient,
  options: SealJweOptions = {},
): Promise<string> {
  const key = await importJWK({ kty: "EC", crv: "P-256", x: recipient.x, y: recipient.y }, JWE_ALG);
  const jwe = new CompactEncrypt(plaintext).setProtectedHeader({
    alg: JWE_ALG,
    enc: JWE_ENC,
    kid: recipient.kid,
    ...(options.cty ? { cty: options.cty } : {}),
  });
  if (options.apv) jwe.setKeyManagementParameters({ apv: options.apv });
  return jwe.encrypt(key);
}

/** Why a JWE did not open; `keyUnknown` when no key of ours has its kid. Callers map it to their error codes. */
export class JweOpenError extends Error {
  readonly keyUnknown: boolean;

  constructor(message: string, keyUnknown = false, options?: ErrorOptions) {
    super(message, options);
    this.name = "JweOpenError";
    this.keyUnknown = keyUnknown;
  }
}

export interface OpenedJwe {
  kid: string;
  apv: Buffer;
  cty: string | undefined;
  plaintext: Buffer;
}

/** The ECDH of our key `kid` with the sender's ephemeral key; undefined when we hold no key `kid`. */
export type SharedSecretOf = (kid: string, epk: { x: string; y: string }) => Uint8Array | undefined;

const lengthPrefixed = (bytes: Uint8Array) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
};

/** RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A) with SHA-256, one round for a 256-bit key. */
function concatKdf(z: Uint8Array, apu: Buffer, apv: Buffer): Buffer {
  const suppPub = Buffer.alloc(4);
  suppPub.writeUInt32BE(256);
  return createHash("sha256")
    .update(Buffer.from([0, 0, 0, 1]))
    .update(z)
    .update(lengthPrefixed(Buffer.from(JWE_ENC)))
    .update(lengthPrefixed(apu))
    .update(lengthPrefixed(apv))
    .update(suppPub)
    .digest();
}

interface ProtectedHeader {
  alg?: unknown;
  enc?: unknown;
  kid?: unknown;
  cty?: unknown;
  apv?: unknown;
  apu?: unknown;
  zip?: unknown;
  crit?: unknown;
  epk?: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown };
}

/** The protected header's kid, or undefined when the token is not a compact JWE with one. */
export function jweKid(jwe: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(jwe.split(".")[0] ?? "", "base64url").toString("utf8")) as ProtectedHeader;
    return typeof header.kid === "string" ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/** Opens a compact ECDH-ES/A256GCM JWE; tampering, another recipient or an unknown key: JweOpenError, no partial result. */
export function openJwe(jwe: string, sharedSecretOf: SharedSecretOf): OpenedJwe {
  const parts = jwe.split(".");
  if (parts.length !== 5 || parts[1] !== "") throw new JweOpenError("the ciphertext is not a compact ECDH-ES JWE");
  const [protectedB64, , ivB64, ctB64, tagB64] = parts as [string, string, string, string, string];
  let header: ProtectedHeader;
  try {
    header = JSON.parse(Buffer.from(protectedB64, "base64url").toString("utf8"));
  } catch (cause) {
    throw new JweOpenError("the JWE header is not JSON", false, { cause });
  }
  if (header.alg !== JWE_ALG || header.enc !== JWE_ENC || typeof header.kid !== "string") {
    throw new JweOpenError("unexpected JWE algorithms or no kid");
  }
  if (header.zip !== undefined || header.crit !== undefined) throw new JweOpenError("the JWE asks for zip or crit");
  const epk = header.epk;
  if (epk?.kty !== "EC" || epk.crv !== "P-256" || typeof epk.x !== "string" || typeof epk.y !== "string") {
    throw new JweOpenError("the JWE has no P-256 ephemeral key");
  }
  const iv = Buffer.from(ivB64, "base64url");
  const tag = Buffer.from(tagB64, "base64url");
  // A truncated tag makes forgery cheap (a 4-byte tag is 2^32 guesses): only the full one is accepted.
  if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) {
    throw new JweOpenError(`the JWE needs a ${GCM_IV_BYTES}-byte IV and a ${GCM_TAG_BYTES}-byte tag`);
  }
  let z: Uint8Array | undefined;
  try {
    z = sharedSecretOf(header.kid, { x: epk.x, y: epk.y });
  } catch (cause) {
    throw new JweOpenError("the JWE's ephemeral key is not usable", false, { cause });
  }
  if (z === undefined) throw new JweOpenError(`no key ${header.kid} to open this JWE`, true);
  try {
    const apv = Buffer.from(typeof header.apv === "string" ? header.apv : "", "base64url");
    const apu = Buffer.from(typeof header.apu === "string" ? header.apu : "", "base64url");
    const cek = concatKdf(z, apu, apv);
    const decipher = createDecipheriv("aes-256-gcm", cek, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(Buffer.from(protectedB64, "ascii"));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]);
    cek.fill(0);
    return { kid: header.kid, apv, cty: typeof header.cty === "string" ? header.cty : undefined, plaintext };
  } catch (cause) {
    throw new JweOpenError("the ciphertext does not open (tampered or not for us)", false, { cause });
  } finally {
    z.fill(0);
  }
}

// The operator's P-256 key-agreement keys (JWE ECDH-ES and the pairwise pseudonym key).
//
// STOP-GAP, isolated here on purpose: the platform keystore (src/core/identity/keystore.ts) creates P-256 keys but
// offers no ECDH operation and never releases a private key, so these keys live in their own file,
// <dataDir>/roaming/encryption-keys.json (mode 0600), each private key sealed with AES-256-GCM under a key derived by
// scrypt from the agent's keystore passphrase. When the keystore grows `deriveSharedSecret(kid, peerPublicJwk)`,
// this file goes away and the keys move into it (the kid, an RFC 7638 thumbprint, stays the same).
//
// Rotation keeps old keys: a retired key decrypts requests still in flight until `usableUntil`, then it is dropped.
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  scryptSync,
} from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { RoamingError } from "../errors.ts";

export interface EncryptionPublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
}

export interface EncryptionKeyInfo {
  kid: string;
  /** Uncompressed SEC1 point 0x04 || x || y, hex with 0x: what the DID document publishes. */
  publicKeyHex: `0x${string}`;
  createdAt: string;
  /** Set when a newer key replaced it: it then only decrypts, until usableUntil. */
  retiredAt: string | null;
  usableUntil: string | null;
}

interface SealedKey extends EncryptionKeyInfo {
  iv: string;
  ciphertext: string;
  tag: string;
}

interface KeyFileContent {
  version: 1;
  salt: string;
  keys: SealedKey[];
}

const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** RFC 7638 thumbprint of a P-256 public key. */
export function thumbprintOf(x: string, y: string): string {
  return createHash("sha256").update(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`).digest("base64url");
}

/** The public JWK of an uncompressed SEC1 P-256 point. */
export function jwkFromPublicHex(publicKeyHex: string): EncryptionPublicJwk {
  const bytes = Buffer.from(publicKeyHex.replace(/^0x/, ""), "hex");
  if (bytes.length !== 65 || bytes[0] !== 4) {
    throw new RoamingError("ROAMING_NO_ENCRYPTION_KEY", "an encryption key must be an uncompressed P-256 point");
  }
  const x = bytes.subarray(1, 33).toString("base64url");
  const y = bytes.subarray(33).toString("base64url");
  // Rejects points that are not on the curve.
  createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" });
  return { kty: "EC", crv: "P-256", x, y, kid: thumbprintOf(x, y) };
}

export function publicKeyObjectOf(jwk: EncryptionPublicJwk): KeyObject {
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
}

export class EncryptionKeyRing {
  readonly #path: string;
  readonly #wrapKey: Buffer;
  readonly #content: KeyFileContent;
  readonly #privates = new Map<string, KeyObject>();

  private constructor(path: string, wrapKey: Buffer, content: KeyFileContent) {
    this.#path = path;
    this.#wrapKey = wrapKey;
    this.#content = content;
    for (const sealed of content.keys) this.#privates.set(sealed.kid, this.#unseal(sealed));
  }

  /** Opens (or creates empty) the key file; a wrong passphrase or a damaged file is an error, never silent. */
  static async open(path: string, passphrase: string): Promise<EncryptionKeyRing> {
    let content: KeyFileContent;
    try {
      content = JSON.parse(await readFile(path, "utf8")) as KeyFileContent;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      content = { version: 1, salt: randomBytes(32).toString("hex"), keys: [] };
    }
    const wrapKey = scryptSync(passphrase, Buffer.from(content.salt, "hex"), 32, SCRYPT);
    return new EncryptionKeyRing(path, wrapKey, content);
  }

  /** The newest key: the one peers encrypt to. */
  current(): EncryptionKeyInfo | undefined {
    const live = this.#content.keys.filter((k) => k.retiredAt === null);
    return live.length ? publicInfo(live[live.length - 1] as SealedKey) : undefined;
  }

  list(): EncryptionKeyInfo[] {
    return this.#content.keys.map(publicInfo);
  }

  has(kid: string): boolean {
    return this.#privates.has(kid);
  }

  publicJwk(kid: string): EncryptionPublicJwk {
    const key = this.#content.keys.find((k) => k.kid === kid);
    if (!key) throw new RoamingError("ROAMING_KEY_NOT_FOUND", `no encryption key ${kid}`);
    return jwkFromPublicHex(key.publicKeyHex);
  }

  /** The private key for decryption (jose takes a KeyObject); ROAMING_KEY_NOT_FOUND once dropped. */
  privateKey(kid: string): KeyObject {
    const key = this.#privates.get(kid);
    if (!key) throw new RoamingError("ROAMING_KEY_NOT_FOUND", `no encryption key ${kid} (unknown or expired)`);
    return key;
  }

  /** Raw ECDH with a peer's public key (the input of the pairwise pseudonym key). */
  sharedSecret(kid: string, peer: EncryptionPublicJwk): Buffer {
    return diffieHellman({ privateKey: this.privateKey(kid), publicKey: publicKeyObjectOf(peer) });
  }

  /**
   * Creates a new current key. The previous current key is retired and stays usable for decryption for
   * `graceSeconds` (at least the longest request lifetime), so requests already encrypted to it still complete.
   */
  async rotate(graceSeconds: number, now = new Date()): Promise<EncryptionKeyInfo> {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    if (!jwk.x || !jwk.y) throw new Error("P-256 key generation returned an incomplete JWK");
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
    const info: EncryptionKeyInfo = {
      kid: thumbprintOf(jwk.x, jwk.y),
      publicKeyHex: `0x${point.toString("hex")}`,
      createdAt: now.toISOString(),
      retiredAt: null,
      usableUntil: null,
    };
    const until = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    for (const key of this.#content.keys) {
      if (key.retiredAt === null) Object.assign(key, { retiredAt: now.toISOString(), usableUntil: until });
    }
    this.#content.keys.push(this.#seal(info, privateKey));
    this.#privates.set(info.kid, privateKey);
    await this.#save();
    return info;
  }

  /** Drops retired keys past their grace period; returns the kids dropped. */
  async dropExpired(now = new Date()): Promise<string[]> {
    const expired = this.#content.keys.filter((k) => k.usableUntil !== null && k.usableUntil <= now.toISOString());
    if (expired.length === 0) return [];
    this.#content.keys = this.#content.keys.filter((k) => !expired.includes(k));
    for (const key of expired) this.#privates.delete(key.kid);
    await this.#save();
    return expired.map((k) => k.kid);
  }

  #seal(info: EncryptionKeyInfo, privateKey: KeyObject): SealedKey {
    const d = Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#wrapKey, iv);
    cipher.setAAD(Buffer.from(info.kid));
    const ciphertext = Buffer.concat([cipher.update(d), cipher.final()]);
    d.fill(0);
    return {
      ...info,
      iv: iv.toString("hex"),
      ciphertext: ciphertext.toString("hex"),
      tag: cipher.getAuthTag().toString("hex"),
    };
  }

  #unseal(sealed: SealedKey): KeyObject {
    const decipher = createDecipheriv("aes-256-gcm", this.#wrapKey, Buffer.from(sealed.iv, "hex"));
    decipher.setAAD(Buffer.from(sealed.kid));
    decipher.setAuthTag(Buffer.from(sealed.tag, "hex"));
    let d: Buffer;
    try {
      d = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "hex")), decipher.final()]);
    } catch (cause) {
      throw new RoamingError(
        "ROAMING_DECRYPT_FAILED",
        `cannot open encryption key ${sealed.kid}: wrong passphrase or damaged file ${this.#path}`,
        { cause },
      );
    }
    const pub = jwkFromPublicHex(sealed.publicKeyHex);
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(d);
    d.fill(0);
    return createPrivateKey({
      key: { kty: "EC", crv: "P-256", x: pub.x, y: pub.y, d: ecdh.getPrivateKey().toString("base64url") },
      format: "jwk",
    });
  }

  async #save(): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
    const tmp = `${this.#path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.#content, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.#path);
  }
}

function publicInfo(key: SealedKey): EncryptionKeyInfo {
  return {
    kid: key.kid,
    publicKeyHex: key.publicKeyHex,
    createdAt: key.createdAt,
    retiredAt: key.retiredAt,
    usableUntil: key.usableUntil,
  };
}

// Encrypted keystore: one JSON file per key (scrypt KDF + AES-256-GCM), decrypted once at open, private keys held only
// in private fields. It is the agent's only holder of private keys: chain accounts (secp256k1) and ES256 keys (P-256).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
} from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { type Address, getAddress, type Hex, isAddress, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { AccountSource } from "../chain/types.ts";
import { IdentityError, invalidInput } from "./errors.ts";

export type KeyKind = "secp256k1" | "p256";
export const keyKinds: readonly KeyKind[] = ["secp256k1", "p256"];

/** Public facts about a key; never the private key. */
export interface KeyInfo {
  /** secp256k1: the checksummed address; p256: the RFC 7638 JWK thumbprint (base64url). */
  kid: string;
  kind: KeyKind;
  label: string;
  createdAt: string;
  retiredAt: string | null;
  /** Uncompressed SEC1 public key, 0x04 || x || y. */
  publicKeyHex: Hex;
  /** secp256k1 keys only. */
  address?: Address;
}

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
}

/** The did-jwt `Signer` shape: returns the base64url JOSE signature (raw r || s). */
export type Es256Signer = (data: string | Uint8Array) => Promise<string>;

export interface ScryptCost {
  /** CPU/memory cost, a power of two. Default 2^15 (about 32 MiB, tens of milliseconds per key). */
  N: number;
  r: number;
  p: number;
}

export interface OpenKeystoreOptions {
  dir: string;
  passphrase: string;
  /** Cost for keys created from now on; existing files keep the cost they were written with. */
  scrypt?: Partial<ScryptCost>;
}

export interface CreateKeyInput {
  kind: KeyKind;
  label: string;
}

interface KeyFile {
  version: 1;
  kid: string;
  kind: KeyKind;
  label: string;
  createdAt: string;
  retiredAt: string | null;
  publicKeyHex: Hex;
  address?: Address;
  crypto: {
    kdf: "scrypt";
    kdfparams: ScryptCost & { dklen: 64; salt: string };
    cipher: "aes-256-gcm";
    iv: string;
    ciphertext: string;
    tag: string;
    /** HMAC of a fixed string under the second half of the derived key: tells a wrong passphrase from a damaged file. */
    check: string;
  };
}

type Secret = { kind: "secp256k1"; account: LocalAccount } | { kind: "p256"; key: KeyObject };

const defaultCost: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const checkLabel = "telco-ledger keystore passphrase check v1";

function scrypt(passphrase: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(
      passphrase,
      salt,
      64,
      { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** The authenticated data binds the ciphertext to the key's identity, so files cannot be swapped or relabelled as another kind. */
function aad(file: Pick<KeyFile, "kid" | "kind" | "publicKeyHex">): Buffer {
  return Buffer.from(`${file.kind}\n${file.kid}\n${file.publicKeyHex}`, "utf8");
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function jwkThumbprint(x: string, y: string): string {
  // RFC 7638: required members in lexicographic order, no whitespace.
  return base64url(createHash("sha256").update(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`).digest());
}

function p256PublicHex(x: string, y: string): Hex {
  return `0x04${Buffer.from(x, "base64url").toString("hex")}${Buffer.from(y, "base64url").toString("hex")}`;
}

function fileNameOf(kind: KeyKind, kid: string): string {
  return `${kind}-${kid}.json`;
}

async function writeAtomically(dir: string, name: string, content: string): Promise<void> {
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // Make the rename itself durable.
  const dirHandle = await open(dir, "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

function corrupt(file: string, problem: string, cause?: unknown): IdentityError {
  return new IdentityError("KEYSTORE_CORRUPT_FILE", `keystore file ${file} is corrupt: ${problem}`, {
    details: { file },
    cause,
  });
}

function parseKeyFile(path: string, text: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, "not valid JSON", error);
  }
  const f = raw as Partial<KeyFile>;
  const c = f?.crypto;
  const p = c?.kdfparams;
  const hex = /^[0-9a-f]*$/;
  if (
    f?.version !== 1 ||
    typeof f.kid !== "string" ||
    !keyKinds.includes(f.kind as KeyKind) ||
    typeof f.label !== "string" ||
    typeof f.createdAt !== "string" ||
    !(f.retiredAt === null || typeof f.retiredAt === "string") ||
    typeof f.publicKeyHex !== "string" ||
    c?.kdf !== "scrypt" ||
    c.cipher !== "aes-256-gcm" ||
    !p ||
    !Number.isInteger(p.N) ||
    !Number.isInteger(p.r) ||
    !Number.isInteger(p.p) ||
    typeof p.salt !== "string" ||
    !hex.test(p.salt) ||
    [c.iv, c.ciphertext, c.tag, c.check].some((v) => typeof v !== "string" || !hex.test(v))
  ) {
    throw corrupt(path, "missing or malformed fields");
  }
  return f as KeyFile;
}

function redactedSummary(keys: Iterable<KeyInfo>): { keys: KeyInfo[] } {
  return { keys: [...keys] };
}

/**
 * Opens (creating if needed) the keystore directory and decrypts every key once. Rejects with
 * KEYSTORE_WRONG_PASSPHRASE or KEYSTORE_CORRUPT_FILE naming the file at fault.
 */
export async function openKeystore(options: OpenKeystoreOptions): Promise<Keystore> {
  if (typeof options.dir !== "string" || options.dir === "") throw invalidInput("dir", "must be a directory path");
  if (typeof options.passphrase !== "string" || options.passphrase.length === 0) {
    throw invalidInput("passphrase", "must be a non-empty string");
  }
  const cost: ScryptCost = { ...defaultCost, ...options.scrypt };
  if (!Number.isInteger(cost.N) || cost.N < 2 || (cost.N & (cost.N - 1)) !== 0) {
    throw invalidInput("scrypt.N", "must be a power of two");
  }
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const names = (await readdir(options.dir)).filter((n) => n.endsWith(".json") && !n.startsWith(".")).sort();
  const loaded = await Promise.all(
    names.map(async (name) => {
      const path = join(options.dir, name);
      const file = parseKeyFile(path, await readFile(path, "utf8"));
      return { name, file, secret: await decrypt(path, file, options.passphrase) };
    }),
  );
  return new Keystore(options.dir, options.passphrase, cost, loaded);
}

async function decrypt(path: string, file: KeyFile, passphrase: string): Promise<Secret> {
  const c = file.crypto;
  let derived: Buffer;
  try {
    derived = await scrypt(passphrase, Buffer.from(c.kdfparams.salt, "hex"), c.kdfparams);
  } catch (error) {
    throw corrupt(path, "unusable scrypt parameters", error);
  }
  const check = createHmac("sha256", derived.subarray(32)).update(checkLabel).digest();
  const stored = Buffer.from(c.check, "hex");
  if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
    throw new IdentityError("KEYSTORE_WRONG_PASSPHRASE", `wrong keystore passphrase for ${path}`, {
      details: { file: path },
    });
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", derived.subarray(0, 32), Buffer.from(c.iv, "hex"));
    decipher.setAAD(aad(file));
    decipher.setAuthTag(Buffer.from(c.tag, "hex"));
    plain = Buffer.concat([decipher.update(Buffer.from(c.ciphertext, "hex")), decipher.final()]);
  } catch (error) {
    throw corrupt(path, "ciphertext fails authentication", error);
  }
  try {
    return secretFrom(file, plain);
  } finally {
    plain.fill(0);
  }
}

/** Rebuilds the in-memory key and checks it matches the public facts recorded in the file. */
function secretFrom(file: KeyFile, plain: Buffer): Secret {
  if (plain.length !== 32) throw new Error("private key must be 32 bytes");
  if (file.kind === "secp256k1") {
    const account = privateKeyToAccount(`0x${plain.toString("hex")}`);
    if (account.address !== file.kid || account.publicKey !== file.publicKeyHex) {
      throw new Error("private key does not match the recorded address");
    }
    return { kind: "secp256k1", account };
  }
  const jwkPublic = publicJwkFromHex(file.publicKeyHex);
  const key = createPrivateKey({
    key: { kty: "EC", crv: "P-256", x: jwkPublic.x, y: jwkPublic.y, d: base64url(plain) },
    format: "jwk",
  });
  if (jwkThumbprint(jwkPublic.x, jwkPublic.y) !== file.kid) throw new Error("public key does not match the kid");
  return { kind: "p256", key };
}

function publicJwkFromHex(hex: Hex): { x: string; y: string } {
  const bytes = Buffer.from(hex.slice(2), "hex");
  if (bytes.length !== 65 || bytes[0] !== 4) throw new Error("public key must be uncompressed SEC1");
  return { x: base64url(bytes.subarray(1, 33)), y: base64url(bytes.subarray(33)) };
}

export class Keystore implements AccountSource {
  readonly #dir: string;
  readonly #passphrase: string;
  readonly #cost: ScryptCost;
  readonly #files = new Map<string, KeyFile>();
  readonly #secrets = new Map<string, Secret>();

  constructor(
    dir: string,
    passphrase: string,
    cost: ScryptCost,
    loaded: readonly { name: string; file: KeyFile; secret: Secret }[],
  ) {
    this.#dir = dir;
    this.#passphrase = passphrase;
    this.#cost = cost;
    for (const { file, secret } of loaded) {
      this.#files.set(file.kid, file);
      this.#secrets.set(file.kid, secret);
    }
  }

  get dir(): string {
    return this.#dir;
  }

  /** Generates a key, writes its encrypted file (atomically, mode 0600) and returns its public facts. */
  async create(input: CreateKeyInput): Promise<KeyInfo> {
    if (!keyKinds.includes(input?.kind)) throw invalidInput("kind", `must be one of ${keyKinds.join(", ")}`);
    if (typeof input.label !== "string" || input.label.trim() === "" || input.label.length > 200) {
      throw invalidInput("label", "must be a non-empty string of at most 200 characters");
    }
    let plain: Buffer;
    let kid: string;
    let publicKeyHex: Hex;
    let address: Address | undefined;
    let secret: Secret;
    if (input.kind === "secp256k1") {
      const privateKey = generatePrivateKey();
      const account = privateKeyToAccount(privateKey);
      plain = Buffer.from(privateKey.slice(2), "hex");
      kid = account.address;
      address = account.address;
      publicKeyHex = account.publicKey;
      secret = { kind: "secp256k1", account };
    } else {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = privateKey.export({ format: "jwk" });
      if (!jwk.d || !jwk.x || !jwk.y) throw new Error("P-256 key generation returned an incomplete JWK");
      plain = Buffer.from(jwk.d, "base64url");
      kid = jwkThumbprint(jwk.x, jwk.y);
      publicKeyHex = p256PublicHex(jwk.x, jwk.y);
      secret = { kind: "p256", key: privateKey };
    }
    try {
      const salt = randomBytes(32);
      const derived = await scrypt(this.#passphrase, salt, this.#cost);
      const iv = randomBytes(12);
      const header = { kid, kind: input.kind, publicKeyHex };
      const cipher = createCipheriv("aes-256-gcm", derived.subarray(0, 32), iv);
      cipher.setAAD(aad(header));
      const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
      const file: KeyFile = {
        version: 1,
        kid,
        kind: input.kind,
        label: input.label,
        createdAt: new Date().toISOString(),
        retiredAt: null,
        publicKeyHex,
        ...(address ? { address } : {}),
        crypto: {
          kdf: "scrypt",
          kdfparams: { ...this.#cost, dklen: 64, salt: salt.toString("hex") },
          cipher: "aes-256-gcm",
          iv: iv.toString("hex"),
          ciphertext: ciphertext.toString("hex"),
          tag: cipher.getAuthTag().toString("hex"),
          check: createHmac("sha256", derived.subarray(32)).update(checkLabel).digest("hex"),
        },
      };
      await writeAtomically(this.#dir, fileNameOf(file.kind, kid), `${JSON.stringify(file, null, 2)}\n`);
      this.#files.set(kid, file);
      this.#secrets.set(kid, secret);
      return infoOf(file);
    } finally {
      plain.fill(0);
    }
  }

  /** Public facts of every key, oldest first. */
  list(): KeyInfo[] {
    return [...this.#files.values()].map(infoOf).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Public facts of one key; KEY_NOT_FOUND if it is not here. */
  info(kid: string): KeyInfo {
    return infoOf(this.#file(kid));
  }

  /** The viem account for a secp256k1 key: it signs inside the keystore, the key never leaves. */
  account(address: Address): LocalAccount {
    if (typeof address !== "string" || !isAddress(address, { strict: false })) {
      throw invalidInput("address", "must be a 0x-prefixed 20-byte address");
    }
    const secret = this.#usable(getAddress(address), "secp256k1");
    if (secret.kind !== "secp256k1") throw new Error("unreachable");
    return secret.account;
  }

  /** A did-jwt compatible ES256 signer bound to a P-256 key. */
  es256Signer(kid: string): Es256Signer {
    this.#usable(kid, "p256");
    return async (data) => base64url(this.signEs256(kid, data));
  }

  /** ES256 signature over SHA-256(data), JOSE form: raw r || s, 64 bytes. */
  signEs256(kid: string, data: string | Uint8Array): Uint8Array {
    const secret = this.#usable(kid, "p256");
    if (secret.kind !== "p256") throw new Error("unreachable");
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    return new Uint8Array(cryptoSign("sha256", bytes, { key: secret.key, dsaEncoding: "ieee-p1363" }));
  }

  /**
   * P-256 ECDH between one of our p256 keys and a peer's public key: the raw shared secret (the x coordinate, 32 bytes),
   * for the caller to feed into a KDF (JWE Concat KDF, HKDF). The private key never leaves the keystore. A peer key
   * that is not a valid P-256 point is INVALID_INPUT naming `peerPublicJwk`; a retired key derives nothing (KEY_RETIRED).
   */
  deriveSharedSecret(
    kid: string,
    peerPublicJwk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown },
  ): Uint8Array {
    const secret = this.#usable(kid, "p256");
    if (secret.kind !== "p256") throw new Error("unreachable");
    const jwk = peerPublicJwk;
    if (
      jwk === null ||
      typeof jwk !== "object" ||
      jwk.kty !== "EC" ||
      jwk.crv !== "P-256" ||
      typeof jwk.x !== "string" ||
      typeof jwk.y !== "string"
    ) {
      throw invalidInput("peerPublicJwk", "must be a P-256 public JWK {kty: EC, crv: P-256, x, y}");
    }
    let publicKey: KeyObject;
    try {
      // Node checks that the point is on the curve, which rules out invalid-curve attacks.
      publicKey = createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
    } catch {
      throw invalidInput("peerPublicJwk", "is not a point on P-256");
    }
    return new Uint8Array(diffieHellman({ privateKey: secret.key, publicKey }));
  }

  /** The public JWK of a P-256 key, with its kid. */
  publicJwk(kid: string): PublicJwk {
    const file = this.#file(kid);
    if (file.kind !== "p256") {
      throw new IdentityError("KEY_KIND_MISMATCH", `key ${kid} is ${file.kind}, not p256`, { details: { kid } });
    }
    const { x, y } = publicJwkFromHex(file.publicKeyHex);
    return { kty: "EC", crv: "P-256", x, y, kid };
  }

  /** Marks a key retired: it stays on disk for the record but signs nothing more. Idempotent. */
  async retire(kid: string): Promise<KeyInfo> {
    const file = this.#file(kid);
    if (file.retiredAt !== null) return infoOf(file);
    const updated: KeyFile = { ...file, retiredAt: new Date().toISOString() };
    await writeAtomically(this.#dir, fileNameOf(file.kind, file.kid), `${JSON.stringify(updated, null, 2)}\n`);
    this.#files.set(kid, updated);
    return infoOf(updated);
  }

  toJSON(): { keys: KeyInfo[] } {
    return redactedSummary(this.list());
  }

  [inspect.custom](): string {
    return `Keystore { dir: ${JSON.stringify(this.#dir)}, keys: ${inspect(this.list())} }`;
  }

  #file(kid: string): KeyFile {
    if (typeof kid !== "string" || kid === "") throw invalidInput("kid", "must be a non-empty string");
    const file =
      this.#files.get(kid) ?? (isAddress(kid, { strict: false }) ? this.#files.get(getAddress(kid)) : undefined);
    if (!file) throw new IdentityError("KEY_NOT_FOUND", `no key ${kid} in the keystore`, { details: { kid } });
    return file;
  }

  #usable(kid: string, kind: KeyKind): Secret {
    const file = this.#file(kid);
    if (file.kind !== kind) {
      throw new IdentityError("KEY_KIND_MISMATCH", `key ${kid} is ${file.kind}, not ${kind}`, { details: { kid } });
    }
    if (file.retiredAt !== null) {
      throw new IdentityError("KEY_RETIRED", `key ${kid} was retired at ${file.retiredAt}`, { details: { kid } });
    }
    const secret = this.#secrets.get(file.kid);
    if (!secret) throw new Error(`key ${kid} has no decrypted secret`);
    return secret;
  }
}

function infoOf(file: KeyFile): KeyInfo {
  return {
    kid: file.kid,
    kind: file.kind,
    label: file.label,
    createdAt: file.createdAt,
    retiredAt: file.retiredAt,
    publicKeyHex: file.publicKeyHex,
    ...(file.address ? { address: file.address } : {}),
  };
}

// Encrypted keystore: one JSON file per key (keyFile.ts; sealed by keySealing.ts with scrypt + AES-256-GCM), decrypted
// once at open, private keys held only in private fields (keyMaterial.ts). It is the agent's only holder of private
// keys: chain accounts (secp256k1) and ES256 keys (P-256). Its directory (0700) and files (0600) must be private
// (keyPermissions.ts), and scrypt runs once per salt and cost, not once per key (keySealing.ts).
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { type Address, getAddress, type Hex, isAddress, type LocalAccount } from "viem";
import type { AccountSource } from "../chain/types.ts";
import { IdentityError, invalidInput } from "./errors.ts";
import {
  currentKeyFileVersion,
  fileNameOf,
  infoOf,
  type KeyFile,
  type KeyInfo,
  type KeyKind,
  keyKinds,
  parseKeyFile,
  type ScryptCost,
  writeKeyFile,
} from "./keyFile.ts";
import {
  base64url,
  generateKey,
  p256SharedSecret,
  publicJwkFromHex,
  type Secret,
  secretFrom,
  signEs256,
} from "./keyMaterial.ts";
import { assertPrivate } from "./keyPermissions.ts";
import {
  type DerivedKey,
  defaultCost,
  derivationId,
  deriveKey,
  deriveKeyOf,
  type SealedFacts,
  sealKey,
  unsealKey,
} from "./keySealing.ts";
import { secp256k1, signDigestRecoverable } from "./secp256k1Native.ts";

export { type KeyInfo, type KeyKind, keyKinds, type ScryptCost } from "./keyFile.ts";

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
}

/**
 * Signs a 32-byte digest with a secp256k1 key (libsecp256k1 in WASM, RFC 6979 nonce): the 65-byte r || s || v
 * signature as hex, s in the low half (libsecp256k1 always normalises) and v = 27 + recovery id, the form OZ ECDSA
 * and ecrecover take.
 */
export type DigestSigner = (digest: Uint8Array) => Hex;

/** The did-jwt `Signer` shape: returns the base64url JOSE signature (raw r || s). */
export type Es256Signer = (data: string | Uint8Array) => Promise<string>;

export interface OpenKeystoreOptions {
  dir: string;
  passphrase: string;
  /**
   * Cost for keys written from now on (default N=2^17, r=8, p=1); existing files open with the cost they record.
   * Tests lower it to save time; the agent, its CLI and the deployer never set it.
   */
  scrypt?: Partial<ScryptCost>;
}

export interface CreateKeyInput {
  kind: KeyKind;
  label: string;
}

/**
 * Opens (creating if needed, mode 0700) the keystore directory and decrypts every key once, deriving one scrypt key
 * per distinct salt and cost. Rejects with KEYSTORE_INSECURE_PERMISSIONS, KEYSTORE_WRONG_PASSPHRASE or
 * KEYSTORE_CORRUPT_FILE naming the directory or file at fault.
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
  await assertPrivate(options.dir, "directory");
  const names = (await readdir(options.dir)).filter((n) => n.endsWith(".json") && !n.startsWith(".")).sort();
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(options.dir, name);
      await assertPrivate(path, "file");
      return { path, file: parseKeyFile(path, await readFile(path, "utf8")) };
    }),
  );
  // One derivation per distinct salt and cost (a keystore this version wrote has one), run one after another: at
  // N=2^17 each takes 128 MiB.
  const derived = new Map<string, DerivedKey>();
  for (const { path, file } of files) {
    const id = derivationId(file.crypto.kdfparams.salt, file.crypto.kdfparams);
    if (!derived.has(id)) derived.set(id, await deriveKeyOf(path, file, options.passphrase));
  }
  const loaded = files.map(({ path, file }) => ({ file, secret: decrypt(path, file, derivedFor(derived, file)) }));
  return new Keystore(options.dir, options.passphrase, cost, loaded, derived);
}

function derivedFor(derived: ReadonlyMap<string, DerivedKey>, file: KeyFile): DerivedKey {
  const key = derived.get(derivationId(file.crypto.kdfparams.salt, file.crypto.kdfparams));
  if (!key) throw new Error(`no derived key for ${file.kid}`);
  return key;
}

function decrypt(path: string, file: KeyFile, key: DerivedKey): Secret {
  const plain = unsealKey(path, file, key);
  try {
    return secretFrom(file, plain);
  } finally {
    plain.fill(0);
  }
}

const sameCost = (a: ScryptCost, b: ScryptCost) => a.N === b.N && a.r === b.r && a.p === b.p;

export class Keystore implements AccountSource {
  readonly #dir: string;
  readonly #passphrase: string;
  readonly #cost: ScryptCost;
  readonly #files = new Map<string, KeyFile>();
  readonly #secrets = new Map<string, Secret>();
  /** Derived scrypt keys by salt and cost: the files' (to re-seal on write) and the one new files are sealed with. */
  readonly #derived: Map<string, DerivedKey>;
  #sealing: Promise<DerivedKey> | undefined;

  constructor(
    dir: string,
    passphrase: string,
    cost: ScryptCost,
    loaded: readonly { file: KeyFile; secret: Secret }[],
    derived: ReadonlyMap<string, DerivedKey> = new Map(),
  ) {
    this.#dir = dir;
    this.#passphrase = passphrase;
    this.#cost = cost;
    this.#derived = new Map(derived);
    for (const { file, secret } of loaded) {
      this.#files.set(file.kid, file);
      this.#secrets.set(file.kid, secret);
    }
    // New files reuse a derivation at the configured cost when a file already has one: no scrypt run at first write.
    const current = [...this.#derived.values()].find((d) => sameCost(d.cost, cost));
    if (current) this.#sealing = Promise.resolve(current);
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
    const sealing = await this.#sealingKey();
    const { plain, kid, publicKeyHex, address, secret } = generateKey(input.kind);
    try {
      const facts: SealedFacts = {
        version: currentKeyFileVersion,
        kid,
        kind: input.kind,
        label: input.label,
        retiredAt: null,
        publicKeyHex,
      };
      const file: KeyFile = {
        ...facts,
        createdAt: new Date().toISOString(),
        ...(address ? { address } : {}),
        crypto: sealKey(plain, facts, sealing),
      };
      await writeKeyFile(this.#dir, file);
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

  /**
   * A digest signer for a secp256k1 key that signs inside the keystore with libsecp256k1 (the native addon, loaded on
   * first use: secp256k1Native.ts): the raw key is never handed out. Several times faster than viem's pure-JS signing, for
   * hot paths such as payment channel states. Retiring the key later does not revoke a signer already handed out.
   */
  async digestSigner(address: Address): Promise<DigestSigner> {
    if (typeof address !== "string" || !isAddress(address, { strict: false })) {
      throw invalidInput("address", "must be a 0x-prefixed 20-byte address");
    }
    const secret = this.#usable(getAddress(address), "secp256k1");
    if (secret.kind !== "secp256k1") throw new Error("unreachable");
    const lib = await secp256k1();
    const key = secret.privateKey;
    return (digest) => {
      if (!(digest instanceof Uint8Array) || digest.length !== 32) throw invalidInput("digest", "must be 32 bytes");
      return signDigestRecoverable(lib, digest, key);
    };
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
    return signEs256(secret.key, data);
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
    return p256SharedSecret(secret.key, peerPublicJwk);
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

  /**
   * Marks a key retired: it stays on disk for the record but signs nothing more. Idempotent. retiredAt is part of the
   * sealed facts, so the key is sealed again (at the current cost and file version: a version 1 file migrates here).
   */
  async retire(kid: string): Promise<KeyInfo> {
    const file = this.#file(kid);
    if (file.retiredAt !== null) return infoOf(file);
    const sealing = await this.#sealingKey();
    const path = join(this.#dir, fileNameOf(file.kind, file.kid));
    const plain = unsealKey(path, file, derivedFor(this.#derived, file));
    try {
      const facts: SealedFacts = { ...file, version: currentKeyFileVersion, retiredAt: new Date().toISOString() };
      const updated: KeyFile = { ...file, ...facts, crypto: sealKey(plain, facts, sealing) };
      await writeKeyFile(this.#dir, updated);
      this.#files.set(file.kid, updated);
      return infoOf(updated);
    } finally {
      plain.fill(0);
    }
  }

  toJSON(): { keys: KeyInfo[] } {
    return { keys: this.list() };
  }

  [inspect.custom](): string {
    return `Keystore { dir: ${JSON.stringify(this.#dir)}, keys: ${inspect(this.list())} }`;
  }

  /** The derived key new files are sealed with: derived once (fresh salt, configured cost) at the first write. */
  #sealingKey(): Promise<DerivedKey> {
    this.#sealing ??= deriveKey(this.#passphrase, this.#cost).then(
      (key) => {
        this.#derived.set(derivationId(key.salt, key.cost), key);
        return key;
      },
      (error: unknown) => {
        this.#sealing = undefined;
        throw error;
      },
    );
    return this.#sealing;
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

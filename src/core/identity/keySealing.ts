// Sealing a private key under the keystore passphrase: scrypt derives 64 bytes, the first 32 are the AES-256-GCM key,
// the last 32 key an HMAC "check" value that tells a wrong passphrase (KEYSTORE_WRONG_PASSPHRASE) from a damaged file
// (KEYSTORE_CORRUPT_FILE). The GCM additional data binds the ciphertext to the key's facts, so a file cannot be
// relabelled, swapped or un-retired: version 2 files cover kind, kid, public key, label and retiredAt; version 1 files
// (written before) covered kind, kid and public key only, and become version 2 when next written.
// scrypt is slow on purpose (N=2^17: about 128 MiB and a few hundred ms), so one derivation (a salt and cost) seals
// every key a keystore writes, and the keystore caches derived keys by salt and cost: opening costs one derivation,
// not one per key. Sharing a salt within one keystore gives an attacker nothing: any one file tests a guess.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
} from "node:crypto";
import { IdentityError } from "./errors.ts";
import { corruptFile, type KeyFile, type ScryptCost, type SealedKey } from "./keyFile.ts";

/** OWASP's scrypt minimum for password storage (2023): N=2^17, r=8, p=1. */
export const defaultCost: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const checkLabel = "telco-ledger keystore passphrase check v1";

/** The facts of a key the ciphertext is bound to. */
export type SealedFacts = Pick<KeyFile, "version" | "kid" | "kind" | "publicKeyHex" | "label" | "retiredAt">;

/** scrypt's output for one salt and cost: 64 bytes, held by the keystore while it is open. */
export interface DerivedKey {
  salt: string;
  cost: ScryptCost;
  bytes: Buffer;
}

/** The cache key of a derivation: the same salt and cost give the same bytes. */
export const derivationId = (salt: string, cost: ScryptCost): string => `${salt}/${cost.N}/${cost.r}/${cost.p}`;

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

/** Derives the sealing key for `salt` (hex; a fresh one when absent) at `cost`. */
export async function deriveKey(passphrase: string, cost: ScryptCost, salt?: string): Promise<DerivedKey> {
  const saltHex = salt ?? randomBytes(32).toString("hex");
  const bytes = await scrypt(passphrase, Buffer.from(saltHex, "hex"), cost);
  return { salt: saltHex, cost: { N: cost.N, r: cost.r, p: cost.p }, bytes };
}

/** The authenticated data: the key's facts, so the ciphertext only opens under the facts it was sealed with. */
function aad(facts: SealedFacts): Buffer {
  if (facts.version === 1) return Buffer.from(`${facts.kind}\n${facts.kid}\n${facts.publicKeyHex}`, "utf8");
  const covered = ["telco-ledger keystore v2", facts.kind, facts.kid, facts.publicKeyHex, facts.label, facts.retiredAt];
  return Buffer.from(JSON.stringify(covered), "utf8");
}

/** Seals a private key (32 bytes) under a derived key with a fresh IV. */
export function sealKey(plain: Buffer, facts: SealedFacts, key: DerivedKey): SealedKey {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes.subarray(0, 32), iv);
  cipher.setAAD(aad(facts));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    kdf: "scrypt",
    kdfparams: { ...key.cost, dklen: 64, salt: key.salt },
    cipher: "aes-256-gcm",
    iv: iv.toString("hex"),
    ciphertext: ciphertext.toString("hex"),
    tag: cipher.getAuthTag().toString("hex"),
    check: createHmac("sha256", key.bytes.subarray(32)).update(checkLabel).digest("hex"),
  };
}

/** Derives the key a file was sealed under; KEYSTORE_CORRUPT_FILE naming `path` if its parameters are unusable. */
export async function deriveKeyOf(path: string, file: KeyFile, passphrase: string): Promise<DerivedKey> {
  try {
    return await deriveKey(passphrase, file.crypto.kdfparams, file.crypto.kdfparams.salt);
  } catch (error) {
    throw corruptFile(path, "unusable scrypt parameters", error);
  }
}

/** Opens a file's sealed key with the key derived for it: the private key bytes (the caller zeroes them). */
export function unsealKey(path: string, file: KeyFile, key: DerivedKey): Buffer {
  const c = file.crypto;
  const check = createHmac("sha256", key.bytes.subarray(32)).update(checkLabel).digest();
  const stored = Buffer.from(c.check, "hex");
  if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
    throw new IdentityError("KEYSTORE_WRONG_PASSPHRASE", `wrong keystore passphrase for ${path}`, {
      details: { file: path },
    });
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes.subarray(0, 32), Buffer.from(c.iv, "hex"));
    decipher.setAAD(aad(file));
    decipher.setAuthTag(Buffer.from(c.tag, "hex"));
    return Buffer.concat([decipher.update(Buffer.from(c.ciphertext, "hex")), decipher.final()]);
  } catch (error) {
    const covered = file.version === 1 ? "kind, kid or public key" : "kind, kid, public key, label or retiredAt";
    throw corruptFile(path, `ciphertext fails authentication (the sealed key or its ${covered} was changed)`, error);
  }
}

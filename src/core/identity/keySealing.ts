// Sealing a private key under the keystore passphrase: scrypt derives 64 bytes, the first 32 are the AES-256-GCM key,
// the last 32 key an HMAC "check" value that tells a wrong passphrase (KEYSTORE_WRONG_PASSPHRASE) from a damaged file
// (KEYSTORE_CORRUPT_FILE). The GCM additional data binds the ciphertext to the key's kind, kid and public key, so a
// file cannot be relabelled or swapped.
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

export const defaultCost: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const checkLabel = "telco-ledger keystore passphrase check v1";

type KeyIdentity = Pick<KeyFile, "kid" | "kind" | "publicKeyHex">;

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

/** The authenticated data: the key's identity, so the ciphertext only opens under the facts it was sealed with. */
function aad(key: KeyIdentity): Buffer {
  return Buffer.from(`${key.kind}\n${key.kid}\n${key.publicKeyHex}`, "utf8");
}

/** Seals a private key (32 bytes) under the passphrase with a fresh salt and IV. */
export async function sealKey(
  plain: Buffer,
  key: KeyIdentity,
  passphrase: string,
  cost: ScryptCost,
): Promise<SealedKey> {
  const salt = randomBytes(32);
  const derived = await scrypt(passphrase, salt, cost);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derived.subarray(0, 32), iv);
  cipher.setAAD(aad(key));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    kdf: "scrypt",
    kdfparams: { ...cost, dklen: 64, salt: salt.toString("hex") },
    cipher: "aes-256-gcm",
    iv: iv.toString("hex"),
    ciphertext: ciphertext.toString("hex"),
    tag: cipher.getAuthTag().toString("hex"),
    check: createHmac("sha256", derived.subarray(32)).update(checkLabel).digest("hex"),
  };
}

/** Opens a file's sealed key: the private key bytes (the caller zeroes them), or the error naming `path`. */
export async function unsealKey(path: string, file: KeyFile, passphrase: string): Promise<Buffer> {
  const c = file.crypto;
  let derived: Buffer;
  try {
    derived = await scrypt(passphrase, Buffer.from(c.kdfparams.salt, "hex"), c.kdfparams);
  } catch (error) {
    throw corruptFile(path, "unusable scrypt parameters", error);
  }
  const check = createHmac("sha256", derived.subarray(32)).update(checkLabel).digest();
  const stored = Buffer.from(c.check, "hex");
  if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
    throw new IdentityError("KEYSTORE_WRONG_PASSPHRASE", `wrong keystore passphrase for ${path}`, {
      details: { file: path },
    });
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", derived.subarray(0, 32), Buffer.from(c.iv, "hex"));
    decipher.setAAD(aad(file));
    decipher.setAuthTag(Buffer.from(c.tag, "hex"));
    return Buffer.concat([decipher.update(Buffer.from(c.ciphertext, "hex")), decipher.final()]);
  } catch (error) {
    throw corruptFile(path, "ciphertext fails authentication", error);
  }
}

// Encrypted backup of a person's wallet keys: the keystore's sealed key files, bundled and sealed once more under a
// backup passphrase (scrypt, AES-256-GCM), so a backup copied to a cloud drive or a USB stick shows nothing, not even
// labels or addresses. Importing opens the bundle, writes the key files into a keystore directory (never over an
// existing key) and checks that they open under the keystore passphrase, so a backup is proven usable when restored.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IdentityError, invalidInput } from "./errors.ts";
import { fileNameOf, type KeyFile, parseKeyFile, type ScryptCost, writeKeyFile } from "./keyFile.ts";
import { defaultCost, deriveKey } from "./keySealing.ts";
import { openKeystore } from "./keystore.ts";

export const BACKUP_FORMAT = "telco-ledger keystore backup v1";

/** The backup file: public scrypt parameters and the sealed bundle of key files. */
export interface KeystoreBackup {
  format: typeof BACKUP_FORMAT;
  kdfparams: ScryptCost & { salt: string };
  iv: string;
  ciphertext: string;
  tag: string;
}

const aad = Buffer.from(BACKUP_FORMAT, "utf8");
const unreadable = (problem: string, cause?: unknown) =>
  new IdentityError("BACKUP_UNREADABLE", `wallet backup does not open: ${problem}`, { cause });

/** Seals every key file of the keystore at `dir` under `passphrase`. */
export async function exportKeystoreBackup(
  dir: string,
  passphrase: string,
  cost: ScryptCost = defaultCost,
): Promise<KeystoreBackup> {
  if (passphrase.length < 8) throw invalidInput("passphrase", "a backup passphrase needs at least 8 characters");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json") && !n.startsWith(".")).sort();
  const files = await Promise.all(
    names.map(async (name) => parseKeyFile(join(dir, name), await readFile(join(dir, name), "utf8"))),
  );
  const key = await deriveKey(passphrase, cost);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes.subarray(0, 32), iv);
  cipher.setAAD(aad);
  const plain = Buffer.from(JSON.stringify({ files }), "utf8");
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    format: BACKUP_FORMAT,
    kdfparams: { ...key.cost, salt: key.salt },
    iv: iv.toString("hex"),
    ciphertext: ciphertext.toString("hex"),
    tag: cipher.getAuthTag().toString("hex"),
  };
}

/** Opens a backup and returns its key files, without writing anything. */
export async function openKeystoreBackup(backup: unknown, passphrase: string): Promise<KeyFile[]> {
  const b = backup as Partial<KeystoreBackup> | null;
  const hex = /^[0-9a-f]*$/;
  if (
    !b ||
    b.format !== BACKUP_FORMAT ||
    !b.kdfparams ||
    typeof b.kdfparams.salt !== "string" ||
    ![b.iv, b.ciphertext, b.tag].every((v) => typeof v === "string" && hex.test(v))
  ) {
    throw unreadable(`not a ${BACKUP_FORMAT} file`);
  }
  const key = await deriveKey(passphrase, b.kdfparams, b.kdfparams.salt).catch((error: unknown) => {
    throw unreadable("unusable scrypt parameters", error);
  });
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes.subarray(0, 32), Buffer.from(b.iv as string, "hex"));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(b.tag as string, "hex"));
    plain = Buffer.concat([decipher.update(Buffer.from(b.ciphertext as string, "hex")), decipher.final()]);
  } catch (error) {
    throw unreadable("wrong passphrase, or the file was changed", error);
  }
  const { files } = JSON.parse(plain.toString("utf8")) as { files: unknown[] };
  return files.map((f, i) => parseKeyFile(`backup file #${i}`, JSON.stringify(f)));
}

/**
 * Restores a backup into the keystore at `dir`. First proves the keys open under `keystorePassphrase` (in a private
 * temporary keystore), and refuses a key already in `dir`: on any refusal nothing is written. Answers the key ids.
 */
export async function importKeystoreBackup(
  backup: unknown,
  backupPassphrase: string,
  dir: string,
  keystorePassphrase: string,
): Promise<string[]> {
  const files = await openKeystoreBackup(backup, backupPassphrase);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const present = new Set(await readdir(dir));
  const clash = files.find((f) => present.has(fileNameOf(f.kind, f.kid)));
  if (clash) throw invalidInput("dir", `already holds key ${clash.kid}; restore into an empty keystore`);
  const trial = await mkdtemp(join(tmpdir(), "telco-ledger-restore-"));
  try {
    for (const file of files) await writeKeyFile(trial, file);
    await openKeystore({ dir: trial, passphrase: keystorePassphrase });
  } finally {
    await rm(trial, { recursive: true, force: true });
  }
  for (const file of files) await writeKeyFile(dir, file);
  return files.map((f) => f.kid);
}

// The keystore's file format: one JSON file per key, `<kind>-<kid>.json`, holding the key's public facts in clear and
// its private key sealed (keySealing.ts). Parsing refuses a file with missing or malformed fields, naming it; writes
// are atomic and durable (temp file, fsync, rename, fsync of the directory), with mode 0600.
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { IdentityError } from "./errors.ts";

export type KeyKind = "secp256k1" | "p256";
export const keyKinds: readonly KeyKind[] = ["secp256k1", "p256"];

export interface ScryptCost {
  /** CPU/memory cost, a power of two. Default 2^17 (OWASP; about 128 MiB and a few hundred ms per derivation). */
  N: number;
  r: number;
  p: number;
}

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

/** The sealed private key: scrypt parameters, AES-256-GCM ciphertext and the passphrase check. */
export interface SealedKey {
  kdf: "scrypt";
  kdfparams: ScryptCost & { dklen: 64; salt: string };
  cipher: "aes-256-gcm";
  iv: string;
  ciphertext: string;
  tag: string;
  /** HMAC of a fixed string under the second half of the derived key: tells a wrong passphrase from a damaged file. */
  check: string;
}

/**
 * Version 2: the ciphertext's additional data covers label and retiredAt too. Version 1 files (kind, kid and public
 * key only) still open and are written as version 2 when next written (retire).
 */
export type KeyFileVersion = 1 | 2;
export const currentKeyFileVersion: KeyFileVersion = 2;

export interface KeyFile extends KeyInfo {
  version: KeyFileVersion;
  crypto: SealedKey;
}

export function fileNameOf(kind: KeyKind, kid: string): string {
  return `${kind}-${kid}.json`;
}

export function infoOf(file: KeyFile): KeyInfo {
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

export function corruptFile(file: string, problem: string, cause?: unknown): IdentityError {
  return new IdentityError("KEYSTORE_CORRUPT_FILE", `keystore file ${file} is corrupt: ${problem}`, {
    details: { file },
    cause,
  });
}

/** Reads a key file's text; KEYSTORE_CORRUPT_FILE naming `path` when it is not one. */
export function parseKeyFile(path: string, text: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corruptFile(path, "not valid JSON", error);
  }
  const f = raw as Partial<KeyFile>;
  const c = f?.crypto;
  const p = c?.kdfparams;
  const hex = /^[0-9a-f]*$/;
  if (
    (f?.version !== 1 && f?.version !== 2) ||
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
    throw corruptFile(path, "missing or malformed fields");
  }
  return f as KeyFile;
}

/** Writes a key file atomically and durably, mode 0600. */
export async function writeKeyFile(dir: string, file: KeyFile): Promise<void> {
  await writeAtomically(dir, fileNameOf(file.kind, file.kid), `${JSON.stringify(file, null, 2)}\n`);
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

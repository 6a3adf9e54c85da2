// A validator's signer key, held in the project's encrypted keystore (the format and code of every member agent's
// keystore: scrypt + AES-256-GCM, directory 0700, files 0600), not in geth's. `network init` creates it; the signer
// process (sealerServer.ts) opens it and seals the node's blocks. By default the keystore is in the node's directory;
// `network init --keystore <node>=<dir>` puts it in a keystore the member already keeps, such as its agent's.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { Address, Hex } from "viem";
import { openKeystore } from "../../core/identity/keystore.ts";
import type { Sealer } from "./sealerServer.ts";

export const VALIDATOR_KEY_LABEL = "validator";

export interface ValidatorKeystore {
  /** The keystore directory (absolute). */
  dir: string;
  /** The file holding its passphrase (absolute; mode 0600). */
  passphraseFile: string;
}

/** Creates the validator key (and the passphrase file, when absent) in `keystore`; answers its address. */
export async function createValidatorKey(keystore: ValidatorKeystore): Promise<Address> {
  if (!existsSync(keystore.passphraseFile)) {
    await writeFile(keystore.passphraseFile, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  const opened = await openKeystore({ dir: keystore.dir, passphrase: await passphraseOf(keystore) });
  const info = await opened.create({ kind: "secp256k1", label: VALIDATOR_KEY_LABEL });
  return info.address as Address;
}

/** Opens the keystore and answers a Sealer for the validator key `address` (which must be in it). */
export async function openSealer(keystore: ValidatorKeystore, address: Address): Promise<Sealer> {
  const opened = await openKeystore({ dir: keystore.dir, passphrase: await passphraseOf(keystore) });
  const account = opened.account(address);
  const sign = account.sign;
  if (!sign) throw new Error(`the keystore's account ${address} cannot sign a raw digest`);
  return { address: account.address, signHash: (hash: Hex) => sign({ hash }) };
}

async function passphraseOf(keystore: ValidatorKeystore): Promise<string> {
  return (await readFile(keystore.passphraseFile, "utf8")).trim();
}

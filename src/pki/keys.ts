// The consortium's issuing CA key, held by the issuing member's agent in its encrypted keystore (label
// "pki-issuing-ca"): the private key never leaves the keystore, which signs certificates through the ES256 signer.

import { hexToBytes } from "viem";
import type { Keystore } from "../core/identity/keystore.ts";
import { type Es256Signer, p256Spki } from "./x509.ts";

export const ISSUING_KEY_LABEL = "pki-issuing-ca";

/** The newest unretired issuing key, or undefined when this agent holds none. */
export async function issuingSigner(keystore: Keystore): Promise<Es256Signer | undefined> {
  const info = keystore
    .list()
    .filter((k) => k.label === ISSUING_KEY_LABEL && k.kind === "p256" && !k.retiredAt)
    .at(-1);
  return info ? signerOf(keystore, info.kid, info.publicKeyHex) : undefined;
}

export async function createIssuingSigner(keystore: Keystore): Promise<Es256Signer> {
  const info = await keystore.create({ kind: "p256", label: ISSUING_KEY_LABEL });
  return signerOf(keystore, info.kid, info.publicKeyHex);
}

async function signerOf(keystore: Keystore, kid: string, publicKeyHex: `0x${string}`): Promise<Es256Signer> {
  return { spki: await p256Spki(hexToBytes(publicKeyHex)), sign: (data) => keystore.signEs256(kid, data) };
}

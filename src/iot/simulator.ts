// The device side of the simulator: a device key kept in a small JSON file (address and secp256k1 private key, mode
// 0600), the EIP-191 signature of the binding digest the OEM's agent hands out for registration, and the device's own
// peer attestations about a neighbour: the signed token (as any attester's) plus the device's EIP-191 signature of
// peerAttestationDigest(id), which the contract checks for every leaf of a relayer's peer batch.
import { readFileSync, writeFileSync } from "node:fs";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signAttestation } from "./eat.ts";
import { type AttestationPayload, peerAttestationDigest } from "./payload.ts";

export interface DeviceKeyFile {
  address: Address;
  privateKey: Hex;
}

export function createDeviceKey(path: string): DeviceKeyFile {
  const privateKey = generatePrivateKey();
  const file = { address: privateKeyToAccount(privateKey).address, privateKey };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function readDeviceKey(path: string): DeviceKeyFile {
  const file = JSON.parse(readFileSync(path, "utf8")) as DeviceKeyFile;
  if (!/^0x[0-9a-fA-F]{64}$/.test(file.privateKey)) throw new Error(`${path} holds no device private key`);
  return { address: privateKeyToAccount(file.privateKey).address, privateKey: file.privateKey };
}

export function signBinding(key: DeviceKeyFile, digest: Hex): Promise<Hex> {
  return privateKeyToAccount(key.privateKey).signMessage({ message: { raw: digest } });
}

/** A peer attestation made by the device itself (attester = the device), ready for a relaying gateway. */
export async function signPeerAttestation(
  key: DeviceKeyFile,
  payload: Omit<AttestationPayload, "dataHash" | "attester">,
  data: Record<string, unknown>,
  issuedAt: number,
): Promise<{ id: Hex; jwt: string; signature: Hex }> {
  const account = privateKeyToAccount(key.privateKey);
  const signed = await signAttestation(account, { ...payload, attester: account.address }, data, { issuedAt });
  const signature = await account.signMessage({ message: { raw: peerAttestationDigest(signed.id) } });
  return { id: signed.id, jwt: signed.jwt, signature };
}

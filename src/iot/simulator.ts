// The device side of the simulator: a device key kept in a small JSON file (address and secp256k1 private key, mode
// 0600), and the EIP-191 signature of the binding digest the OEM's agent hands out for registration.
import { readFileSync, writeFileSync } from "node:fs";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

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

// The deployment manifest: which contract runs at which address on which chain. The agent refuses to start
// unless verifyManifest passes, so it never writes to contracts it was not built for.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type Address, type Hex, isAddress, isHex, keccak256 } from "viem";
import { compareRuntimeCode } from "./bytecode.ts";
import type { ChainClient } from "./client.ts";
import {
  ChainIdMismatchError,
  ContractCodeMismatchError,
  ContractMissingError,
  ManifestInvalidError,
} from "./errors.ts";
import type { ContractArtifact, DeployedContract } from "./types.ts";

export interface DeploymentManifest {
  chainId: number;
  deployer: Address;
  /** ISO 8601 time the manifest was first written. */
  createdAt: string;
  /**
   * The EVM version the contracts were compiled for (evm.ts), so an operator can check that the network's engine
   * runs it. Absent in manifests written before it was recorded.
   */
  evmVersion?: string;
  contracts: Record<string, DeployedContract>;
}

export async function readManifest(path: string): Promise<DeploymentManifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ManifestInvalidError(path, "cannot be read", error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestInvalidError(path, "is not JSON", error);
  }
  return parseManifest(path, value);
}

/** Atomic: a crash leaves either the old or the new manifest, never half of one. */
export async function writeManifest(path: string, manifest: DeploymentManifest): Promise<void> {
  parseManifest(path, manifest);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`, { flush: true });
  await rename(temp, path);
}

/**
 * Checks the node's chain id, then for every contract in the manifest that has an artifact: the runtime code exists,
 * hashes to the recorded codeHash, and matches the artifact's deployedBytecode (see bytecode.ts for what is compared).
 */
export async function verifyManifest(
  client: ChainClient,
  manifest: DeploymentManifest,
  artifacts: Record<string, ContractArtifact>,
): Promise<void> {
  const chainId = await client.getChainId();
  if (chainId !== manifest.chainId) throw new ChainIdMismatchError(manifest.chainId, chainId, "the manifest");
  for (const [name, deployed] of Object.entries(manifest.contracts)) {
    const artifact = artifacts[name];
    if (!artifact) continue;
    await verifyContract(client, name, deployed, artifact);
  }
}

export async function verifyContract(
  client: ChainClient,
  name: string,
  deployed: DeployedContract,
  artifact: ContractArtifact,
): Promise<void> {
  const code = await client.getCode({ address: deployed.address });
  if (!code || code === "0x") throw new ContractMissingError(name, deployed.address);
  const hash = keccak256(code);
  if (hash !== deployed.codeHash) {
    throw new ContractCodeMismatchError(
      name,
      deployed.address,
      `code hash ${hash}, manifest records ${deployed.codeHash}`,
    );
  }
  const comparison = compareRuntimeCode(code, artifact.deployedBytecode);
  if (!comparison.equal) throw new ContractCodeMismatchError(name, deployed.address, comparison.reason);
}

function parseManifest(path: string, value: unknown): DeploymentManifest {
  if (!isObject(value)) throw new ManifestInvalidError(path, "is not a JSON object");
  const { chainId, deployer, createdAt, evmVersion, contracts } = value;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new ManifestInvalidError(path, "chainId must be a positive integer");
  }
  if (typeof deployer !== "string" || !isAddress(deployer)) {
    throw new ManifestInvalidError(path, "deployer must be an address");
  }
  if (typeof createdAt !== "string" || Number.isNaN(Date.parse(createdAt))) {
    throw new ManifestInvalidError(path, "createdAt must be an ISO 8601 time");
  }
  if (evmVersion !== undefined && (typeof evmVersion !== "string" || !/^[a-z]+$/.test(evmVersion))) {
    throw new ManifestInvalidError(path, "evmVersion must be an EVM version name such as paris");
  }
  if (!isObject(contracts)) throw new ManifestInvalidError(path, "contracts must be an object");
  for (const [name, entry] of Object.entries(contracts)) {
    const where = `contracts.${name}`;
    if (!isObject(entry)) throw new ManifestInvalidError(path, `${where} must be an object`);
    if (typeof entry.address !== "string" || !isAddress(entry.address)) {
      throw new ManifestInvalidError(path, `${where}.address must be an address`);
    }
    if (typeof entry.blockNumber !== "number" || !Number.isSafeInteger(entry.blockNumber) || entry.blockNumber < 0) {
      throw new ManifestInvalidError(path, `${where}.blockNumber must be a block number`);
    }
    if (!isHash(entry.txHash)) throw new ManifestInvalidError(path, `${where}.txHash must be a 32-byte hex hash`);
    if (!isHash(entry.codeHash)) throw new ManifestInvalidError(path, `${where}.codeHash must be a 32-byte hex hash`);
  }
  return value as unknown as DeploymentManifest;
}

function isHash(value: unknown): value is Hex {
  return typeof value === "string" && isHex(value) && value.length === 66;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Idempotent deployment: contracts already in the manifest whose code verifies are kept; the manifest is written
// after each deployment, so an interrupted run resumes where it stopped.
import { access } from "node:fs/promises";
import { type Address, encodeDeployData, keccak256 } from "viem";
import type { ChainClient } from "./client.ts";
import { ChainIdMismatchError, ContractMissingError, TxFailedError } from "./errors.ts";
import { EVM_VERSION } from "./evm.ts";
import { type DeploymentManifest, readManifest, verifyContract, writeManifest } from "./manifest.ts";
import type { ContractArtifact, DeployedContract, TxSender } from "./types.ts";

export interface DeploymentStep {
  /** Key in the manifest: "ConsortiumRegistry". */
  name: string;
  artifact: ContractArtifact;
  /** Constructor arguments; may use the addresses deployed by earlier steps. */
  args(deployed: Record<string, DeployedContract>): readonly unknown[];
}

export interface DeployContractsOptions {
  chain: ChainClient;
  sender: TxSender;
  deployer: Address;
  plan: readonly DeploymentStep[];
  manifestPath: string;
  /** Called once per step: "deployed" or "kept". */
  onStep?(name: string, outcome: "deployed" | "kept", contract: DeployedContract): void;
}

export async function deployContracts(options: DeployContractsOptions): Promise<DeploymentManifest> {
  const { chain, sender, deployer, plan, manifestPath } = options;
  const chainId = await chain.getChainId();
  const manifest: DeploymentManifest = (await exists(manifestPath))
    ? await readManifest(manifestPath)
    : { chainId, deployer, createdAt: new Date().toISOString(), evmVersion: EVM_VERSION, contracts: {} };
  if (manifest.chainId !== chainId) throw new ChainIdMismatchError(manifest.chainId, chainId, manifestPath);
  // Contracts deployed from now on are compiled for EVM_VERSION; a manifest from before it was recorded learns it.
  manifest.evmVersion ??= EVM_VERSION;

  for (const step of plan) {
    const recorded = manifest.contracts[step.name];
    if (recorded) {
      try {
        // A code mismatch propagates: replacing a live contract silently would strand its state.
        await verifyContract(chain, step.name, recorded, step.artifact);
        options.onStep?.(step.name, "kept", recorded);
        continue;
      } catch (error) {
        if (!(error instanceof ContractMissingError)) throw error;
      }
    }
    const data = encodeDeployData({
      abi: step.artifact.abi,
      bytecode: step.artifact.bytecode,
      args: step.args(manifest.contracts),
    } as Parameters<typeof encodeDeployData>[0]);
    const receipt = await sender.send({ from: deployer, data, label: `deploy ${step.name}` });
    const address = receipt.contractAddress;
    if (!address) throw new TxFailedError(step.name, receipt.transactionHash, "deployment created no contract");
    const code = await chain.getCode({ address });
    if (!code || code === "0x") throw new ContractMissingError(step.name, address);
    const contract: DeployedContract = {
      address,
      blockNumber: Number(receipt.blockNumber),
      txHash: receipt.transactionHash,
      codeHash: keccak256(code),
    };
    manifest.contracts[step.name] = contract;
    await writeManifest(manifestPath, manifest);
    options.onStep?.(step.name, "deployed", contract);
  }
  return manifest;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

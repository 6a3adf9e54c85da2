// Identity's own records against the chain: every DID this agent hosts must be controlled, in the ERC-1056 registry
// at the checked block, by the controller the agent holds the key of (a restore that lost a changeOwner, or a row
// written for a change the chain never took, would leave the agent signing for an identity it no longer controls).
import type { Address } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import type { DidService } from "../core/identity/did.ts";
import { EthereumDIDRegistry } from "../generated/contracts.ts";

export async function identityDifferences(
  dids: DidService,
  chain: ChainClient,
  registry: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  for (const hosted of await dids.list()) {
    const owner = (await chain.readContract({
      address: registry,
      abi: EthereumDIDRegistry.abi,
      functionName: "identityOwner",
      args: [hosted.address],
      blockNumber,
    } as never)) as Address;
    if (owner.toLowerCase() !== hosted.controller.toLowerCase()) {
      differences.push({
        table: "identity_hosted_dids",
        key: hosted.did,
        readModel: { controller: hosted.controller.toLowerCase() },
        chain: { controller: owner.toLowerCase() },
      });
    }
  }
  return differences;
}

// The platform's contracts in deployment order. Founding members are named here, at deployment, and nowhere else:
// afterwards only governance changes the member set.
import type { Address } from "viem";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import { ConsortiumRegistry, CredentialStatusRegistry, EthereumDIDRegistry } from "../generated/contracts.ts";
import { parseRole } from "../membership/roles.ts";

export interface FoundingMember {
  account: Address;
  name: string;
  /** Role names ("TNSP") or 0x ids; GOVERNOR is added by the contract to every founder. */
  roles: string[];
}

export function platformDeploymentPlan(founders: readonly FoundingMember[]): DeploymentStep[] {
  return [
    {
      name: "ConsortiumRegistry",
      artifact: ConsortiumRegistry,
      args: () => [
        founders.map((f) => f.account),
        founders.map((f) => f.name),
        founders.map((f) => f.roles.map(parseRole)),
      ],
    },
    { name: "EthereumDIDRegistry", artifact: EthereumDIDRegistry, args: () => [] },
    {
      name: "CredentialStatusRegistry",
      artifact: CredentialStatusRegistry,
      args: (deployed) => {
        const didRegistry = deployed.EthereumDIDRegistry;
        if (!didRegistry) throw new Error("EthereumDIDRegistry must be deployed before CredentialStatusRegistry");
        return [didRegistry.address];
      },
    },
  ];
}

/** Every contract ABI of the platform, for decoding custom errors and events. */
export const platformAbis = [ConsortiumRegistry.abi, EthereumDIDRegistry.abi, CredentialStatusRegistry.abi];

// The platform's contracts in deployment order. Founding members are named here, at deployment, and nowhere else:
// afterwards only governance changes the member set.
import type { Abi, Address } from "viem";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import type { ContractArtifact } from "../core/chain/types.ts";
import { DOMAINS } from "../domains.ts";
import { ConsortiumRegistry, CredentialStatusRegistry, EthereumDIDRegistry } from "../generated/contracts.ts";
import { parseRole } from "../membership/roles.ts";

export interface FoundingMember {
  account: Address;
  name: string;
  /** Role names ("TNSP") or 0x ids; GOVERNOR is added by the contract to every founder. */
  roles: string[];
}

export function platformDeploymentPlan(founders: readonly FoundingMember[]): DeploymentStep[] {
  return [...coreSteps(founders), ...DOMAINS.flatMap((d) => d.deployment ?? [])];
}

function coreSteps(founders: readonly FoundingMember[]): DeploymentStep[] {
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

/** The platform's contracts and every domain's, by manifest name. */
export function allContractArtifacts(): Record<string, ContractArtifact> {
  return Object.assign(
    { ConsortiumRegistry, EthereumDIDRegistry, CredentialStatusRegistry },
    ...DOMAINS.map((d) => d.contracts ?? {}),
  );
}

/** Every contract ABI, for decoding custom errors of rejected transactions. */
export const platformAbis: Abi[] = Object.values(allContractArtifacts()).map((a) => a.abi);

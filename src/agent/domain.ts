// The seam between the platform and the use-case domains (numbering, roaming, ...). A domain is a plugin: it brings
// its contracts and their deployment steps, its schema migrations, its read-model projections, its API routes, its
// CLI commands and optionally background workers. The agent, the deployer, the CLI and the sandbox take the list
// in src/domains.ts, so adding a domain never means editing the platform's composition.
import type { Command } from "commander";
import type { Logger } from "pino";
import type { Address } from "viem";
import type { ApiModule } from "../core/api/index.ts";
import type { ChainClient } from "../core/chain/client.ts";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import type { Indexer, Projection, TopicFilter } from "../core/chain/indexer/indexer.ts";
import type { DeploymentManifest } from "../core/chain/manifest.ts";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import type { ContractArtifact } from "../core/chain/types.ts";
import type { AgentConfig } from "../core/config.ts";
import type { CredentialStatusService } from "../core/identity/credentialStatus.ts";
import type { CredentialService } from "../core/identity/credentials.ts";
import type { DidService } from "../core/identity/did.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import type { DidResolver } from "../core/identity/resolver.ts";
import type { Migration, Store } from "../core/store/index.ts";
import type { MembershipService } from "../membership/service.ts";

/** Everything a domain may use inside a running agent. */
export interface AgentContext {
  config: AgentConfig;
  logger: Logger;
  store: Store;
  chain: ChainClient;
  outbox: Outbox;
  indexer: Indexer;
  keystore: Keystore;
  manifest: DeploymentManifest;
  /** Address of a deployed contract by its manifest name; throws naming the contract when it is missing. */
  contractAddress(name: string): Address;
  dids: DidService;
  resolver: DidResolver;
  credentials: CredentialService;
  credentialStatus: CredentialStatusService;
  membership: MembershipService;
}

/** A member of the sandbox as a domain's seeding sees it. */
export interface SandboxMemberHandle {
  name: string;
  roles: string[];
  memberAccount: Address;
  url: string;
  apiKey: string;
  did?: string;
}

export interface DomainPlugin {
  name: string;
  /** Deployable contracts by manifest name: verified at agent start, indexed from their deployment block. */
  contracts?: Record<string, ContractArtifact>;
  /** Deployment steps, appended after the platform's (ConsortiumRegistry, EthereumDIDRegistry, CredentialStatusRegistry). */
  deployment?: DeploymentStep[];
  migrations?: Migration[];
  projections?: Projection[];
  /**
   * Which logs of the domain's contracts a member's agent indexes, by manifest name (see IndexerSource.topics). A
   * contract not named is indexed whole. For contracts whose traffic is between two parties only.
   */
  logFilters?(memberAccount: Address): Record<string, readonly TopicFilter[]>;
  /** The domain's routes. Called once per agent, after the platform services exist. */
  api?(context: AgentContext): ApiModule | Promise<ApiModule>;
  /** Background work (e.g. answering requests addressed to this member); stopped before the store closes. */
  start?(context: AgentContext): Promise<{ stop(): Promise<void> } | undefined>;
  /** `telco-ledger <domain> ...` commands. */
  registerCommands?(program: Command): void;
  /** Seeds the sandbox after every agent is healthy (e.g. demo subscribers, network codes). Idempotent. */
  seedSandbox?(members: readonly SandboxMemberHandle[], log: (message: string) => void): Promise<void>;
}

// The seam between the platform and its domains (membership, identity, numbering, signed calls, roaming, ...). Every
// domain is a DomainPlugin of the same shape (docs/domains.md is the checklist): its contracts and their deployment,
// its migrations, its projections (the only writers of its read-model tables), its read model (the only SQL readers),
// its service (domain logic, no HTTP), its routes (schemas, no SQL), its error table, CLI, sandbox seed and docs.
// The agent, the deployer, the CLI and the sandbox take the list in src/domains.ts, so adding a domain never means
// editing the platform. A domain uses another only through what that domain publishes (PublishedServices).
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
import type { ErrorTable } from "../core/errors/index.ts";
import type { CredentialStatusService } from "../core/identity/credentialStatus.ts";
import type { CredentialService } from "../core/identity/credentials.ts";
import type { DidService } from "../core/identity/did.ts";
import type { DidAuth } from "../core/identity/didAuth.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import type { DidResolver } from "../core/identity/resolver.ts";
import type { Migration, Store } from "../core/store/index.ts";

/**
 * The small interfaces domains publish to each other, by domain name. Each domain adds its own entry from its own
 * `published.ts` by declaration merging (`declare module "../agent/domain.ts" { interface PublishedServices {...} }`),
 * so the platform never names a domain's types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the domains through declaration merging
export interface PublishedServices {}

/** The platform services every domain may use inside a running agent. */
export interface PlatformContext {
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
  didAuth: DidAuth;
}

/** What a domain sees: the platform, and what the domains before it in src/domains.ts published. */
export interface AgentContext extends PlatformContext {
  published: PublishedServices;
}

/** One way a domain's read model disagrees with the chain's own views. */
export interface ConsistencyDifference {
  /** The read-model table (or derived view) at fault. */
  table: string;
  /** The record: a grant id, a member address ... */
  key: string;
  /** What the read model holds (undefined: the record is missing there). */
  readModel: unknown;
  /** What the chain says at the checked block (undefined: the chain has no such record). */
  chain: unknown;
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
  /** Short name: the folder `src/<name>/`, the CLI command group, the URL segment `/v1/<name>/...` where no standard names the path. */
  name: string;
  /** One line: what the domain does for the consortium. */
  description: string;
  /** The domain's document (docs/<name>.md): what it is, its API, and a sandbox walkthrough that CI runs. */
  doc: string;
  /**
   * Every error code the domain raises (a DomainError), declared with defineErrors where the codes are defined, with
   * its HTTP status and, where one exists, its SIP response. `{}` for a domain that raises only the platform's codes.
   */
  errors: ErrorTable;
  /**
   * Routes that keep the path a standard gives them instead of `/v1/<name>/...` (e.g. ATIS Annex A's `/v1/accounts`,
   * ATIS-1000082's `/stir/v1/signing`): each a URL prefix with the standard that names it (docs/api.md).
   */
  standardPaths?: ReadonlyArray<{ prefix: string; standard: string }>;
  /** Deployable contracts by manifest name: verified at agent start, indexed from their deployment block. */
  contracts?: Record<string, ContractArtifact>;
  /** Deployment steps, in order; a domain's steps run after those of the domains before it in src/domains.ts. */
  deployment?: DeploymentStep[];
  migrations?: Migration[];
  /** The domain's projections: the only code that writes its read-model tables. */
  projections?: Projection[];
  /**
   * Which logs of the domain's contracts a member's agent indexes, by manifest name (see IndexerSource.topics). A
   * contract not named is indexed whole. For contracts whose traffic is between two parties only.
   */
  logFilters?(memberAccount: Address): Record<string, readonly TopicFilter[]>;
  /**
   * Builds what the domain publishes to the domains after it (e.g. membership's directory, EIDL's ledger facts).
   * Called once per agent, in src/domains.ts order, before any domain's api() or start().
   */
  publish?(context: AgentContext): Promise<Partial<PublishedServices>> | Partial<PublishedServices>;
  /**
   * Compares every record of the domain's read model with the chain's own views at `blockNumber` (the block the read
   * model is indexed to) and names each difference. The consistency checker (`telco-ledger agent consistency`, the
   * durability and network tests) runs it for every domain.
   */
  checkConsistency?(context: AgentContext, blockNumber: bigint): Promise<ConsistencyDifference[]>;
  /** The domain's routes. Called once per agent, after every domain published. */
  api?(context: AgentContext): ApiModule | Promise<ApiModule>;
  /** Background work (e.g. answering requests addressed to this member); stopped before the store closes. */
  start?(context: AgentContext): Promise<{ stop(): Promise<void> } | undefined>;
  /** `telco-ledger <domain> ...` commands. */
  registerCommands?(program: Command): void;
  /** Seeds the sandbox after every agent is healthy (e.g. demo subscribers, network codes). Idempotent. */
  seedSandbox?(members: readonly SandboxMemberHandle[], log: (message: string) => void): Promise<void>;
}

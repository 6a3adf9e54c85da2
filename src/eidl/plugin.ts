// The EIDL domain plugin: its contracts and deployment steps, read model, projection, API, CLI and sandbox seeding.
// publish() builds the agent's one prefix index (with the facts other domains read) from the read model and
// membership's directory, and keeps it current from the indexer's committed events; the EIDL service and the
// published EidlFacts share it.

import type { Address } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { formatDid } from "../core/identity/didEthr.ts";
import { ClearedPorts } from "./clearedPorts.ts";
import { registerEidlCommands } from "./cli.ts";
import { eidlDifferences } from "./consistency.ts";
import { EIDL_ERRORS } from "./errors.ts";
import { IndexedEidlFacts } from "./facts.ts";
import { EIDL_CONTRACTS, EidlChainLedger, eidlDeployment } from "./ledger.ts";
import { eidlMigrations } from "./migrations.ts";
import { eidlProjection } from "./projection.ts";
import { EidlReadModel } from "./readModel.ts";
import { IssuedCredentials } from "./repository.ts";
import { eidlApiModule } from "./routes.ts";
import { seedEidlSandbox } from "./sandbox.ts";
import { EidlService } from "./service.ts";

/** Each agent's facts, built once by publish() and used by its api(). */
const factsOfAgent = new WeakMap<AgentContext, IndexedEidlFacts>();

async function buildFacts(context: AgentContext): Promise<IndexedEidlFacts> {
  const facts = new IndexedEidlFacts(Number(context.config.chain.chainId));
  // Listen first, then load: an event committed during the load is applied twice, which the index tolerates.
  context.indexer.onEvent((event) => facts.apply(event));
  const readModel = new EidlReadModel(context.store);
  // A rewind undid what dropped blocks projected into the read model: the index follows by reloading from it.
  context.indexer.onRewind(async () => {
    facts.reload(await readModel.indexSource(), await context.published.membership.allMembers());
  });
  facts.load(await readModel.indexSource(), await context.published.membership.allMembers());
  return facts;
}

function ledgerOf(context: AgentContext): EidlChainLedger {
  return new EidlChainLedger({
    chain: context.chain,
    sender: context.outbox,
    organisations: context.contractAddress("OrganisationRegistry"),
    tnAuthority: context.contractAddress("TnAuthority"),
  });
}

/** What other domains use to execute a port they cleared (the registries' PortClearing): see clearedPorts.ts. */
function clearedPortsOf(context: AgentContext, facts: IndexedEidlFacts): ClearedPorts {
  let service: EidlService | undefined;
  const ledger = ledgerOf(context);
  return new ClearedPorts({
    readModel: new EidlReadModel(context.store),
    facts,
    hostedDids: () => context.dids.list(),
    service: () => {
      service ??= createEidlService(context, facts);
      return service;
    },
    inScope: (authority, prefix) => ledger.inScope(authority, prefix),
    didOf: (address) => formatDid(Number(context.config.chain.chainId), address as Address),
  });
}

export function createEidlService(context: AgentContext, facts: IndexedEidlFacts): EidlService {
  return new EidlService({
    readModel: new EidlReadModel(context.store),
    issued: new IssuedCredentials(context.store),
    dids: context.dids,
    credentials: context.credentials,
    credentialStatus: context.credentialStatus,
    bindAccount: (account, roles) => context.published.membership.bindAccount(account, roles),
    memberRoles: () => context.published.membership.ownRoles(),
    memberAccount: context.config.memberAccount,
    ledger: ledgerOf(context),
    index: facts.index,
    chainId: context.config.chain.chainId,
    publicUrl: context.config.publicUrl,
    sync: () => context.indexer.syncOnce(),
    // Bulk batches must fit the chain's blocks (a node refuses a transaction over the block gas limit).
    blockGasLimit: () =>
      context.chain.getBlock({ blockTag: "latest" }).then(
        (block) => block.gasLimit,
        () => undefined,
      ),
  });
}

export const eidlPlugin: DomainPlugin = {
  name: "eidl",
  description:
    "Enterprise identity and TN authority (ATIS EIDL): vetting, TN allocation, assignment, delegation, ports",
  doc: "docs/eidl.md",
  errors: EIDL_ERRORS,
  standardPaths: [
    { prefix: "/v1/accounts", standard: "ATIS EIDL technical report, Annex A (createAccount, getAccount)" },
    {
      prefix: "/v1/vetterAuthorization/",
      standard:
        "ATIS EIDL technical report, Annex A (createVettedOrganisationOnDLT, getVettedOrganisationAuthorization)",
    },
    { prefix: "/v1/tnallocation", standard: "ATIS EIDL technical report, Annex A (TNAllocation)" },
  ],
  contracts: EIDL_CONTRACTS,
  deployment: eidlDeployment,
  migrations: eidlMigrations,
  projections: [eidlProjection],
  async publish(context) {
    const facts = await buildFacts(context);
    factsOfAgent.set(context, facts);
    return { eidl: facts, eidlPorts: clearedPortsOf(context, facts) };
  },
  api(context) {
    const facts = factsOfAgent.get(context);
    if (!facts) throw new Error("the eidl plugin's api() ran before publish()");
    return eidlApiModule(createEidlService(context, facts));
  },
  checkConsistency(context, blockNumber) {
    return eidlDifferences(
      new EidlReadModel(context.store),
      context.chain,
      {
        organisations: context.contractAddress("OrganisationRegistry"),
        tnAuthority: context.contractAddress("TnAuthority"),
      },
      blockNumber,
    );
  },
  registerCommands: registerEidlCommands,
  seedSandbox: seedEidlSandbox,
};

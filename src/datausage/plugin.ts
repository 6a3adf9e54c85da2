// The data-usage domain (ITU DTM-001, EEA use case 3) as a platform plugin: the DataUsage and InsightsMarket contracts
// and their deployment, the read model and its projection, the decision index (loaded from the read model and this agent's
// held policies, kept current from committed events, reloaded after a rewind), the API, the CLI and sandbox seeding.
import type { Address } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { SqlReplayGuard } from "../core/identity/messages/index.ts";
import { BrokerService } from "./brokerService.ts";
import { registerDataUsageCommands } from "./cli.ts";
import { dataUsageDifferences } from "./consistency.ts";
import { CustodyService, startCustodian } from "./custodyService.ts";
import { DecisionIndex } from "./decisionIndex.ts";
import { DATAUSAGE_ERRORS } from "./errors.ts";
import { InsightsLedger } from "./insightsLedger.ts";
import { InsightsService } from "./insightsService.ts";
import { KeyShareService } from "./keyShares.ts";
import { DATAUSAGE_CONTRACTS, DataUsageLedger, dataUsageDeployment, SETTLEMENT_TOKEN } from "./ledger.ts";
import { dataUsageMigrations } from "./migrations.ts";
import { DATA_USAGE, dataUsageProjection } from "./projection.ts";
import { INSIGHTS_MARKET, insightsProjection } from "./projectionInsights.ts";
import { DataUsageReadModel } from "./readModel.ts";
import { InsightsReadModel } from "./readModelInsights.ts";
import { DataUsageRepository } from "./repository.ts";
import { InsightsRepository } from "./repositoryInsights.ts";
import { dataUsageApiModule } from "./routes.ts";
import { seedDataUsageSandbox } from "./seed.ts";
import { DataUsageService } from "./service.ts";
import { ShareService } from "./shareService.ts";
import { SubscriberService } from "./subscriberService.ts";

const indexOfAgent = new WeakMap<AgentContext, Promise<DecisionIndex>>();

function indexOf(context: AgentContext): Promise<DecisionIndex> {
  let index = indexOfAgent.get(context);
  if (!index) {
    index = buildIndex(context);
    indexOfAgent.set(context, index);
  }
  return index;
}

async function buildIndex(context: AgentContext): Promise<DecisionIndex> {
  const index = new DecisionIndex();
  const readModel = new DataUsageReadModel(context.store);
  // Listen first, then load: an event committed during the load is applied twice, which the index tolerates.
  context.indexer.onEvent((event) => {
    if (event.source === DATA_USAGE) index.apply(event);
  });
  context.indexer.onRewind(async () => index.load(await readModel.indexSource()));
  index.load(await readModel.indexSource());
  index.loadPolicies(await new DataUsageRepository(context.store).policies());
  return index;
}

/** The custodian's side of a key erasure, for this agent's API and its background attestation. */
function custodyOf(context: AgentContext): CustodyService {
  return new CustodyService({
    ledger: new InsightsLedger({
      chain: context.chain,
      sender: context.outbox,
      from: context.config.memberAccount,
      market: context.contractAddress(INSIGHTS_MARKET),
      token: context.contractAddress(SETTLEMENT_TOKEN),
    }),
    readModel: new InsightsReadModel(context.store),
    repository: new InsightsRepository(context.store),
    me: context.config.memberAccount.toLowerCase() as Address,
    consentController: async (id) => (await new DataUsageReadModel(context.store).contract(id))?.controller,
    isApprovedCustodian: async (account) => {
      const member = await context.published.membership.getMember(account);
      return member?.active === true && member.roles.includes("KEY_CUSTODIAN");
    },
    sync: () => context.indexer.syncOnce(),
  });
}

export const dataUsagePlugin: DomainPlugin = {
  name: "datausage",
  description:
    "Data usage contracts (ITU DTM-001): salted fingerprints on chain, ODRL usage control decided by the agents, processor chains, subject revocation, batched consultation records and consent receipts",
  doc: "docs/datausage.md",
  errors: DATAUSAGE_ERRORS,
  contracts: DATAUSAGE_CONTRACTS,
  deployment: dataUsageDeployment,
  migrations: dataUsageMigrations,
  projections: [dataUsageProjection, insightsProjection],
  async api(context) {
    const index = await indexOf(context);
    const readModel = new DataUsageReadModel(context.store);
    const repository = new DataUsageRepository(context.store);
    const service = new DataUsageService({
      ledger: new DataUsageLedger({
        chain: context.chain,
        sender: context.outbox,
        from: context.config.memberAccount,
        address: context.contractAddress(DATA_USAGE),
      }),
      readModel,
      repository,
      index,
      chainId: context.chain.chain.id,
      me: context.config.memberAccount.toLowerCase() as Address,
      memberName: async (address) => (await context.published.membership.getMember(address))?.name,
      sync: () => context.indexer.syncOnce(),
    });
    const me = context.config.memberAccount.toLowerCase() as Address;
    const insightsReadModel = new InsightsReadModel(context.store);
    const insightsLedger = new InsightsLedger({
      chain: context.chain,
      sender: context.outbox,
      from: context.config.memberAccount,
      market: context.contractAddress(INSIGHTS_MARKET),
      token: context.contractAddress(SETTLEMENT_TOKEN),
    });
    const insightsRepository = new InsightsRepository(context.store);
    const custody = custodyOf(context);
    const insights = new InsightsService({
      ledger: insightsLedger,
      readModel: insightsReadModel,
      repository: insightsRepository,
      chainId: context.chain.chain.id,
      me,
      consentController: async (id) => (await readModel.contract(id))?.controller,
      decide: (id, purpose) => service.decide(id, "use", purpose),
      afterErasure: (id) => custody.requestAfterErasure(id),
      sync: () => context.indexer.syncOnce(),
    });
    const consentRevoked = async (id: string) => {
      const row = await readModel.contract(id);
      return row === undefined ? undefined : Number(row.revoked_at) !== 0;
    };
    const subscribers = new SubscriberService({
      ledger: insightsLedger,
      readModel: insightsReadModel,
      repository: insightsRepository,
      chainId: context.chain.chain.id,
      me,
      consentRevoked,
      sync: () => context.indexer.syncOnce(),
    });
    const shares = new ShareService({
      ledger: insightsLedger,
      readModel: insightsReadModel,
      repository: insightsRepository,
      chainId: context.chain.chain.id,
      consentRevoked,
      sync: () => context.indexer.syncOnce(),
    });
    const brokers = new BrokerService({
      ledger: insightsLedger,
      readModel: insightsReadModel,
      repository: insightsRepository,
      chainId: context.chain.chain.id,
      me,
      sync: () => context.indexer.syncOnce(),
    });
    return dataUsageApiModule({
      service,
      readModel,
      repository,
      index,
      insights,
      insightsReadModel,
      subscribers,
      brokers,
      shares,
      custody,
      keyShares: new KeyShareService({
        keystore: context.keystore,
        account: context.keystore.account(context.config.memberAccount),
        me,
        readModel: insightsReadModel,
        repository: insightsRepository,
        replay: new SqlReplayGuard(context.store),
        sync: () => context.indexer.syncOnce(),
      }),
    });
  },
  async start(context) {
    return startCustodian(
      custodyOf(context),
      (listener) =>
        context.indexer.onEvent((event) => {
          if (event.source === INSIGHTS_MARKET) listener(event);
        }),
      context.logger.child({ domain: "datausage" }),
    );
  },
  checkConsistency(context, blockNumber) {
    return dataUsageDifferences(
      new DataUsageReadModel(context.store),
      context.chain,
      context.contractAddress(DATA_USAGE),
      blockNumber,
    );
  },
  registerCommands: registerDataUsageCommands,
  seedSandbox: seedDataUsageSandbox,
};

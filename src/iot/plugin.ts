// The IoT trust domain (EEA use case 2) as a platform plugin: the IotRegistry and IotAttestations contracts and their
// deployment, the read model and its projection, the in-memory decision index (loaded from the read model, kept
// current from committed events, reloaded after a rewind), the API, the CLI and sandbox seeding.
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { anchorSettings, startAnchorer } from "./anchorer.ts";
import { registerIotCommands } from "./cli.ts";
import { iotDifferences } from "./consistency.ts";
import { IOT_ERRORS } from "./errors.ts";
import { AttestationIndex } from "./index.ts";
import { IOT_CONTRACTS, IotLedger, iotDeployment } from "./ledger.ts";
import { iotMigrations } from "./migrations.ts";
import { IOT_ATTESTATIONS, IOT_REGISTRY, iotProjection } from "./projection.ts";
import { IotReadModel } from "./readModel.ts";
import { IotRepository } from "./repository.ts";
import { iotApiModule } from "./routes.ts";
import { seedIotSandbox } from "./seed.ts";
import { IotService } from "./service.ts";

/** Each agent's index, built once: the service and the API share it. */
const indexOfAgent = new WeakMap<AgentContext, Promise<AttestationIndex>>();

function indexOf(context: AgentContext): Promise<AttestationIndex> {
  let index = indexOfAgent.get(context);
  if (!index) {
    index = buildIndex(context);
    indexOfAgent.set(context, index);
  }
  return index;
}

async function buildIndex(context: AgentContext): Promise<AttestationIndex> {
  const index = new AttestationIndex();
  const readModel = new IotReadModel(context.store);
  // Listen first, then load: an event committed during the load is applied twice, which the index tolerates.
  context.indexer.onEvent((event) => {
    if (event.source === IOT_REGISTRY || event.source === IOT_ATTESTATIONS) index.apply(event);
  });
  context.indexer.onRewind(async () => index.load(await readModel.indexSource()));
  index.load(await readModel.indexSource());
  return index;
}

/** Each agent's service, built once: the API and the anchoring timer share it (and its one-anchoring-at-a-time lock). */
const serviceOfAgent = new WeakMap<AgentContext, Promise<IotService>>();

export function createIotService(context: AgentContext): Promise<IotService> {
  let service = serviceOfAgent.get(context);
  if (!service) {
    service = buildService(context);
    serviceOfAgent.set(context, service);
  }
  return service;
}

async function buildService(context: AgentContext): Promise<IotService> {
  return new IotService({
    ledger: new IotLedger({
      chain: context.chain,
      sender: context.outbox,
      from: context.config.memberAccount,
      registry: context.contractAddress(IOT_REGISTRY),
      attestations: context.contractAddress(IOT_ATTESTATIONS),
    }),
    repository: new IotRepository(context.store),
    readModel: new IotReadModel(context.store),
    index: await indexOf(context),
    account: context.keystore.account(context.config.memberAccount),
    memberRoles: () => context.published.membership.ownRoles(),
    sync: () => context.indexer.syncOnce(),
  });
}

export const iotPlugin: DomainPlugin = {
  name: "iot",
  description:
    "IoT trust attributes and reputation (EEA use case 2): device identities, attestations on chain and in anchored batches, relying-party policies",
  doc: "docs/iot.md",
  errors: IOT_ERRORS,
  contracts: IOT_CONTRACTS,
  deployment: iotDeployment,
  migrations: iotMigrations,
  projections: [iotProjection],
  async api(context) {
    return iotApiModule(await createIotService(context), new IotReadModel(context.store));
  },
  checkConsistency(context, blockNumber) {
    return iotDifferences(
      new IotReadModel(context.store),
      context.chain,
      { registry: context.contractAddress(IOT_REGISTRY), attestations: context.contractAddress(IOT_ATTESTATIONS) },
      blockNumber,
    );
  },
  // The anchoring timer (docs/iot.md, "Anchoring"): configured per agent process by TELCO_IOT_ANCHOR_MAX_DELAY.
  async start(context) {
    return startAnchorer(await createIotService(context), anchorSettings(), context.logger.child({ domain: "iot" }));
  },
  registerCommands: registerIotCommands,
  seedSandbox: seedIotSandbox,
};

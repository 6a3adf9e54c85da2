// The EIDL domain plugin: its contracts and deployment steps, read model, projection, API, CLI and sandbox seeding.
// The in-memory prefix index is per agent: built from the read model when the API is assembled and kept current by
// the agent's indexer (onEvent, after each commit), so it always reflects exactly what the read model holds.
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { registerEidlCommands } from "./cli.ts";
import { EIDL_ERRORS } from "./errors.ts";
import { createEidlFacts } from "./facts.ts";
import { EIDL_CONTRACTS, EidlChainLedger, eidlDeployment } from "./ledger.ts";
import { eidlMigrations } from "./migrations.ts";
import { PrefixIndex } from "./prefixIndex.ts";
import { applyToIndex, eidlProjection } from "./projection.ts";
import { loadIndex } from "./readModel.ts";
import { eidlApiModule } from "./routes.ts";
import { seedEidlSandbox } from "./sandbox.ts";
import { EidlService } from "./service.ts";

export async function createEidlService(context: AgentContext): Promise<EidlService> {
  const index = new PrefixIndex();
  await loadIndex(context.store, index);
  context.indexer.onEvent((event) => applyToIndex(index, event));
  return new EidlService({
    db: context.store,
    dids: context.dids,
    credentials: context.credentials,
    credentialStatus: context.credentialStatus,
    bindAccount: (account) => context.published.membership.bindAccount(account),
    memberRoles: () => context.published.membership.ownRoles(),
    ledger: new EidlChainLedger({
      chain: context.chain,
      sender: context.outbox,
      organisations: context.contractAddress("OrganisationRegistry"),
      tnAuthority: context.contractAddress("TnAuthority"),
    }),
    index,
    chainId: context.config.chain.chainId,
    publicUrl: context.config.publicUrl,
    sync: () => context.indexer.syncOnce(),
  });
}

export const eidlPlugin: DomainPlugin = {
  name: "eidl",
  description:
    "Enterprise identity and TN authority (ATIS EIDL): vetting, TN allocation, assignment, delegation, ports",
  doc: "docs/eidl.md",
  errors: EIDL_ERRORS,
  contracts: EIDL_CONTRACTS,
  deployment: eidlDeployment,
  migrations: eidlMigrations,
  projections: [eidlProjection],
  // The ledger facts signed calls decides attestations from (src/eidl/published.ts).
  async publish(context) {
    return { eidl: { facts: await createEidlFacts(context) } };
  },
  async api(context) {
    return eidlApiModule(await createEidlService(context));
  },
  registerCommands: registerEidlCommands,
  seedSandbox: seedEidlSandbox,
};

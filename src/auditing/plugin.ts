// The auditing domain (EEA use case 5, service outcomes) as a platform plugin: the members' beacon and the court (which
// deploys its escrow), the read model and its projection, the consistency check, the API, the CLI and sandbox seeding.
// Auditor accounts are keys of this agent's keystore bound to its member, so the agent signs for them.
import type { Address } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { formatDid } from "../core/identity/didEthr.ts";
import { ConsortiumRegistry } from "../generated/contracts.ts";

// The settlement domain deploys the token under this manifest name (src/settlement/plugin.ts).
const SETTLEMENT_TOKEN = "SettlementToken";

import { registerAuditingCommands } from "./cli.ts";
import { auditingDifferences } from "./consistency.ts";
import { AUDITING_ERRORS } from "./errors.ts";
import { AUDITING_CONTRACTS, AuditingLedger, auditingDeployment, MEMBER_BEACON, OUTCOME_COURT } from "./ledger.ts";
import { auditingMigrations } from "./migrations.ts";
import { auditingProjection } from "./projection.ts";
import { AuditingReadModel } from "./readModel.ts";
import { AuditingRepository } from "./repository.ts";
import { auditingApiModule } from "./routes.ts";
import { AuditingService } from "./service.ts";

function serviceOf(context: AgentContext): AuditingService {
  const chainId = context.chain.chain.id;
  const registry = context.contractAddress("ConsortiumRegistry");
  return new AuditingService({
    ledger: new AuditingLedger({
      chain: context.chain,
      sender: context.outbox,
      court: context.contractAddress(OUTCOME_COURT),
      beacon: context.contractAddress(MEMBER_BEACON),
      token: context.contractAddress(SETTLEMENT_TOKEN),
    }),
    readModel: new AuditingReadModel(context.store),
    repository: new AuditingRepository(context.store),
    chainId,
    me: context.config.memberAccount.toLowerCase() as Address,
    newAccount: async (label) => {
      const key = await context.keystore.create({ kind: "secp256k1", label });
      if (!key.address) throw new Error("a secp256k1 key has an address");
      return key.address;
    },
    bindAccount: (account) => context.published.membership.bindAccount(account, []),
    memberOf: (account) =>
      context.chain.readContract({
        address: registry,
        abi: ConsortiumRegistry.abi,
        functionName: "memberOf",
        args: [account],
      }) as Promise<Address>,
    didOf: (account) => formatDid(chainId, account),
    now: async () => (await context.chain.getBlock({ blockTag: "latest" })).timestamp,
    sync: () => context.indexer.syncOnce(),
  });
}

export const auditingPlugin: DomainPlugin = {
  name: "auditing",
  description:
    "Service outcomes with escrowed fees, judged by staked auditor juries drawn from a members' beacon, commit-reveal votes, objections (EEA use case 5)",
  doc: "docs/auditing.md",
  errors: AUDITING_ERRORS,
  contracts: AUDITING_CONTRACTS,
  deployment: auditingDeployment,
  migrations: auditingMigrations,
  projections: [auditingProjection],
  api(context) {
    return auditingApiModule({
      service: serviceOf(context),
      readModel: new AuditingReadModel(context.store),
      repository: new AuditingRepository(context.store),
    });
  },
  checkConsistency(context, blockNumber) {
    return auditingDifferences(
      new AuditingReadModel(context.store),
      context.chain,
      context.contractAddress(OUTCOME_COURT),
      blockNumber,
    );
  },
  registerCommands: registerAuditingCommands,
};

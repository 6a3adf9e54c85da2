// The auditing domain (EEA use case 5, service outcomes) as a platform plugin: the members' beacon and the court (which
// deploys its escrow), the read model and its projection, the consistency check, the API, the CLI and sandbox seeding.
// Auditor accounts are keys of this agent's keystore bound to its member, so the agent signs for them.
import type { Address, Hex } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { formatDid } from "../core/identity/didEthr.ts";
import { BankMultisig, ConsortiumRegistry } from "../generated/contracts.ts";

// The settlement domain deploys the token under this manifest name (src/settlement/plugin.ts).
const SETTLEMENT_TOKEN = "SettlementToken";

import { AuditingGovernance } from "./bank.ts";
import { registerAuditingCommands } from "./cli.ts";
import { auditingDifferences } from "./consistency.ts";
import { AUDITING_ERRORS } from "./errors.ts";
import { AuditingEvidence } from "./evidenceService.ts";
import { AUDITING_CONTRACTS, AuditingLedger, auditingDeployment, MEMBER_BEACON, OUTCOME_COURT } from "./ledger.ts";
import { auditingMigrations } from "./migrations.ts";
import { auditingProjection } from "./projection.ts";
import { AuditingReadModel } from "./readModel.ts";
import { AuditingRepository } from "./repository.ts";
import { auditingApiModule } from "./routes.ts";
import { seedAuditingSandbox } from "./seed.ts";
import { AuditingService } from "./service.ts";

function ledgerOf(context: AgentContext): AuditingLedger {
  return new AuditingLedger({
    chain: context.chain,
    sender: context.outbox,
    court: context.contractAddress(OUTCOME_COURT),
    beacon: context.contractAddress(MEMBER_BEACON),
    token: context.contractAddress(SETTLEMENT_TOKEN),
  });
}

/** A hosted auditor's evidence key: a P-256 key of this agent's keystore, created once; answers its x coordinate. */
async function evidenceKeyOf(context: AgentContext, repository: AuditingRepository, account: Address): Promise<Hex> {
  let kid = await repository.evidenceKey(account);
  if (!kid) {
    kid = (await context.keystore.create({ kind: "p256", label: `auditing evidence ${account.toLowerCase()}` })).kid;
    await repository.saveEvidenceKey(account, kid);
  }
  // publicKeyHex is the uncompressed point 0x04 || x || y.
  return `0x${context.keystore.info(kid).publicKeyHex.slice(4, 68)}` as Hex;
}

function serviceOf(context: AgentContext): AuditingService {
  const chainId = context.chain.chain.id;
  const registry = context.contractAddress("ConsortiumRegistry");
  const repository = new AuditingRepository(context.store);
  return new AuditingService({
    ledger: ledgerOf(context),
    readModel: new AuditingReadModel(context.store),
    repository,
    evidenceKeyOf: (account) => evidenceKeyOf(context, repository, account),
    digestSigner: (account) => context.keystore.digestSigner(account),
    signTypedData: (typed) => context.keystore.account(context.config.memberAccount).signTypedData(typed),
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
      governance: new AuditingGovernance({
        ledger: ledgerOf(context),
        sender: context.outbox,
        me: context.config.memberAccount.toLowerCase() as Address,
        readBank: (bank, functionName, args = []) =>
          context.chain.readContract({
            address: bank,
            abi: BankMultisig.abi,
            functionName,
            args,
          } as never) as Promise<never>,
      }),
      evidence: new AuditingEvidence({
        ledger: ledgerOf(context),
        repository: new AuditingRepository(context.store),
        chain: context.chain,
        me: context.config.memberAccount.toLowerCase() as Address,
        sharedSecret: (kid, peer) => context.keystore.deriveSharedSecret(kid, peer),
        digestSigner: (account) => context.keystore.digestSigner(account),
        memberOf: (account) =>
          context.chain.readContract({
            address: context.contractAddress("ConsortiumRegistry"),
            abi: ConsortiumRegistry.abi,
            functionName: "memberOf",
            args: [account],
          }) as Promise<Address>,
      }),
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
  seedSandbox: seedAuditingSandbox,
};

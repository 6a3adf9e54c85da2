// The identity domain as a plugin: the API and CLI over the platform's identity core (src/core/identity: keystore,
// did:ethr DIDs on the ERC-1056 registry, verifiable credentials with on-chain status, DID-Auth). The core services
// live in the platform because every domain signs and verifies with them; this domain exposes them to members.
import type { Address } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { withDidKey } from "../core/identity/didKey.ts";
import { IDENTITY_ERRORS } from "../core/identity/errors.ts";
import { SqlReplayGuard } from "../core/identity/messages/index.ts";
import { ConsortiumRegistry, IdentityAssurance, SocialRecovery } from "../generated/contracts.ts";
import { ASSURANCE_ERRORS } from "./assurance/errors.ts";
import { assuranceMigrations } from "./assurance/migrations.ts";
import { assuranceProjection, IDENTITY_ASSURANCE } from "./assurance/projection.ts";
import { AssuranceReadModel } from "./assurance/readModel.ts";
import { AssuranceService } from "./assurance/service.ts";
import { registerIdentityCommands } from "./cli.ts";
import { identityDifferences } from "./consistency.ts";
import { AccessFlow } from "./flows/access.ts";
import { DiscountFlow } from "./flows/accessDiscount.ts";
import { ACCESS_ERRORS } from "./flows/accessErrors.ts";
import { FLOW_MIGRATIONS } from "./flows/migrations.ts";
import { ACCESS_MIGRATIONS } from "./flows/migrationsAccess.ts";
import { AttestationFlows } from "./flows/service.ts";
import { HUB_ERRORS, HUB_MIGRATIONS, HUB_PERMISSION_ERRORS } from "./hub/index.ts";
import { LINK_ERRORS, LINK_MIGRATIONS, LinkService } from "./links/index.ts";
import { AttestationMessaging } from "./messaging.ts";
import type { SimSwapFeed } from "./published.ts";
import { recoveryMigrations } from "./recovery/migrations.ts";
import { OperatorGuardian } from "./recovery/operatorGuardian.ts";
import { OperatorGuardianRepository } from "./recovery/repositoryOperator.ts";
import {
  MIN_RECOVERY_DELAY_SECONDS,
  RecoveryService,
  SIM_SWAP_COOL_DOWN_SECONDS,
  SOCIAL_RECOVERY,
} from "./recovery/service.ts";
import { SimSwapRecorder } from "./recovery/simSwapRecorder.ts";
import { identityApiModule } from "./routes.ts";

const assurance = new WeakMap<AgentContext, AssuranceService>();
/** The identity-assurance service of an agent (IDM-002, IDM-004), built once per context. */
function assuranceService(context: AgentContext): AssuranceService {
  let found = assurance.get(context);
  if (!found) {
    let member: Promise<Address> | undefined;
    found = new AssuranceService({
      outbox: context.outbox,
      chain: context.chain,
      readModel: new AssuranceReadModel(context.store),
      memberAccount: context.config.memberAccount,
      member: () => {
        // The member the agent's account acts for; an account not (yet) bound is asked again next time.
        member ??= (
          context.chain.readContract({
            address: context.contractAddress("ConsortiumRegistry"),
            abi: ConsortiumRegistry.abi,
            functionName: "memberOf",
            args: [context.config.memberAccount],
          }) as Promise<Address>
        ).then((m) => {
          if (/^0x0{40}$/.test(m)) member = undefined;
          return m;
        });
        return member;
      },
      address: context.contractAddress(IDENTITY_ASSURANCE),
      sync: () => context.indexer.syncOnce(),
    });
    assurance.set(context, found);
  }
  return found;
}

const recoveries = new WeakMap<AgentContext, RecoveryService>();
function recoveryService(context: AgentContext): RecoveryService {
  let found = recoveries.get(context);
  if (!found) {
    found = new RecoveryService({
      chain: context.chain,
      outbox: context.outbox,
      memberAccount: context.config.memberAccount,
      recovery: context.contractAddress(SOCIAL_RECOVERY),
      didRegistry: context.contractAddress("EthereumDIDRegistry"),
    });
    recoveries.set(context, found);
  }
  return found;
}

const guardians = new WeakMap<AgentContext, OperatorGuardian>();
/** The operator guardian's enrolment of numbers (recovery/operatorGuardian.ts), built once per context. */
function operatorGuardian(context: AgentContext): OperatorGuardian {
  let found = guardians.get(context);
  if (!found) {
    const recovery = recoveryService(context);
    found = new OperatorGuardian({
      repository: new OperatorGuardianRepository(context.store),
      isOperatorOf: (identity) => recovery.isOperatorOf(identity),
    });
    guardians.set(context, found);
  }
  return found;
}

/** The SIM-swap feed the roaming domain attached when it published (none in a build without roaming). */
const simSwapFeeds = new WeakMap<AgentContext, SimSwapFeed>();

export const identityPlugin: DomainPlugin = {
  name: "identity",
  description: "Organisation DIDs (did:ethr), verifiable credentials with on-chain status, and DID-Auth",
  doc: "docs/identity.md",
  errors: {
    ...IDENTITY_ERRORS,
    ...HUB_ERRORS,
    ...HUB_PERMISSION_ERRORS,
    ...LINK_ERRORS,
    ...ACCESS_ERRORS,
    ...ASSURANCE_ERRORS,
  },
  migrations: [
    ...HUB_MIGRATIONS,
    ...LINK_MIGRATIONS,
    ...assuranceMigrations,
    ...ACCESS_MIGRATIONS,
    ...recoveryMigrations,
    ...FLOW_MIGRATIONS,
  ],
  projections: [assuranceProjection],
  contracts: { [SOCIAL_RECOVERY]: SocialRecovery, [IDENTITY_ASSURANCE]: IdentityAssurance },
  deployment: [
    {
      name: SOCIAL_RECOVERY,
      artifact: SocialRecovery,
      args: (deployed) => {
        const didRegistry = deployed.EthereumDIDRegistry;
        if (!didRegistry) throw new Error("EthereumDIDRegistry must be deployed before SocialRecovery");
        return [didRegistry.address, SIM_SWAP_COOL_DOWN_SECONDS, MIN_RECOVERY_DELAY_SECONDS];
      },
    },
    {
      name: IDENTITY_ASSURANCE,
      artifact: IdentityAssurance,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before IdentityAssurance");
        return [consortium.address];
      },
    },
  ],
  // The operator guardian's port: the roaming domain, after identity, attaches its SIM-swap journal here.
  publish: (context) => ({
    operatorGuardian: {
      attachSimSwapFeed(feed) {
        if (simSwapFeeds.has(context)) throw new Error("a SIM-swap feed is attached to this agent already");
        simSwapFeeds.set(context, feed);
      },
    },
  }),
  api(context) {
    const messaging = new AttestationMessaging({
      store: context.store,
      keystore: context.keystore,
      resolver: context.resolver,
    });
    // Flows 2.2 and 2.3, revocation and amendment: they act on the messages the inbox takes.
    const flows = new AttestationFlows({
      store: context.store,
      messaging,
      credentials: context.credentials,
      status: context.credentialStatus,
      resolver: context.resolver,
      dids: context.dids,
      nonces: new SqlReplayGuard(context.store),
    });
    // The flows act on what the inbox takes (onReceived): they share the one messaging instance the routes use.
    const access = new AccessFlow({
      store: context.store,
      keystore: context.keystore,
      messaging,
      resolver: context.resolver,
    });
    const discounts = new DiscountFlow({
      access,
      messaging,
      credentials: context.credentials,
      status: context.credentialStatus,
      dids: context.dids,
      resolver: context.resolver,
      nonces: new SqlReplayGuard(context.store),
    });
    return identityApiModule({
      dids: context.dids,
      resolver: context.resolver,
      credentials: context.credentials,
      status: context.credentialStatus,
      chainId: context.config.chain.chainId,
      didAuth: context.didAuth,
      membership: context.published.membership,
      publicUrl: context.config.publicUrl,
      recovery: recoveryService(context),
      operatorGuardian: operatorGuardian(context),
      simSwaps: new OperatorGuardianRepository(context.store),
      store: context.store,
      messaging,
      flows,
      links: new LinkService({
        store: context.store,
        didAuth: context.didAuth,
        messaging,
        keystore: context.keystore,
        resolver: withDidKey(context.resolver),
        publicUrl: context.config.publicUrl,
      }),
      access,
      discounts,
      assurance: assuranceService(context),
      members: context.published.membership,
    });
  },
  checkConsistency(context, blockNumber) {
    return identityDifferences(
      context.dids,
      context.chain,
      context.contractAddress("EthereumDIDRegistry"),
      blockNumber,
    );
  },
  // Each SIM swap of an enrolled number recorded on chain by itself (recovery/simSwapRecorder.ts), when the build
  // has a SIM-swap journal (roaming) to read.
  async start(context) {
    const feed = simSwapFeeds.get(context);
    if (!feed) return undefined;
    const logger = context.logger.child({ domain: "identity", part: "operator-guardian" });
    const guardian = operatorGuardian(context);
    const recorder = new SimSwapRecorder({
      feed,
      repository: new OperatorGuardianRepository(context.store),
      enrolmentOf: (number) => guardian.enrolmentOf(number),
      recovery: recoveryService(context),
      outboxSettled: (timeoutMs) => context.outbox.drain(timeoutMs),
      onError: (error, swap) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error), swapId: swap?.swapId },
          "recording a SIM swap for recovery failed; retried later",
        ),
    });
    recorder.follow();
    return { stop: () => recorder.stop() };
  },
  registerCommands: registerIdentityCommands,
};

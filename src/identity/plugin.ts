// The identity domain as a plugin: the API and CLI over the platform's identity core (src/core/identity: keystore,
// did:ethr DIDs on the ERC-1056 registry, verifiable credentials with on-chain status, DID-Auth). The core services
// live in the platform because every domain signs and verifies with them; this domain exposes them to members.
import type { DomainPlugin } from "../agent/domain.ts";
import { IDENTITY_ERRORS } from "../core/identity/errors.ts";
import { SocialRecovery } from "../generated/contracts.ts";
import { registerIdentityCommands } from "./cli.ts";
import { identityDifferences } from "./consistency.ts";
import { HUB_ERRORS, HUB_MIGRATIONS } from "./hub/index.ts";
import { AttestationMessaging } from "./messaging.ts";
import {
  MIN_RECOVERY_DELAY_SECONDS,
  RecoveryService,
  SIM_SWAP_COOL_DOWN_SECONDS,
  SOCIAL_RECOVERY,
} from "./recovery/service.ts";
import { identityApiModule } from "./routes.ts";

export const identityPlugin: DomainPlugin = {
  name: "identity",
  description: "Organisation DIDs (did:ethr), verifiable credentials with on-chain status, and DID-Auth",
  doc: "docs/identity.md",
  errors: { ...IDENTITY_ERRORS, ...HUB_ERRORS },
  migrations: HUB_MIGRATIONS,
  contracts: { [SOCIAL_RECOVERY]: SocialRecovery },
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
  ],
  api(context) {
    return identityApiModule({
      dids: context.dids,
      resolver: context.resolver,
      credentials: context.credentials,
      status: context.credentialStatus,
      chainId: context.config.chain.chainId,
      didAuth: context.didAuth,
      membership: context.published.membership,
      publicUrl: context.config.publicUrl,
      recovery: new RecoveryService({
        chain: context.chain,
        outbox: context.outbox,
        memberAccount: context.config.memberAccount,
        recovery: context.contractAddress(SOCIAL_RECOVERY),
        didRegistry: context.contractAddress("EthereumDIDRegistry"),
      }),
      store: context.store,
      messaging: new AttestationMessaging({
        store: context.store,
        keystore: context.keystore,
        resolver: context.resolver,
      }),
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
  registerCommands: registerIdentityCommands,
};

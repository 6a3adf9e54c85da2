// The identity domain as a plugin: the API and CLI over the platform's identity core (src/core/identity: keystore,
// did:ethr DIDs on the ERC-1056 registry, verifiable credentials with on-chain status, DID-Auth). The core services
// live in the platform because every domain signs and verifies with them; this domain exposes them to members.
import type { DomainPlugin } from "../agent/domain.ts";
import { IDENTITY_ERRORS } from "../core/identity/errors.ts";
import { registerIdentityCommands } from "./cli.ts";
import { identityDifferences } from "./consistency.ts";
import { AttestationMessaging } from "./messaging.ts";
import { identityApiModule } from "./routes.ts";

export const identityPlugin: DomainPlugin = {
  name: "identity",
  description: "Organisation DIDs (did:ethr), verifiable credentials with on-chain status, and DID-Auth",
  doc: "docs/identity.md",
  errors: IDENTITY_ERRORS,
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

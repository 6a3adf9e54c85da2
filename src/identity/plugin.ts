// The identity domain as a plugin: the API and CLI over the platform's identity core (src/core/identity: keystore,
// did:ethr DIDs on the ERC-1056 registry, verifiable credentials with on-chain status, DID-Auth). The core services
// live in the platform because every domain signs and verifies with them; this domain exposes them to members.
import type { DomainPlugin } from "../agent/domain.ts";
import { DidAuth } from "../core/identity/didAuth.ts";
import { SqlChallengeStore } from "../core/identity/didAuthChallenges.ts";
import { IDENTITY_ERRORS } from "../core/identity/errors.ts";
import { registerIdentityCommands } from "./cli.ts";
import { identityDifferences } from "./consistency.ts";
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
      // DID-Auth over the agent's store, so open challenges survive a restart. (The platform's context.didAuth keeps
      // them in memory; when the agent passes it a SqlChallengeStore this one can go.)
      didAuth: new DidAuth({
        resolver: context.resolver,
        audience: context.didAuth.audience,
        challenges: new SqlChallengeStore(context.store),
      }),
      membership: context.published.membership,
      publicUrl: context.config.publicUrl,
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

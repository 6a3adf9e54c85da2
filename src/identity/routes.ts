// REST API of identity under /v1/identity/: the organisation DIDs this agent hosts (keys stay in its keystore), DID
// resolution, verifiable credentials with on-chain status, and DID-Auth. One file per part; errors are the identity
// core's table (src/core/identity/errors.ts), raised there.
import type { ApiModule } from "../core/api/index.ts";
import { withDidKey } from "../core/identity/didKey.ts";
import type { Store } from "../core/store/index.ts";
import type { MembershipDirectory } from "../membership/published.ts";
import { ASSURANCE_TAG, registerAssuranceRoutes } from "./assurance/routes.ts";
import type { AssuranceService } from "./assurance/service.ts";
import type { AccessFlow } from "./flows/access.ts";
import type { DiscountFlow } from "./flows/accessDiscount.ts";
import { type FlowRoutesDeps, registerFlowRoutes } from "./flows/routes.ts";
import { registerAccessRoutes } from "./flows/routesAccess.ts";
import { registerDiscountRoutes } from "./flows/routesAccessDiscount.ts";
import { registerIdentityHubs } from "./hub/index.ts";
import { LINKS_TAG, type LinkService, registerLinkRoutes } from "./links/index.ts";
import { type RecoveryRoutesDeps, registerRecoveryRoutes } from "./recovery/routes.ts";
import { type OperatorGuardianRoutesDeps, registerOperatorGuardianRoutes } from "./recovery/routesOperator.ts";
import { type CredentialRoutesDeps, registerCredentialRoutes } from "./routesCredentials.ts";
import { type DidAuthRoutesDeps, registerDidAuthRoutes } from "./routesDidAuth.ts";
import { type DidRoutesDeps, registerDidRoutes } from "./routesDids.ts";
import { type MessageRoutesDeps, registerMessageRoutes } from "./routesMessages.ts";

export type IdentityApiDeps = DidRoutesDeps &
  CredentialRoutesDeps &
  DidAuthRoutesDeps &
  RecoveryRoutesDeps &
  OperatorGuardianRoutesDeps &
  MessageRoutesDeps &
  FlowRoutesDeps & {
    store: Store;
    /** The enterprise agent's access permissions (flows/access.ts); its routes are mounted when given. */
    access?: AccessFlow;
    /** Flow 2.4's discounts (flows/accessDiscount.ts); mounted when given. */
    discounts?: DiscountFlow;
    assurance: AssuranceService;
    members: Pick<MembershipDirectory, "getMember">;
    links: LinkService;
  };

export function identityApiModule(deps: IdentityApiDeps): ApiModule {
  return {
    name: "identity",
    tags: [
      { name: "dids", description: "Organisation DIDs (did:ethr) hosted by this agent, and DID resolution" },
      { name: "credentials", description: "W3C verifiable credentials (JWT) with on-chain status" },
      { name: "did-auth", description: "Proving control of a DID" },
      { name: "recovery", description: "Social recovery of a did:ethr identity by guardians (SocialRecovery)" },
      {
        name: "identity-hubs",
        description: "A person's identity hub: sealed items synced across their devices, and relayed messages",
      },
      { name: "messages", description: "Attestation messages with other agents and user agents (EEA use case 6)" },
      LINKS_TAG,
      ASSURANCE_TAG,
    ],
    register(app) {
      registerDidRoutes(app, deps);
      registerCredentialRoutes(app, deps);
      registerDidAuthRoutes(app, deps);
      registerOperatorGuardianRoutes(app, deps);
      registerRecoveryRoutes(app, deps);
      registerIdentityHubs(app, deps.store, withDidKey(deps.resolver));
      registerMessageRoutes(app, deps);
      registerFlowRoutes(app, deps);
      registerLinkRoutes(app, deps.links);
      if (deps.access) registerAccessRoutes(app, deps.access);
      if (deps.discounts) registerDiscountRoutes(app, deps.discounts);
      registerAssuranceRoutes(app, deps.assurance, deps.members);
    },
  };
}

// What the membership domain publishes to the other domains: who is a member with which roles, and binding an account
// (a DID controller) to act for this agent's member. Nothing else of membership is visible outside src/membership/.
import type { Address, Hex } from "viem";
import type { MemberView } from "./service.ts";

export { ROLE_NAMES, roleName } from "./roles.ts";

export interface MembershipDirectory {
  /** A member as the read model knows it, or undefined. */
  getMember(address: Address): Promise<MemberView | undefined>;
  /** Every member the read model knows, active or not (e.g. to build an index of who holds which role). */
  listMembers(): Promise<MemberView[]>;
  /** The roles of this agent's own member (empty when it is not, or no longer, a member). */
  ownRoles(): Promise<string[]>;
  /** Binds an account to act for this agent's member (a governance-free write of the member itself). */
  bindAccount(account: Address): Promise<{ txHash: Hex }>;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    membership: MembershipDirectory;
  }
}

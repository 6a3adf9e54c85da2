// What the membership domain publishes to the other domains: who is a member with which roles, binding an account
// (a DID controller) to act for this agent's member, and the consortium's role names (the TypeScript twin of
// contracts/membership/Roles.sol). Nothing else of membership is visible outside src/membership/.
import type { Address, Hex } from "viem";
import type { MemberView } from "./readModel.ts";
import type { RoleName } from "./roles.ts";

export { parseRole, ROLE_NAMES, type RoleName, roleId, roleName } from "./roles.ts";
export type { MemberView };

export interface MembershipDirectory {
  /** A member as the read model knows it, or undefined. */
  getMember(address: Address): Promise<MemberView | undefined>;
  /** Every member ever admitted (active or not) with its roles, in admission order: for an in-memory index. */
  allMembers(): Promise<MemberView[]>;
  /** The roles of this agent's own member (empty when it is not, or no longer, a member). */
  ownRoles(): Promise<string[]>;
  /**
   * Binds an account to act for this agent's member within `roles` (a governance-free write of the member itself).
   * No roles: the account identifies the member (e.g. a DID controller) and exercises none of its rights.
   */
  bindAccount(account: Address, roles: readonly RoleName[]): Promise<{ txHash: Hex }>;
  /** Releases an account bound to this agent's member. */
  unbindAccount(account: Address): Promise<{ txHash: Hex }>;
  /** Moves a binding to a rotated key (same scope) and releases the old key, so it keeps no authority. */
  rebindAccount(previous: Address, next: Address): Promise<{ txHash: Hex }>;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    membership: MembershipDirectory;
  }
}

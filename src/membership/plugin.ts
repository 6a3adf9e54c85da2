// The membership domain as a plugin: the ConsortiumRegistry's read model (members, roles, bound accounts, history,
// proposals), governance through the member's account, the API and the CLI. It publishes the member directory the
// other domains check roles against. Its contracts are the platform's own (deployed by the deployment plan).
import type { DomainPlugin } from "../agent/domain.ts";
import { registerMembershipCommands } from "./cli.ts";
import { membershipDifferences } from "./consistency.ts";
import { MEMBERSHIP_ERRORS } from "./errors.ts";
import { membershipMigrations } from "./migrations.ts";
import { membershipProjection } from "./projection.ts";
import type { MembershipDirectory } from "./published.ts";
import { MembershipReadModel } from "./readModel.ts";
import { membershipApiModule } from "./routes.ts";
import { MembershipService } from "./service.ts";

const services = new WeakMap<object, { service: MembershipService; readModel: MembershipReadModel }>();

export const membershipPlugin: DomainPlugin = {
  name: "membership",
  description: "Consortium members, their roles and bound accounts, changed only by majority-of-governors proposals",
  doc: "docs/membership.md",
  errors: MEMBERSHIP_ERRORS,
  migrations: membershipMigrations,
  projections: [membershipProjection],
  publish(context) {
    const readModel = new MembershipReadModel(context.store);
    const service = new MembershipService({
      readModel,
      chain: context.chain,
      sender: context.outbox,
      accounts: context.keystore,
      registry: context.contractAddress("ConsortiumRegistry"),
      memberAccount: context.config.memberAccount,
      syncReadModel: () => context.indexer.syncOnce(),
    });
    services.set(context, { service, readModel });
    const directory: MembershipDirectory = {
      getMember: (address) => readModel.findMember(address),
      allMembers: () => readModel.allMembers(),
      ownRoles: async () => (await readModel.findMember(context.config.memberAccount))?.roles ?? [],
      bindAccount: (account, roles) => service.bindAccount(account, roles),
      unbindAccount: (account) => service.unbindAccount(account),
      rebindAccount: (previous, next) => service.rebindAccount(previous, next),
    };
    return { membership: directory };
  },
  api(context) {
    const built = services.get(context);
    if (!built) throw new Error("the membership plugin's api() ran before publish()");
    return membershipApiModule(built.service, built.readModel);
  },
  async checkConsistency(context, blockNumber) {
    const built = services.get(context);
    if (!built) throw new Error("the membership plugin's checkConsistency() ran before publish()");
    return membershipDifferences(
      built.readModel,
      context.chain,
      context.contractAddress("ConsortiumRegistry"),
      blockNumber,
    );
  },
  registerCommands: registerMembershipCommands,
};

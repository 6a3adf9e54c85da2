// One agent's payment channel service, built once per agent context and shared by the routes and the watchtower (so
// that one lock per channel orders their co-signing and challenges).
import type { Address } from "viem";
import type { AgentContext } from "../../agent/domain.ts";
import { ChannelReadModel } from "./readModel.ts";
import { ChannelRepository } from "./repository.ts";
import { ChannelService } from "./service.ts";

const services = new WeakMap<AgentContext, ChannelService>();

export function channelService(
  context: AgentContext,
  deployment: { address: Address; token: Address; consortium: Address },
): ChannelService {
  let service = services.get(context);
  if (!service) {
    service = new ChannelService({
      outbox: context.outbox,
      memberAccount: context.config.memberAccount,
      chainId: context.chain.chain.id,
      ...deployment,
      readContract: (args) => context.chain.readContract(args as never),
      membership: context.published.membership,
      readModel: new ChannelReadModel(context.store),
      repository: new ChannelRepository(context.store),
      sync: () => context.indexer.syncOnce(),
      digestSigner: () => context.keystore.digestSigner(context.config.memberAccount),
    });
    services.set(context, service);
  }
  return service;
}

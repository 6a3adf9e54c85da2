// One agent's payment channel service, built once per agent context and shared by the routes and the watchtower (so
// that one lock per channel orders their co-signing and challenges).
import type { Address, Hex } from "viem";
import type { AgentContext } from "../../agent/domain.ts";
import { RoamingSettlementReadModel } from "../roaming/readModel.ts";
import { ChannelReadModel } from "./readModel.ts";
import { ChannelRepository } from "./repository.ts";
import { ChannelService, type UsageBatch } from "./service.ts";

const services = new WeakMap<AgentContext, ChannelService>();

export function channelService(
  context: AgentContext,
  deployment: { address: Address; token: Address; consortium: Address; settlement: Address },
): ChannelService {
  let service = services.get(context);
  if (!service) {
    const batches = new RoamingSettlementReadModel(context.store);
    // the batch a proposed state names, as this agent's read model has it (synced once when not yet received there:
    // the payer proposes right after its confirm is mined)
    const usageBatch = async (batchId: Hex): Promise<UsageBatch | undefined> => {
      let batch = await batches.batch(batchId.toLowerCase());
      if (batch?.status !== "received") {
        await context.indexer.syncOnce();
        batch = await batches.batch(batchId.toLowerCase());
      }
      const agreement = batch ? await batches.agreement(batch.agreement_id) : undefined;
      if (!batch || !agreement) return undefined;
      return {
        visited: agreement.visited as Address,
        home: agreement.home as Address,
        total: BigInt(batch.total),
        status: batch.status,
      };
    };
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
      usageBatch,
    });
    services.set(context, service);
  }
  return service;
}

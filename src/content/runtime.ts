// One agent's content service, built once per agent context and shared by its routes and its index listener: the
// licence index is loaded from the read model, follows each licence event after the indexer commits, and is rebuilt
// after a rewind.
import type { AgentContext } from "../agent/domain.ts";
import { LicenceIndex } from "./licenceIndex.ts";
import {
  CONTENT_CREDITS,
  CONTENT_LICENCES,
  CONTENT_REGISTRY,
  CONTENT_ROYALTIES,
  CONTENT_TICKETS,
  SETTLEMENT_TOKEN,
} from "./projection.ts";
import { ContentReadModel } from "./readModel.ts";
import { reconciliationReport } from "./reconciliation.ts";
import { DeliveryRepository } from "./repository.ts";
import { RewardRecordRepository } from "./repositoryRewards.ts";
import { ContentRewards } from "./rewards.ts";
import { ContentService } from "./service.ts";

const services = new WeakMap<AgentContext, Promise<ContentService>>();

export function contentService(context: AgentContext): Promise<ContentService> {
  let service = services.get(context);
  if (!service) {
    service = build(context);
    services.set(context, service);
  }
  return service;
}

async function build(context: AgentContext): Promise<ContentService> {
  const readModel = new ContentReadModel(context.store);
  const deliveries = new DeliveryRepository(context.store);
  const index = new LicenceIndex(context.config.memberAccount);
  const reload = async () => index.load(await readModel.allLicences(), await deliveries.pendingCounts());
  await reload();
  context.indexer.onEvent((event) => {
    if (event.source !== CONTENT_LICENCES) return;
    const ids = [event.args.licenceId, event.args.parentId].filter((id): id is string => typeof id === "string");
    void Promise.all(ids.map((id) => readModel.licence(id.toLowerCase()))).then(
      (rows) => {
        for (const row of rows) if (row) index.put(row);
      },
      (error: unknown) => context.logger.warn({ err: error }, "content: licence index update failed"),
    );
  });
  context.indexer.onRewind(reload);
  const records = new RewardRecordRepository(context.store);
  const sync = () => context.indexer.syncOnce();
  const money = {
    royalties: context.contractAddress(CONTENT_ROYALTIES),
    settlementToken: context.contractAddress(SETTLEMENT_TOKEN),
  };
  const rewards = new ContentRewards({
    outbox: context.outbox,
    chain: context.chain,
    memberAccount: context.config.memberAccount,
    addresses: { ...money, credits: context.contractAddress(CONTENT_CREDITS) },
    sync,
    readModel,
    deliveries,
    records,
  });
  const reconcile = async (period: number) => {
    await sync();
    return reconciliationReport(
      {
        readModel,
        deliveries,
        records,
        chain: context.chain,
        memberAccount: context.config.memberAccount,
        addresses: money,
      },
      period,
    );
  };
  return new ContentService({
    outbox: context.outbox,
    chain: context.chain,
    memberAccount: context.config.memberAccount,
    addresses: {
      registry: context.contractAddress(CONTENT_REGISTRY),
      licences: context.contractAddress(CONTENT_LICENCES),
      royalties: context.contractAddress(CONTENT_ROYALTIES),
      settlementToken: context.contractAddress(SETTLEMENT_TOKEN),
      tickets: context.contractAddress(CONTENT_TICKETS),
    },
    sync,
    readModel,
    deliveries,
    index,
    rewards,
    reconcile,
  });
}

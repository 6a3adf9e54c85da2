// One agent's roaming settlement services over one read model and repository: agreements, the batches under them and
// their delivery between the operators' agents, invoices and disputes, netting.
import type { Address } from "viem";
import type { AgentContext } from "../../agent/domain.ts";
import { SqlReplayGuard } from "../../core/identity/messages/index.ts";
import { RoamingAgreements } from "./agreements.ts";
import { type BatchOptions, RoamingBatches } from "./batches.ts";
import { BatchDelivery } from "./delivery.ts";
import { RoamingInvoices } from "./invoices.ts";
import { RoamingNetting } from "./netting.ts";
import { RoamingSettlementReadModel } from "./readModel.ts";
import { RoamingReports } from "./reports.ts";
import { RoamingSettlementRepository } from "./repository.ts";
import { RoamingReturns } from "./returns.ts";

export interface RoamingDeployment {
  /** RoamingSettlement's and the settlement token's addresses, and the token's currency. */
  address: Address;
  token: Address;
  currency: { code: string; decimals: number };
}

export function roamingServices(
  context: AgentContext,
  deployment: RoamingDeployment,
  hooks: Pick<BatchOptions, "onConfirmed"> = {},
) {
  const readModel = new RoamingSettlementReadModel(context.store);
  const repository = new RoamingSettlementRepository(context.store);
  const sync = () => context.indexer.syncOnce();
  const common = { outbox: context.outbox, memberAccount: context.config.memberAccount, readModel, repository, sync };
  const agreements = new RoamingAgreements({
    ...common,
    ...deployment,
    membership: context.published.membership,
  });
  const batches = new RoamingBatches({ ...common, address: deployment.address, agreements, ...hooks });
  const delivery = new BatchDelivery({
    batches,
    memberAccount: context.config.memberAccount,
    roaming: context.published.roaming,
    dids: context.dids,
    keystore: context.keystore,
    resolver: context.resolver,
    replay: new SqlReplayGuard(context.store),
  });
  const invoices = new RoamingInvoices({ ...common, address: deployment.address, agreements });
  const netting = new RoamingNetting({
    outbox: context.outbox,
    memberAccount: context.config.memberAccount,
    address: deployment.address,
    token: deployment.token,
    readModel,
    sync,
  });
  const reports = new RoamingReports({ agreements, readModel, repository, sync });
  const returns = new RoamingReturns({
    agreements,
    readModel,
    repository,
    sync,
    memberAccount: context.config.memberAccount,
  });
  return { agreements, batches, delivery, invoices, netting, reports, returns };
}

// The period's reconciliation report of one member: for each licence it distributed under, the deliveries its agent
// recorded against those anchored on chain, the royalties they owe against those paid, and the promoter fees paid;
// for each split it is a recipient of, what it is entitled to against what it claimed; the credits it issued against
// the reward records behind them; and the royalties contract's custody (its settlement-token balance must equal
// everything paid into splits minus everything claimed). Every mismatch is listed; `balanced` means none.
import type { Address } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import { SettlementToken } from "../generated/contracts.ts";
import type { ContentReadModel } from "./readModel.ts";
import type { DeliveryRepository } from "./repository.ts";
import type { RewardRecordRepository } from "./repositoryRewards.ts";

export interface ReconciliationSources {
  readModel: ContentReadModel;
  deliveries: DeliveryRepository;
  records: RewardRecordRepository;
  chain: ChainClient;
  memberAccount: Address;
  addresses: { royalties: Address; settlementToken: Address };
}

export type ReconciliationReport = Awaited<ReturnType<typeof reconciliationReport>>;

export async function reconciliationReport(sources: ReconciliationSources, period: number) {
  const { readModel, deliveries, records, chain } = sources;
  const me = sources.memberAccount.toLowerCase();
  const mismatches: string[] = [];

  const recorded = new Map((await deliveries.periodCounts(period)).map((r) => [r.licence_id, r]));
  const delivered = await readModel.licencesDeliveredIn(me, period);
  const ids = [...new Set([...recorded.keys(), ...delivered.map((l) => l.licence_id)])].sort();
  const licences = [];
  for (const licenceId of ids) {
    const licence = await readModel.licence(licenceId);
    const own = recorded.get(licenceId);
    const anchored = await readModel.anchoredDeliveries(licenceId, period);
    const owed = BigInt(anchored) * BigInt(licence?.rate_per_delivery ?? 0);
    const paid = await readModel.paid(licenceId, period);
    const fees = await readModel.promoterFees(licenceId, period);
    const row = {
      licenceId,
      tokenId: licence?.token_id ?? null,
      recorded: Number(own?.recorded ?? 0),
      recordedAnchored: Number(own?.anchored ?? 0),
      anchoredOnChain: anchored,
      royaltiesOwed: owed.toString(),
      royaltiesPaid: paid.toString(),
      promoterDeliveries: fees.reduce((sum, f) => sum + Number(f.deliveries), 0),
      promoterFees: fees.reduce((sum, f) => sum + BigInt(f.amount), 0n).toString(),
    };
    if (row.recorded > row.recordedAnchored) {
      mismatches.push(`licence ${licenceId}: ${row.recorded - row.recordedAnchored} recorded deliveries not anchored`);
    }
    if (row.recordedAnchored !== anchored) {
      mismatches.push(`licence ${licenceId}: ${row.recordedAnchored} anchored by this agent, ${anchored} on chain`);
    }
    if (paid !== owed) mismatches.push(`licence ${licenceId}: royalties owed ${owed}, paid ${paid}`);
    licences.push(row);
  }

  const splits = (await readModel.recipientSplits(me)).map((s) => {
    const entitled = (BigInt(s.received) * BigInt(s.bps)) / 10_000n;
    return {
      splitId: s.split_id,
      tokenId: s.token_id,
      bps: Number(s.bps),
      received: s.received,
      entitled: entitled.toString(),
      claimed: s.claimed,
      claimable: (entitled - BigInt(s.claimed)).toString(),
    };
  });

  const batches = await readModel.rewardBatches(me, period);
  const recordedCredits = await records.totalsByKind(period);
  const credits = recordedCredits.map((r) => {
    const issued = batches.filter((b) => b.kind === r.kind).reduce((sum, b) => sum + BigInt(b.total), 0n);
    if (issued !== BigInt(r.credits ?? 0)) {
      mismatches.push(`credits ${r.kind}: ${r.credits} recorded, ${issued} issued on chain`);
    }
    return { kind: r.kind, records: Number(r.records), recorded: String(r.credits ?? 0), issued: issued.toString() };
  });

  const totals = await readModel.splitTotals();
  const held = await chain.readContract({
    address: sources.addresses.settlementToken,
    abi: SettlementToken.abi,
    functionName: "balanceOf",
    args: [sources.addresses.royalties],
  });
  const custody = {
    paidIntoSplits: totals.received.toString(),
    claimed: totals.claimed.toString(),
    held: held.toString(),
  };
  if (held !== totals.received - totals.claimed) {
    mismatches.push(
      `custody: splits received ${totals.received} minus claimed ${totals.claimed}, contract holds ${held}`,
    );
  }
  return { period, member: me, licences, splits, credits, custody, mismatches, balanced: mismatches.length === 0 };
}

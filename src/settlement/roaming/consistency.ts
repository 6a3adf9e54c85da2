// The roaming settlement read model against RoamingSettlement's own views, at the block the read model is indexed to:
// every agreement (parties, terms hash, status, successor), batch (root, count, total, period, status), invoice
// (amount, status, and once final its credits and escalations), dispute (amount, status, credit) and net position
// (net, settled). Records the read model lacks entirely are not discoverable from these views (they are keyed by
// hashes); the indexer's journal guards against a lost event.
import type { Address } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { RoamingSettlement } from "../../generated/contracts.ts";
import type { RoamingSettlementReadModel } from "./readModel.ts";

const AGREEMENT = ["none", "proposed", "active", "superseded"];
const BATCH = ["none", "anchored", "received", "invoiced", "channel-paid"];
const INVOICE = ["none", "issued", "accepted", "final", "netted"];
const DISPUTE = ["none", "open", "credited", "upheld", "escalated"];
const ZERO_ID = `0x${"00".repeat(32)}`;

export async function roamingSettlementDifferences(
  readModel: RoamingSettlementReadModel,
  chain: ChainClient,
  address: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    chain.readContract({ address, abi: RoamingSettlement.abi, functionName, args, blockNumber } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain)) {
      differences.push({ table, key, readModel: local, chain: onChain });
    }
  };

  for (const a of await readModel.allAgreements()) {
    const c = await read<{
      visited: Address;
      home: Address;
      termsHash: string;
      supersededBy: string;
      status: number;
    }>("agreement", [a.agreement_id]);
    compare(
      "settlement_agreements",
      a.agreement_id,
      { visited: a.visited, home: a.home, termsHash: a.terms_hash, status: a.status, supersededBy: a.superseded_by },
      {
        visited: c.visited.toLowerCase(),
        home: c.home.toLowerCase(),
        termsHash: c.termsHash.toLowerCase(),
        status: AGREEMENT[c.status],
        supersededBy: c.supersededBy === ZERO_ID ? null : c.supersededBy.toLowerCase(),
      },
    );
  }
  for (const b of await readModel.allBatches()) {
    const c = await read<{ merkleRoot: string; count: number; total: bigint; period: bigint; status: number }>(
      "batch",
      [b.batch_id],
    );
    compare(
      "settlement_batches",
      b.batch_id,
      {
        root: b.merkle_root,
        count: Number(b.record_count),
        total: b.total,
        period: Number(b.period),
        status: b.status,
      },
      {
        root: c.merkleRoot.toLowerCase(),
        count: Number(c.count),
        total: c.total.toString(),
        period: Number(c.period),
        status: BATCH[c.status],
      },
    );
  }
  for (const i of await readModel.allInvoices()) {
    const c = await read<{
      amount: bigint;
      credited: bigint;
      escalated: bigint;
      status: number;
      nettingRound: string;
    }>("invoice", [i.invoice_id]);
    const final = i.status === "final" || i.status === "netted";
    compare(
      "settlement_invoices",
      i.invoice_id,
      {
        amount: i.amount,
        status: i.status,
        credited: i.credited,
        escalated: i.escalated,
        nettingRound: i.netting_round ?? null,
      },
      {
        amount: c.amount.toString(),
        status: INVOICE[c.status],
        credited: final ? c.credited.toString() : null,
        escalated: final ? c.escalated.toString() : null,
        nettingRound: c.nettingRound === ZERO_ID ? null : c.nettingRound.toLowerCase(),
      },
    );
  }
  for (const d of await readModel.allDisputes()) {
    const c = await read<{ amount: bigint; credit: bigint; status: number }>("dispute", [d.dispute_id]);
    compare(
      "settlement_disputes",
      d.dispute_id,
      { amount: d.amount, status: d.status, credit: d.credit },
      { amount: c.amount.toString(), status: DISPUTE[c.status], credit: c.credit.toString() },
    );
  }
  for (const p of await readModel.allPositions()) {
    const [net, settled] = await read<readonly [bigint, boolean]>("netPosition", [p.round_id, p.member]);
    compare(
      "settlement_positions",
      `${p.round_id}:${p.member}`,
      { net: p.net, settled: p.settled !== null },
      { net: net.toString(), settled },
    );
  }
  return differences;
}

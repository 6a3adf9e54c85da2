// Promoter fees, credits and royalty claims across works: the operator pays each promoter for the anchored
// deliveries attributed to it, issues consumer credits in reward batches (views, attention, survey answers,
// promotions, bonuses) whose records it keeps off chain under a Merkle root, and a recipient claims every split that
// owes it something in one transaction. Writes go through the outbox and wait for the indexer, like service.ts.
import { randomBytes, randomUUID } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
  toHex,
} from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import { ContentCredits, ContentRoyalties, SettlementToken } from "../generated/contracts.ts";
import { ContentError } from "./errors.ts";
import { REWARD_KINDS, type RewardKind } from "./projection.ts";
import type { ContentReadModel } from "./readModel.ts";
import type { DeliveryRepository } from "./repository.ts";
import type { RewardRecord, RewardRecordRepository } from "./repositoryRewards.ts";

/**
 * Credits per unit of each kind: a view, a minute of attention, a survey answer, a delivery attributed to a
 * consumer who promoted the work, a bonus credit. The operator's earning rules; more ways to earn add a kind.
 */
export const CREDITS_PER_UNIT: Record<RewardKind, number> = {
  view: 1,
  attention: 1,
  survey: 10,
  promotion: 2,
  bonus: 1,
};
/** Splits one claim-all takes at most (ContentRoyalties.MAX_CLAIMS_AT_ONCE). */
export const MAX_CLAIMS_AT_ONCE = 200;

export interface RewardInput {
  /** The operator's own user identifier: salted before it is kept, never sent. */
  user: string;
  /** The user's wallet, where the credits go. */
  account: Address;
  kind: RewardKind;
  units: number;
}

export class ContentRewards {
  readonly #outbox: Outbox;
  readonly #chain: ChainClient;
  readonly #me: Address;
  readonly #at: { royalties: Address; credits: Address; settlementToken: Address };
  readonly #sync: () => Promise<unknown>;
  readonly #readModel: ContentReadModel;
  readonly #deliveries: DeliveryRepository;
  readonly #records: RewardRecordRepository;

  constructor(options: {
    outbox: Outbox;
    chain: ChainClient;
    memberAccount: Address;
    addresses: { royalties: Address; credits: Address; settlementToken: Address };
    sync(): Promise<unknown>;
    readModel: ContentReadModel;
    deliveries: DeliveryRepository;
    records: RewardRecordRepository;
  }) {
    this.#outbox = options.outbox;
    this.#chain = options.chain;
    this.#me = options.memberAccount;
    this.#at = options.addresses;
    this.#sync = options.sync;
    this.#readModel = options.readModel;
    this.#deliveries = options.deliveries;
    this.#records = options.records;
  }

  /**
   * Pays each promoter the fee for the anchored deliveries of the period attributed to it and not paid yet: one
   * approval of the total, then one payPromoterFees per promoter (the contract caps attribution at the anchored count).
   */
  async payPromoterFees(licenceId: Hex, period: number, feePerDelivery: bigint) {
    const id = licenceId.toLowerCase();
    const licence = await this.#readModel.licence(id);
    if (!licence) {
      throw new ContentError("CONTENT_LICENCE_NOT_FOUND", `no licence ${licenceId}`, { field: "body.licenceId" });
    }
    const due: Array<{ promoter: Address; deliveries: number }> = [];
    for (const { promoter, count } of await this.#deliveries.anchoredByPromoter(id, period)) {
      const paid = await this.#readModel.promoterFeeDeliveries(id, period, promoter);
      if (Number(count) > paid) due.push({ promoter: promoter as Address, deliveries: Number(count) - paid });
    }
    if (due.length === 0) {
      throw new ContentError(
        "CONTENT_NO_ATTRIBUTED_DELIVERIES",
        `no anchored delivery of licence ${licenceId} in ${period} attributed to a promoter waits for its fee`,
        { field: "body.period" },
      );
    }
    const total = due.reduce((sum, d) => sum + BigInt(d.deliveries) * feePerDelivery, 0n);
    await this.#send(
      this.#at.settlementToken,
      encodeFunctionData({ abi: SettlementToken.abi, functionName: "approve", args: [this.#at.royalties, total] }),
      `content.approve promoter fees ${total}`,
    );
    const payments = [];
    for (const { promoter, deliveries } of due) {
      const receipt = await this.#send(
        this.#at.royalties,
        encodeFunctionData({
          abi: ContentRoyalties.abi,
          functionName: "payPromoterFees",
          args: [id as Hex, period, promoter, deliveries, feePerDelivery],
        }),
        `content.payPromoterFees ${id} ${period} ${promoter} x${deliveries}`,
      );
      payments.push({
        promoter,
        deliveries,
        amount: (BigInt(deliveries) * feePerDelivery).toString(),
        txHash: receipt.transactionHash,
      });
    }
    return { payments };
  }

  /**
   * Issues credits for the reported rewards: one batch per kind, each account's credits summed, the records (one per
   * item, the user salted) kept here under the batch's Merkle root, which the contract makes issuable once.
   */
  async issueRewards(period: number, items: readonly RewardInput[]) {
    const batches = [];
    for (const kind of REWARD_KINDS) {
      const ofKind = items.filter((i) => i.kind === kind);
      if (ofKind.length === 0) continue;
      const records: RewardRecord[] = ofKind.map((item) => ({
        record_id: randomUUID(),
        batch_id: "",
        period,
        kind,
        user_ref: keccak256(toHex(`${toHex(randomBytes(16))}:${item.user}`)),
        account: item.account.toLowerCase(),
        units: item.units,
        credits: item.units * CREDITS_PER_UNIT[kind],
      }));
      const root = StandardMerkleTree.of(
        records.map((r) => [rewardLeaf(r)]),
        ["bytes32"],
      ).root as Hex;
      const perAccount = new Map<string, bigint>();
      for (const r of records) perAccount.set(r.account, (perAccount.get(r.account) ?? 0n) + BigInt(r.credits));
      const receipt = await this.#send(
        this.#at.credits,
        encodeFunctionData({
          abi: ContentCredits.abi,
          functionName: "issueRewards",
          args: [
            period,
            REWARD_KINDS.indexOf(kind),
            [...perAccount.keys()] as Address[],
            [...perAccount.values()],
            root,
          ],
        }),
        `content.issueRewards ${period} ${kind} x${perAccount.size}`,
      );
      const [event] = parseEventLogs({ abi: ContentCredits.abi, eventName: "RewardsIssued", logs: receipt.logs });
      if (!event) throw new Error(`issueRewards mined in ${receipt.transactionHash} without a RewardsIssued event`);
      await this.#records.insert(records.map((r) => ({ ...r, batch_id: event.args.batchId.toLowerCase() })));
      batches.push({
        batchId: event.args.batchId,
        kind,
        accounts: perAccount.size,
        credits: event.args.total.toString(),
        recordsRoot: root,
        txHash: receipt.transactionHash,
        gasUsed: receipt.gasUsed.toString(),
      });
    }
    return { batches };
  }

  /** Claims, in one transaction, every split (of any work) that owes this member something per the read model. */
  async claimAll() {
    const owing = (await this.#readModel.recipientSplits(this.#me.toLowerCase())).filter(
      (s) => (BigInt(s.received) * BigInt(s.bps)) / 10_000n > BigInt(s.claimed),
    );
    if (owing.length === 0) {
      throw new ContentError("CONTENT_NOTHING_TO_CLAIM", "no split owes this member anything now", {});
    }
    const splitIds = owing.slice(0, MAX_CLAIMS_AT_ONCE).map((s) => s.split_id as Hex);
    const receipt = await this.#send(
      this.#at.royalties,
      encodeFunctionData({ abi: ContentRoyalties.abi, functionName: "claimMany", args: [splitIds] }),
      `content.claimMany x${splitIds.length}`,
    );
    const claims = parseEventLogs({ abi: ContentRoyalties.abi, eventName: "RoyaltiesClaimed", logs: receipt.logs });
    return {
      amount: claims.reduce((sum, c) => sum + c.args.amount, 0n).toString(),
      splits: claims.map((c) => ({ splitId: c.args.splitId, amount: c.args.amount.toString() })),
      txHash: receipt.transactionHash,
      gasUsed: receipt.gasUsed.toString(),
    };
  }

  /** An account's credits, and what it issued itself (an operator). */
  async credits(account: Address) {
    const read = (functionName: "balanceOf" | "issuedBy") =>
      this.#chain.readContract({ address: this.#at.credits, abi: ContentCredits.abi, functionName, args: [account] });
    return { account, credits: (await read("balanceOf")).toString(), issuedBy: (await read("issuedBy")).toString() };
  }

  async #send(to: Address, data: Hex, label: string) {
    const receipt = await this.#outbox.send({ from: this.#me, to, data, label });
    await this.#sync();
    return receipt;
  }
}

/** A reward record's Merkle leaf: the operator can prove a user's credits by it without revealing the user. */
export function rewardLeaf(record: RewardRecord): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "string" },
        { type: "uint32" },
        { type: "string" },
        { type: "bytes32" },
        { type: "address" },
        { type: "uint64" },
        { type: "uint256" },
      ],
      [
        record.record_id,
        record.period,
        record.kind,
        record.user_ref as Hex,
        record.account as Address,
        BigInt(record.units),
        BigInt(record.credits),
      ],
    ),
  );
}

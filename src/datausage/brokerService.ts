// The broker's part of the insights market. A subscriber entrusts an insight it accepted to a broker member with its
// share of every sale (its wallet key signs; any member's agent submits, the contract checks the key). The broker
// bundles insights entrusted to it and sells the bundle at one price; the contract pays each subscriber's key its
// share straight from the buyer's allowance and the broker the rest. The buyer's agent keeps one fresh delivery key
// for the bundle, under each insight's own purchase id, so each insight is then fetched from its controller's agent
// (the link) and opened here (the key), as for a direct purchase: never plaintext from the operator.
import { type Address, type Hex, zeroAddress } from "viem";
import { DataUsageError } from "./errors.ts";
import { randomHex32 } from "./fingerprints.ts";
import { newDeliveryKey } from "./insightsCrypto.ts";
import { bundleIdOf, bundlePurchaseIdOf, type InsightsLedger, purchaseIdOf } from "./insightsLedger.ts";
import type { BundleRow, InsightRow, InsightsReadModel } from "./readModelInsights.ts";
import type { InsightsRepository } from "./repositoryInsights.ts";
import { recoverEntrustSigner, type SigningDomain, signingDomain } from "./subscriberSigning.ts";

/** InsightsMarket.MAX_BUNDLE. */
/** A bundle's view lists its latest purchases only: a bundle can be bought by every member once. */
export const BUNDLE_PURCHASES_SHOWN = 100;

export const MAX_BUNDLE = 16;
/** 100% in basis points. */
const ALL_BPS = 10_000n;

export interface BrokerServiceOptions {
  ledger: InsightsLedger;
  readModel: InsightsReadModel;
  repository: InsightsRepository;
  chainId: number;
  me: Address;
  sync: () => Promise<unknown>;
  now?: () => number;
}

/** What one bundle purchase pays: each insight's portion, each subscriber's share, the broker's rest (the contract's arithmetic). */
export function bundleSplit(price: bigint, shares: readonly number[]) {
  const portion = price / BigInt(shares.length);
  const subscribers = shares.map((bps) => (portion * BigInt(bps)) / ALL_BPS);
  return { portion, subscribers, broker: price - subscribers.reduce((a, b) => a + b, 0n) };
}

export class BrokerService {
  readonly #o: BrokerServiceOptions;

  constructor(options: BrokerServiceOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  #domain(): SigningDomain {
    return signingDomain(this.#o.chainId, this.#o.ledger.market);
  }

  /** Submits the subscriber's signed entrustment of an insight it accepted to a broker, checked here first. */
  async entrust(
    anyCase: Hex,
    input: { broker: Address; subscriberShareBps: number; deadline: number; signature: Hex },
  ) {
    await this.#o.sync();
    const insight = await this.#insight(anyCase, "params.id");
    const insightId = insight.id as Hex;
    const broker = input.broker.toLowerCase() as Address;
    const answer = await this.#o.readModel.answer(insightId);
    if (!answer || Number(answer.accepted) !== 1)
      throw new DataUsageError("DATAUSAGE_NOT_ACCEPTED", `the subscriber has not accepted ${insightId}`, {
        field: "params.id",
      });
    if (await this.#o.readModel.entrustment(insightId, broker))
      throw new DataUsageError("DATAUSAGE_ALREADY_ENTRUSTED", `${insightId} is entrusted to ${broker} already`, {
        field: "body.broker",
      });
    if (input.deadline < this.#now())
      throw new DataUsageError("DATAUSAGE_SIGNATURE_EXPIRED", `the entrustment's deadline ${input.deadline} passed`, {
        field: "body.deadline",
      });
    let signer: Address;
    try {
      signer = (
        await recoverEntrustSigner(
          this.#domain(),
          { insightId, broker, subscriberShareBps: input.subscriberShareBps, deadline: BigInt(input.deadline) },
          input.signature,
        )
      ).toLowerCase() as Address;
    } catch {
      throw new DataUsageError("DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE", "the signature does not recover to any key", {
        field: "body.signature",
      });
    }
    if (signer !== answer.subscriber_key)
      throw new DataUsageError("DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE", "the entrustment is not the subscriber's", {
        field: "body.signature",
        details: { signer, subscriberKey: answer.subscriber_key },
      });
    const receipt = await this.#o.ledger.entrust(
      insightId,
      broker,
      input.subscriberShareBps,
      BigInt(input.deadline),
      input.signature,
    );
    await this.#o.sync();
    return {
      insightId,
      broker,
      subscriberKey: signer,
      subscriberShareBps: input.subscriberShareBps,
      txHash: receipt.transactionHash,
    };
  }

  /** As broker: bundles insights entrusted to this member (ascending ids on chain), none erased, at one price. */
  async createBundle(input: { insightIds: Hex[]; price: string }) {
    await this.#o.sync();
    const ids = [...new Set(input.insightIds.map((id) => id.toLowerCase() as Hex))].sort();
    if (ids.length !== input.insightIds.length)
      throw new DataUsageError("DATAUSAGE_NOT_ENTRUSTED", "an insight is named twice", { field: "body.insightIds" });
    for (const id of ids) {
      const insight = await this.#insight(id, "body.insightIds");
      this.#notErased(insight, "body.insightIds");
      if (!(await this.#o.readModel.entrustment(id, this.#o.me)))
        throw new DataUsageError("DATAUSAGE_NOT_ENTRUSTED", `the subscriber did not entrust ${id} to this broker`, {
          field: "body.insightIds",
          details: { insightId: id },
        });
    }
    const nonce = randomHex32();
    const bundleId = bundleIdOf(this.#o.chainId, this.#o.ledger.market, this.#o.me, nonce, ids);
    const receipt = await this.#o.ledger.createBundle(nonce, ids, BigInt(input.price));
    await this.#o.sync();
    return { bundleId, broker: this.#o.me, price: input.price, insightIds: ids, txHash: receipt.transactionHash };
  }

  /**
   * As buyer: buys a bundle with one fresh delivery key, kept under each insight's purchase id; answers each
   * insight's link (its controller's delivery path). Refused before anything is sent for a replay, the broker itself,
   * a price above the limit, too little money or an erased insight.
   */
  async purchaseBundle(anyCase: Hex, input: { maxPrice: string }) {
    await this.#o.sync();
    const bundle = await this.#bundle(anyCase);
    const bundleId = bundle.id as Hex;
    if (bundle.broker === this.#o.me)
      throw new DataUsageError("DATAUSAGE_SELF_PURCHASE", "a broker cannot buy its own bundle", {
        field: "params.bundleId",
      });
    const bundlePurchaseId = bundlePurchaseIdOf(bundleId, this.#o.me);
    if (await this.#o.readModel.bundlePurchase(bundlePurchaseId))
      throw new DataUsageError("DATAUSAGE_PURCHASE_REPLAYED", `this member bought bundle ${bundleId} already`, {
        field: "params.bundleId",
        details: { purchaseId: bundlePurchaseId },
      });
    const insights: InsightRow[] = [];
    for (const id of JSON.parse(bundle.insight_ids) as Hex[]) {
      const insight = await this.#insight(id, "params.bundleId");
      this.#notErased(insight, "params.bundleId");
      const purchaseId = purchaseIdOf(id, this.#o.me);
      if (await this.#o.readModel.purchase(purchaseId))
        throw new DataUsageError("DATAUSAGE_PURCHASE_REPLAYED", `this member bought insight ${id} already`, {
          field: "params.bundleId",
          details: { purchaseId },
        });
      insights.push(insight);
    }
    const price = BigInt(bundle.price);
    if (price > BigInt(input.maxPrice))
      throw new DataUsageError("DATAUSAGE_PRICE_ABOVE_LIMIT", `the bundle costs ${price}, above ${input.maxPrice}`, {
        field: "body.maxPrice",
        details: { price: price.toString() },
      });
    const balance = await this.#o.ledger.balanceOf(this.#o.me);
    if (balance < price)
      throw new DataUsageError("DATAUSAGE_INSUFFICIENT_FUNDS", `balance ${balance} is below the price ${price}`, {
        field: "params.bundleId",
        details: { balance: balance.toString(), price: price.toString() },
      });
    // One key for the whole bundle (the chain records one per purchase); kept under every insight's purchase id
    // before sending, so a delivery that arrives first still opens.
    const key = newDeliveryKey();
    for (const insight of insights)
      await this.#o.repository.keepDeliveryKey(
        purchaseIdOf(insight.id as Hex, this.#o.me),
        key.publicKey,
        key.privateKey,
      );
    const kept = (await this.#o.repository.deliveryKey(purchaseIdOf(insights[0]?.id as Hex, this.#o.me))) ?? key;
    const receipt = await this.#o.ledger.purchaseBundle(bundleId, price, kept.publicKey);
    await this.#o.sync();
    const bought = await this.#o.readModel.bundlePurchase(bundlePurchaseId);
    const payments = await this.#o.readModel.subscriberPayments(bundlePurchaseId);
    return {
      bundlePurchaseId,
      bundleId,
      price: price.toString(),
      brokerAmount: bought?.broker_amount ?? "0",
      insights: insights.map((i) => {
        const purchaseId = purchaseIdOf(i.id as Hex, this.#o.me);
        const paid = payments.find((p) => p.insight_id === i.id);
        return {
          insightId: i.id,
          purchaseId,
          controller: i.controller,
          link: `/v1/datausage/purchases/${purchaseId}/delivery`,
          subscriberKey: paid?.subscriber_key ?? zeroAddress,
          subscriberAmount: paid?.amount ?? "0",
        };
      }),
      txHash: receipt.transactionHash,
    };
  }

  /** A bundle: its insights (at most 16, the contract's limit) with each subscriber's share, and its purchases with what each subscriber was paid. */
  async bundle(anyCase: Hex) {
    const bundle = await this.#bundle(anyCase);
    const ids = JSON.parse(bundle.insight_ids) as Hex[];
    const insights = await Promise.all(
      ids.map(async (id) => {
        const e = await this.#o.readModel.entrustment(id, bundle.broker);
        const insight = await this.#o.readModel.insight(id);
        return {
          insightId: id,
          controller: insight?.controller ?? zeroAddress,
          subscriberKey: e?.subscriber_key ?? zeroAddress,
          subscriberShareBps: Number(e?.share_bps ?? 0),
          erasedAt: Number(insight?.erased_at ?? 0),
        };
      }),
    );
    const purchases = await Promise.all(
      (await this.#o.readModel.bundlePurchases(bundle.id, BUNDLE_PURCHASES_SHOWN)).map(async (p) => ({
        bundlePurchaseId: p.id,
        buyer: p.buyer,
        price: p.price,
        brokerAmount: p.broker_amount,
        purchasedAt: Number(p.purchased_at),
        txHash: p.tx_hash,
        subscriberPayments: (await this.#o.readModel.subscriberPayments(p.id)).map((s) => ({
          insightId: s.insight_id,
          subscriberKey: s.subscriber_key,
          amount: s.amount,
        })),
      })),
    );
    return {
      bundleId: bundle.id,
      broker: bundle.broker,
      price: bundle.price,
      createdAt: Number(bundle.created_at),
      txHash: bundle.tx_hash,
      insights,
      purchaseCount: await this.#o.readModel.bundlePurchaseCount(bundle.id),
      purchases,
    };
  }

  async #bundle(anyCase: Hex): Promise<BundleRow> {
    const bundle = await this.#o.readModel.bundle(anyCase);
    if (!bundle)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_BUNDLE", `no bundle ${anyCase}`, { field: "params.bundleId" });
    return bundle;
  }

  async #insight(anyCase: Hex, field: "params.id" | "body.insightIds" | "params.bundleId"): Promise<InsightRow> {
    const insight = await this.#o.readModel.insight(anyCase);
    if (!insight) throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${anyCase}`, { field });
    if (field === "params.id") this.#notErased(insight, field);
    return insight;
  }

  #notErased(insight: InsightRow, field: "params.id" | "body.insightIds" | "params.bundleId"): void {
    if (Number(insight.erased_at) !== 0)
      throw new DataUsageError(
        "DATAUSAGE_INSIGHT_ERASED",
        `insight ${insight.id} was erased on the subject's request`,
        {
          field,
          details: { insightId: insight.id, erasedAt: Number(insight.erased_at) },
        },
      );
  }
}

// The insights market's domain logic. A controller offers an insight drawn from data it holds under a live subject
// contract whose policy permits the "insights" use; the payload is sealed under the subject's key and only a salted
// digest goes on chain. A buyer approves and buys (directly or through a listed broker) with a fresh delivery key; the
// controller's agent delivers the payload sealed to that key once the chain shows the purchase, and the buyer's agent
// opens it and checks it against the digest. On the subject's request the controller destroys the subject's key and
// payloads (crypto-shredding) and records the erasure on chain with its certificate's digest; from then on neither
// purchase nor delivery happens, and the buyer's agent forgets its delivery key.
import { type Address, type Hex, zeroAddress } from "viem";
import { canonicalJson } from "../core/canonicalJson.ts";
import type { FieldPath } from "../core/errors/index.ts";
import type { Decision } from "./compile.ts";
import { DataUsageError } from "./errors.ts";
import { documentHash, fingerprint, randomHex32 } from "./fingerprints.ts";
import {
  type Envelope,
  newDeliveryKey,
  newSubjectKey,
  openAsBuyer,
  openAtRest,
  sealAtRest,
  sealForBuyer,
} from "./insightsCrypto.ts";
import { type InsightsLedger, insightIdOf, purchaseIdOf } from "./insightsLedger.ts";
import type { InsightRow, InsightsReadModel } from "./readModelInsights.ts";
import type { InsightsRepository } from "./repositoryInsights.ts";

/** The purpose a subject's policy must permit (action use) for the controller to offer insights drawn from the data. */
export const INSIGHTS_PURPOSE = "insights";
/** InsightsMarket.MAX_ERASE: the insights one erase transaction records. */
const MAX_ERASE = 64;

export type Payload = Record<string, string | number | boolean>;

export interface InsightsServiceOptions {
  ledger: InsightsLedger;
  readModel: InsightsReadModel;
  repository: InsightsRepository;
  chainId: number;
  me: Address;
  /** The subject contract's controller from the read model (undefined: unknown contract). */
  consentController: (consentId: Hex) => Promise<string | undefined>;
  /** The data-usage policy's decision for a use of the contract's data now (synced with the chain). */
  decide: (consentId: Hex, purpose: string) => Promise<Decision>;
  /** After this agent's own erasure: opens the key's erasure for its custodians when it has some (custodyService). */
  afterErasure?: (consentId: Hex) => Promise<{ status: "none" | "requested" | "attested"; txHash: Hex | null }>;
  sync: () => Promise<unknown>;
  now?: () => number;
}

export class InsightsService {
  readonly #o: InsightsServiceOptions;

  constructor(options: InsightsServiceOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  /** Offers an insight about the subject of `consentId`: policy checked, payload sealed, salted digest on chain. */
  async offer(input: { consentId: Hex; payload: Payload; price: string }) {
    const consentId = input.consentId.toLowerCase() as Hex;
    await this.#o.sync();
    const controller = await this.#o.consentController(consentId);
    if (controller === undefined)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${consentId}`, {
        field: "body.consentId",
      });
    if (controller !== this.#o.me)
      throw new DataUsageError("DATAUSAGE_NOT_HELD", `${consentId} is another member's contract`, {
        field: "body.consentId",
      });
    const decision = await this.#o.decide(consentId, INSIGHTS_PURPOSE);
    if (decision.verdict === "delay")
      throw new DataUsageError("DATAUSAGE_DELAYED", `the policy of ${consentId} permits insights later`, {
        field: "body.consentId",
        details: { notBefore: decision.notBefore, reason: decision.reason },
      });
    if (decision.verdict === "deny")
      throw new DataUsageError("DATAUSAGE_DENIED", `the policy of ${consentId} denies insights: ${decision.reason}`, {
        field: "body.consentId",
        details: { reason: decision.reason },
      });
    const salt = randomHex32();
    const nonce = randomHex32();
    const contentDigest = fingerprint(salt, input.payload);
    const insightId = insightIdOf(this.#o.chainId, this.#o.ledger.market, this.#o.me, consentId, nonce, contentDigest);
    const key = await this.#o.repository.keepSubjectKey(consentId, newSubjectKey());
    const sealed = sealAtRest(key, insightId, canonicalJson(input.payload));
    const receipt = await this.#o.ledger.offer(consentId, nonce, contentDigest, BigInt(input.price));
    await this.#o.repository.keepPayload({ insightId, consentId, salt, ...sealed });
    await this.#o.sync();
    return { insightId, contentDigest, price: input.price, txHash: receipt.transactionHash };
  }

  /** Lists one of this controller's insights with a broker at a price, the broker's share in basis points. */
  async list(anyCase: Hex, input: { broker: Address; price: string; brokerShareBps: number }) {
    const insight = await this.#controlled(anyCase, "params.id");
    await this.#notDeclined(insight);
    const broker = input.broker.toLowerCase() as Address;
    if (broker === this.#o.me)
      throw new DataUsageError("DATAUSAGE_NOT_LISTED", "a controller cannot be its own broker", {
        field: "body.broker",
      });
    const receipt = await this.#o.ledger.list(insight.id as Hex, broker, BigInt(input.price), input.brokerShareBps);
    await this.#o.sync();
    return {
      insightId: insight.id,
      broker,
      price: input.price,
      brokerShareBps: input.brokerShareBps,
      txHash: receipt.transactionHash,
    };
  }

  /** Buys an insight (through `broker` when given) with a fresh delivery key; refused before anything is sent. */
  async purchase(anyCase: Hex, input: { broker?: Address; maxPrice: string }) {
    await this.#o.sync();
    const insight = await this.#insight(anyCase, "params.id");
    this.#notErased(insight);
    await this.#notDeclined(insight);
    if (insight.controller === this.#o.me)
      throw new DataUsageError("DATAUSAGE_SELF_PURCHASE", "a controller cannot buy its own insight", {
        field: "params.id",
      });
    const insightId = insight.id as Hex;
    const purchaseId = purchaseIdOf(insightId, this.#o.me);
    if (await this.#o.readModel.purchase(purchaseId))
      throw new DataUsageError("DATAUSAGE_PURCHASE_REPLAYED", `this member bought ${insightId} already`, {
        field: "params.id",
        details: { purchaseId },
      });
    const broker = (input.broker?.toLowerCase() ?? zeroAddress) as Address;
    let price = BigInt(insight.price);
    if (broker !== zeroAddress) {
      const listing = await this.#o.readModel.listing(insightId, broker);
      if (!listing)
        throw new DataUsageError("DATAUSAGE_NOT_LISTED", `${insightId} is not listed with broker ${broker}`, {
          field: "body.broker",
        });
      price = BigInt(listing.price);
    }
    if (price > BigInt(input.maxPrice))
      throw new DataUsageError("DATAUSAGE_PRICE_ABOVE_LIMIT", `the insight costs ${price}, above ${input.maxPrice}`, {
        field: "body.maxPrice",
        details: { price: price.toString() },
      });
    const balance = await this.#o.ledger.balanceOf(this.#o.me);
    if (balance < price)
      throw new DataUsageError("DATAUSAGE_INSUFFICIENT_FUNDS", `balance ${balance} is below the price ${price}`, {
        field: "params.id",
        details: { balance: balance.toString(), price: price.toString() },
      });
    const fresh = newDeliveryKey();
    await this.#o.repository.keepDeliveryKey(purchaseId, fresh.publicKey, fresh.privateKey);
    const key = (await this.#o.repository.deliveryKey(purchaseId)) ?? fresh;
    const receipt = await this.#o.ledger.purchase(insightId, broker, price, key.publicKey);
    await this.#o.sync();
    const row = await this.#o.readModel.purchase(purchaseId);
    return {
      purchaseId,
      insightId,
      broker: broker === zeroAddress ? null : broker,
      price: price.toString(),
      brokerAmount: row?.broker_amount ?? "0",
      txHash: receipt.transactionHash,
    };
  }

  /** As controller: the payload sealed to the purchase's delivery key, while the insight is not erased. */
  async deliver(anyCase: Hex): Promise<Envelope & { purchaseId: Hex; insightId: Hex }> {
    await this.#o.sync();
    const purchase = await this.#purchase(anyCase);
    const insight = await this.#controlled(purchase.insight_id as Hex, "params.purchaseId");
    const stored = await this.#o.repository.payload(insight.id);
    const key = await this.#o.repository.subjectKey(insight.consent_id);
    if (!stored || !key) throw this.#erased(insight, "params.purchaseId");
    const payload = JSON.parse(openAtRest(key, insight.id as Hex, stored)) as Payload;
    const plaintext = canonicalJson({ payload, salt: stored.salt });
    const purchaseId = purchase.purchase_id as Hex;
    return {
      purchaseId,
      insightId: insight.id as Hex,
      ...sealForBuyer(purchase.delivery_key as Hex, purchaseId, plaintext),
    };
  }

  /** As buyer: opens a delivery with this purchase's key and checks it against the digest on chain. */
  async open(anyCase: Hex, envelope: Envelope) {
    await this.#o.sync();
    const purchase = await this.#purchase(anyCase);
    if (purchase.buyer !== this.#o.me)
      throw new DataUsageError("DATAUSAGE_NOT_BUYER", `purchase ${purchase.purchase_id} is another member's`, {
        field: "params.purchaseId",
      });
    const insight = await this.#insight(purchase.insight_id as Hex, "params.purchaseId");
    if (Number(insight.erased_at) !== 0) {
      // The subject's erasure reaches the buyer too: its key for this purchase goes, so no old delivery opens again.
      await this.#o.repository.forgetDeliveryKey(purchase.purchase_id);
      throw this.#erased(insight, "params.purchaseId");
    }
    const key = await this.#o.repository.deliveryKey(purchase.purchase_id);
    if (!key)
      throw new DataUsageError("DATAUSAGE_NOT_BUYER", `this agent holds no delivery key for ${purchase.purchase_id}`, {
        field: "params.purchaseId",
      });
    let opened: { payload: Payload; salt: Hex };
    try {
      opened = JSON.parse(openAsBuyer(key.privateKey, purchase.purchase_id as Hex, envelope));
    } catch {
      throw new DataUsageError("DATAUSAGE_DELIVERY_MISMATCH", "the delivery does not open with this purchase's key", {
        field: "body.ciphertext",
      });
    }
    const digest = fingerprint(opened.salt, opened.payload);
    if (digest !== insight.content_digest)
      throw new DataUsageError(
        "DATAUSAGE_DELIVERY_MISMATCH",
        "the delivered insight differs from its digest on chain",
        {
          field: "body.ciphertext",
          details: { digest, onChain: insight.content_digest },
        },
      );
    return { purchaseId: purchase.purchase_id, insightId: insight.id, payload: opened.payload, contentDigest: digest };
  }

  /**
   * The subject's erasure request, as controller: destroys the subject's key and payloads with a certificate (one
   * transaction), then records every unerased insight under the contract as erased on chain with its digest.
   * Repeating it after a failed send records what is still missing with the same certificate.
   */
  async erase(anyCase: Hex) {
    const consentId = anyCase.toLowerCase() as Hex;
    await this.#o.sync();
    const pending = (await this.#o.readModel.insightsOfConsent(consentId)).filter(
      (i) => i.controller === this.#o.me && Number(i.erased_at) === 0,
    );
    const key = await this.#o.repository.subjectKey(consentId);
    if (pending.length === 0 && key === undefined)
      throw new DataUsageError("DATAUSAGE_NOTHING_TO_ERASE", `nothing of ${consentId} to erase here`, {
        field: "params.consentId",
      });
    let kept = await this.#o.repository.erasure(consentId);
    if (!kept) {
      const certificate = {
        type: "telco-ledger insight erasure",
        consentId,
        controller: this.#o.me,
        insights: pending.map((i) => i.id),
        // The key's own hash: a 256-bit random key's digest reveals nothing, and shows which key was destroyed.
        keyDigest: key ? documentHash({ key }) : null,
        destroyedAt: new Date(this.#now() * 1000).toISOString(),
        method: "AES-256-GCM key deleted with every payload sealed under it (crypto-shredding)",
      };
      await this.#o.repository.shred(consentId, documentHash(certificate), certificate);
      kept = await this.#o.repository.erasure(consentId);
    }
    const digest = kept?.digest as Hex;
    let txHash: Hex | null = null;
    for (let start = 0; start < pending.length; start += MAX_ERASE) {
      const ids = pending.slice(start, start + MAX_ERASE).map((i) => i.id as Hex);
      txHash = (await this.#o.ledger.erase(ids, digest)).transactionHash;
    }
    if (txHash) await this.#o.repository.erasureRecorded(consentId, txHash);
    await this.#o.sync();
    const custody = this.#o.afterErasure ? await this.#o.afterErasure(consentId) : undefined;
    return {
      consentId,
      erased: pending.map((i) => i.id),
      erasureDigest: digest,
      txHash,
      keyErasure: custody?.status ?? ("none" as const),
    };
  }

  /** The erasure certificate a subject or regulator checks: its digest against every insight's record on chain. */
  async erasure(anyCase: Hex) {
    const consentId = anyCase.toLowerCase() as Hex;
    const kept = await this.#o.repository.erasure(consentId);
    if (!kept)
      throw new DataUsageError("DATAUSAGE_NOTHING_TO_ERASE", `no erasure of ${consentId} here`, {
        field: "params.consentId",
      });
    const certificate = JSON.parse(kept.certificate) as { insights: Hex[] };
    const digest = documentHash(certificate);
    const onChain = await Promise.all(certificate.insights.map((id) => this.#o.ledger.insight(id)));
    const erasedOnChain = onChain.filter((i) => i.erasedAt > 0n && i.erasureDigest.toLowerCase() === digest).length;
    return {
      consentId,
      certificate,
      erasureDigest: kept.digest,
      subjectKeyHeld: (await this.#o.repository.subjectKey(consentId)) !== undefined,
      insights: certificate.insights.length,
      erasedOnChain,
      valid: digest === kept.digest && erasedOnChain === certificate.insights.length,
    };
  }

  #erased(insight: InsightRow, field: FieldPath = "params.id"): DataUsageError {
    return new DataUsageError("DATAUSAGE_INSIGHT_ERASED", `insight ${insight.id} was erased on the subject's request`, {
      field,
      details: { erasedAt: Number(insight.erased_at), erasureDigest: insight.erasure_digest },
    });
  }

  #notErased(insight: InsightRow, field: FieldPath = "params.id"): void {
    if (Number(insight.erased_at) !== 0) throw this.#erased(insight, field);
  }

  /** The subscriber's decline (their signed answer on chain) stops every listing and sale. */
  async #notDeclined(insight: InsightRow): Promise<void> {
    const answer = await this.#o.readModel.answer(insight.id);
    if (answer && Number(answer.accepted) !== 1)
      throw new DataUsageError("DATAUSAGE_INSIGHT_DECLINED", `the subscriber declined insight ${insight.id}`, {
        field: "params.id",
        details: { answeredAt: Number(answer.answered_at) },
      });
  }

  async #insight(anyCase: Hex, field: FieldPath): Promise<InsightRow> {
    const insight = await this.#o.readModel.insight(anyCase);
    if (!insight) throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${anyCase}`, { field });
    return insight;
  }

  async #controlled(anyCase: Hex, field: FieldPath): Promise<InsightRow> {
    const insight = await this.#insight(anyCase, field);
    if (insight.controller !== this.#o.me)
      throw new DataUsageError("DATAUSAGE_NOT_INSIGHT_CONTROLLER", `insight ${insight.id} is ${insight.controller}'s`, {
        field,
      });
    this.#notErased(insight, field);
    return insight;
  }

  async #purchase(anyCase: Hex) {
    const purchase = await this.#o.readModel.purchase(anyCase);
    if (!purchase)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_PURCHASE", `no purchase ${anyCase}`, { field: "params.purchaseId" });
    return purchase;
  }
}

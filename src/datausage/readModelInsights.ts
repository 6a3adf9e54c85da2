// Queries over the projected insights-market tables (the only SQL reading them).
import type { Store } from "../core/store/store.ts";

export interface InsightRow {
  id: string;
  controller: string;
  consent_id: string;
  content_digest: string;
  price: string;
  offered_at: number;
  erased_at: number;
  erasure_digest: string | null;
  block_number: number;
}

export interface ListingRow {
  insight_id: string;
  broker: string;
  price: string;
  share_bps: number;
}

export interface PurchaseRow {
  purchase_id: string;
  insight_id: string;
  buyer: string;
  broker: string | null;
  price: string;
  broker_amount: string;
  delivery_key: string;
  purchased_at: number;
  block_number: number;
  tx_hash: string;
}

export interface SubscriberKeyRow {
  consent_id: string;
  key_address: string;
  public_key: string;
  submitted_by: string;
  block_number: number;
}

export interface AnswerRow {
  insight_id: string;
  consent_id: string;
  subscriber_key: string;
  accepted: number;
  location_digest: string;
  answered_at: number;
  tx_hash: string;
}

export interface ReadingRow {
  tx_hash: string;
  log_position: number;
  insight_id: string;
  reader_fingerprint: string;
  recorded_by: string;
  read_at: number;
}

export interface EntrustmentRow {
  insight_id: string;
  broker: string;
  subscriber_key: string;
  share_bps: number;
  entrusted_at: number;
  tx_hash: string;
}

export interface BundleRow {
  id: string;
  broker: string;
  price: string;
  insight_ids: string;
  created_at: number;
  tx_hash: string;
}

export interface BundlePurchaseRow {
  id: string;
  bundle_id: string;
  buyer: string;
  price: string;
  broker_amount: string;
  purchased_at: number;
  tx_hash: string;
}

export interface SubscriberPaymentRow {
  bundle_purchase_id: string;
  insight_id: string;
  subscriber_key: string;
  amount: string;
}

export interface FriendKeyRow {
  key_address: string;
  public_key: string;
  submitted_by: string;
  block_number: number;
}

export interface ShareRow {
  share_id: string;
  insight_id: string;
  friend_key: string;
  subscriber_key: string;
  envelope_digest: string;
  submitted_by: string;
  shared_at: number;
  tx_hash: string;
}

export interface CustodyRow {
  consent_id: string;
  controller: string;
  custodians: string;
  threshold: number;
  tx_hash: string;
}

export interface KeyErasureRow {
  consent_id: string;
  controller: string;
  requested_at: number;
  attested_at: number;
  tx_hash: string;
}

export interface AttestationRow {
  consent_id: string;
  custodian: string;
  destruction_digest: string;
  position: number;
  attested_at: number;
  tx_hash: string;
}

export class InsightsReadModel {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  insight(id: string): Promise<InsightRow | undefined> {
    return this.#store.one<InsightRow>(`SELECT * FROM datausage_insights WHERE id = $1`, [id.toLowerCase()]);
  }

  /** Insights in id order after `after`, optionally those of one controller; limit + 1 rows for keyset paging. */
  insights(limit: number, after = "", controller?: string): Promise<InsightRow[]> {
    if (controller === undefined)
      return this.#store.query<InsightRow>(`SELECT * FROM datausage_insights WHERE id > $1 ORDER BY id LIMIT $2`, [
        after,
        limit + 1,
      ]);
    return this.#store.query<InsightRow>(
      `SELECT * FROM datausage_insights WHERE controller = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [controller.toLowerCase(), after, limit + 1],
    );
  }

  insightsOfConsent(consentId: string): Promise<InsightRow[]> {
    return this.#store.query<InsightRow>(`SELECT * FROM datausage_insights WHERE consent_id = $1 ORDER BY id`, [
      consentId.toLowerCase(),
    ]);
  }

  /** An insight's broker listings in broker order after `after`; limit + 1 rows for keyset paging. */
  listings(insightId: string, limit: number, after = ""): Promise<ListingRow[]> {
    return this.#store.query<ListingRow>(
      `SELECT * FROM datausage_insight_listings WHERE insight_id = $1 AND broker > $2 ORDER BY broker LIMIT $3`,
      [insightId.toLowerCase(), after, limit + 1],
    );
  }

  listing(insightId: string, broker: string): Promise<ListingRow | undefined> {
    return this.#store.one<ListingRow>(
      `SELECT * FROM datausage_insight_listings WHERE insight_id = $1 AND broker = $2`,
      [insightId.toLowerCase(), broker.toLowerCase()],
    );
  }

  purchase(purchaseId: string): Promise<PurchaseRow | undefined> {
    return this.#store.one<PurchaseRow>(`SELECT * FROM datausage_insight_purchases WHERE purchase_id = $1`, [
      purchaseId.toLowerCase(),
    ]);
  }

  /** An insight's purchases in id order after `after`; limit + 1 rows for keyset paging. */
  purchases(insightId: string, limit: number, after = ""): Promise<PurchaseRow[]> {
    return this.#store.query<PurchaseRow>(
      `SELECT * FROM datausage_insight_purchases WHERE insight_id = $1 AND purchase_id > $2 ORDER BY purchase_id
       LIMIT $3`,
      [insightId.toLowerCase(), after, limit + 1],
    );
  }

  subscriberKey(consentId: string): Promise<SubscriberKeyRow | undefined> {
    return this.#store.one<SubscriberKeyRow>(`SELECT * FROM datausage_subscriber_keys WHERE consent_id = $1`, [
      consentId.toLowerCase(),
    ]);
  }

  answer(insightId: string): Promise<AnswerRow | undefined> {
    return this.#store.one<AnswerRow>(`SELECT * FROM datausage_insight_answers WHERE insight_id = $1`, [
      insightId.toLowerCase(),
    ]);
  }

  /** An insight's recorded readings in (tx, position) order after a cursor; limit + 1 rows for keyset paging. */
  readings(insightId: string, limit: number, after?: { txHash: string; position: number }): Promise<ReadingRow[]> {
    return this.#store.query<ReadingRow>(
      `SELECT * FROM datausage_insight_readings
       WHERE insight_id = $1 AND (tx_hash > $2 OR (tx_hash = $2 AND log_position > $3))
       ORDER BY tx_hash, log_position LIMIT $4`,
      [insightId.toLowerCase(), after?.txHash ?? "", after?.position ?? -1, limit + 1],
    );
  }

  entrustment(insightId: string, broker: string): Promise<EntrustmentRow | undefined> {
    return this.#store.one<EntrustmentRow>(
      `SELECT * FROM datausage_entrustments WHERE insight_id = $1 AND broker = $2`,
      [insightId.toLowerCase(), broker.toLowerCase()],
    );
  }

  bundle(bundleId: string): Promise<BundleRow | undefined> {
    return this.#store.one<BundleRow>(`SELECT * FROM datausage_bundles WHERE id = $1`, [bundleId.toLowerCase()]);
  }

  bundlePurchase(bundlePurchaseId: string): Promise<BundlePurchaseRow | undefined> {
    return this.#store.one<BundlePurchaseRow>(`SELECT * FROM datausage_bundle_purchases WHERE id = $1`, [
      bundlePurchaseId.toLowerCase(),
    ]);
  }

  /** A bundle's latest `limit` purchases, newest first (a bundle has at most one per member). */
  bundlePurchases(bundleId: string, limit: number): Promise<BundlePurchaseRow[]> {
    return this.#store.query<BundlePurchaseRow>(
      `SELECT * FROM datausage_bundle_purchases WHERE bundle_id = $1 ORDER BY purchased_at DESC, id LIMIT $2`,
      [bundleId.toLowerCase(), limit],
    );
  }

  async bundlePurchaseCount(bundleId: string): Promise<number> {
    const row = await this.#store.one<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM datausage_bundle_purchases WHERE bundle_id = $1`,
      [bundleId.toLowerCase()],
    );
    return Number(row?.n ?? 0);
  }

  subscriberPayments(bundlePurchaseId: string): Promise<SubscriberPaymentRow[]> {
    return this.#store.query<SubscriberPaymentRow>(
      `SELECT * FROM datausage_subscriber_payments WHERE bundle_purchase_id = $1 ORDER BY insight_id`,
      [bundlePurchaseId.toLowerCase()],
    );
  }

  friendKey(key: string): Promise<FriendKeyRow | undefined> {
    return this.#store.one<FriendKeyRow>(`SELECT * FROM datausage_friend_keys WHERE key_address = $1`, [
      key.toLowerCase(),
    ]);
  }

  share(shareId: string): Promise<ShareRow | undefined> {
    return this.#store.one<ShareRow>(`SELECT * FROM datausage_insight_shares WHERE share_id = $1`, [
      shareId.toLowerCase(),
    ]);
  }

  /** An insight's shares in id order after `after`; limit + 1 rows for keyset paging. */
  shares(insightId: string, limit: number, after = ""): Promise<ShareRow[]> {
    return this.#store.query<ShareRow>(
      `SELECT * FROM datausage_insight_shares WHERE insight_id = $1 AND share_id > $2 ORDER BY share_id LIMIT $3`,
      [insightId.toLowerCase(), after, limit + 1],
    );
  }

  custody(consentId: string): Promise<CustodyRow | undefined> {
    return this.#store.one<CustodyRow>(`SELECT * FROM datausage_custodians WHERE consent_id = $1`, [
      consentId.toLowerCase(),
    ]);
  }

  keyErasure(consentId: string): Promise<KeyErasureRow | undefined> {
    return this.#store.one<KeyErasureRow>(`SELECT * FROM datausage_key_erasures WHERE consent_id = $1`, [
      consentId.toLowerCase(),
    ]);
  }

  /** A consent's attestations in the order the custodians gave them (at most the custodians named: 16). */
  attestations(consentId: string): Promise<AttestationRow[]> {
    return this.#store.query<AttestationRow>(
      `SELECT * FROM datausage_erasure_attestations WHERE consent_id = $1 ORDER BY position`,
      [consentId.toLowerCase()],
    );
  }

  /** Erasures requested of consents `custodian` guards that it has not attested yet (its agent's work list). */
  erasuresAwaiting(custodian: string): Promise<Array<{ consent_id: string; custodians: string }>> {
    return this.#store.query(
      `SELECT e.consent_id, c.custodians FROM datausage_key_erasures e
         JOIN datausage_custodians c ON c.consent_id = e.consent_id
        WHERE e.attested_at = 0
          AND NOT EXISTS (SELECT 1 FROM datausage_erasure_attestations a
                           WHERE a.consent_id = e.consent_id AND a.custodian = $1)
        ORDER BY e.consent_id`,
      [custodian.toLowerCase()],
    );
  }
}

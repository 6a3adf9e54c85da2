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
}

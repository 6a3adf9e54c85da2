// Projects InsightsMarket events into the read model: offers, broker listings, purchases and erasures. Idempotent:
// inserts keyed by content-derived ids ignore a second application; a listing and an erasure set absolute values.
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";

export const INSIGHTS_MARKET = "InsightsMarket";

const lower = (value: unknown) => String(value).toLowerCase();
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "InsightOffered":
      await tx.exec(
        `INSERT INTO datausage_insights (id, controller, consent_id, content_digest, price, offered_at, erased_at,
           erasure_digest, block_number)
         VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7) ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.insightId),
          lower(a.controller),
          lower(a.consentId),
          lower(a.contentDigest),
          String(a.price),
          event.blockTimestamp,
          event.blockNumber,
        ],
      );
      return;
    case "InsightListed":
      await tx.exec(
        `INSERT INTO datausage_insight_listings (insight_id, broker, price, share_bps) VALUES ($1, $2, $3, $4)
         ON CONFLICT (insight_id, broker) DO UPDATE SET price = excluded.price, share_bps = excluded.share_bps`,
        [lower(a.insightId), lower(a.broker), String(a.price), Number(a.brokerShareBps)],
      );
      return;
    case "InsightPurchased": {
      const broker = lower(a.broker);
      await tx.exec(
        `INSERT INTO datausage_insight_purchases (purchase_id, insight_id, buyer, broker, price, broker_amount,
           delivery_key, purchased_at, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (purchase_id) DO NOTHING`,
        [
          lower(a.purchaseId),
          lower(a.insightId),
          lower(a.buyer),
          broker === ZERO_ADDRESS ? null : broker,
          String(a.price),
          String(a.brokerAmount),
          lower(a.deliveryKey),
          event.blockTimestamp,
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
    }
    case "ErasureRecorded":
      await tx.exec(`UPDATE datausage_insights SET erased_at = $2, erasure_digest = $3 WHERE id = $1`, [
        lower(a.insightId),
        Number(a.at),
        lower(a.erasureDigest),
      ]);
      return;
  }
}

export const insightsProjection: Projection = {
  name: "datausage-insights",
  tables: ["datausage_insights", "datausage_insight_listings", "datausage_insight_purchases"],
  async handle(event, tx) {
    if (event.source === INSIGHTS_MARKET) return onEvent(event, tx);
  },
};

// Projects InsightsMarket events into the read model: offers, broker listings, purchases, erasures, subscriber keys,
// the subscriber's answers and recorded readings,
// entrustments to brokers, bundles, bundle purchases and the subscribers' payments, friends' keys and shares, and the
// custodians of subject keys with their attestations of an erasure. Idempotent:
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
    case "SubscriberKeyRegistered":
      await tx.exec(
        `INSERT INTO datausage_subscriber_keys (consent_id, key_address, public_key, submitted_by, block_number)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (consent_id) DO NOTHING`,
        [lower(a.consentId), lower(a.subscriberKey), lower(a.publicKey), lower(a.submittedBy), event.blockNumber],
      );
      return;
    case "InsightAnswered":
      await tx.exec(
        `INSERT INTO datausage_insight_answers (insight_id, consent_id, subscriber_key, accepted, location_digest,
           answered_at, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (insight_id) DO NOTHING`,
        [
          lower(a.insightId),
          lower(a.consentId),
          lower(a.subscriberKey),
          a.accepted ? 1 : 0,
          lower(a.locationDigest),
          event.blockTimestamp,
          event.txHash,
        ],
      );
      return;
    case "InsightRead":
      await tx.exec(
        `INSERT INTO datausage_insight_readings (tx_hash, log_position, insight_id, reader_fingerprint, recorded_by,
           read_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [
          event.txHash,
          event.txLogPosition,
          lower(a.insightId),
          lower(a.readerFingerprint),
          lower(a.recordedBy),
          Number(a.at),
        ],
      );
      return;
    case "InsightEntrusted":
      await tx.exec(
        `INSERT INTO datausage_entrustments (insight_id, broker, subscriber_key, share_bps, entrusted_at, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (insight_id, broker) DO NOTHING`,
        [
          lower(a.insightId),
          lower(a.broker),
          lower(a.subscriberKey),
          Number(a.subscriberShareBps),
          event.blockTimestamp,
          event.txHash,
        ],
      );
      return;
    case "BundleCreated":
      await tx.exec(
        `INSERT INTO datausage_bundles (id, broker, price, insight_ids, created_at, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.bundleId),
          lower(a.broker),
          String(a.price),
          JSON.stringify((a.insightIds as string[]).map(lower)),
          event.blockTimestamp,
          event.txHash,
        ],
      );
      return;
    case "BundlePurchased":
      await tx.exec(
        `INSERT INTO datausage_bundle_purchases (id, bundle_id, buyer, price, broker_amount, purchased_at, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.bundlePurchaseId),
          lower(a.bundleId),
          lower(a.buyer),
          String(a.price),
          String(a.brokerAmount),
          event.blockTimestamp,
          event.txHash,
        ],
      );
      return;
    case "SubscriberPaid":
      await tx.exec(
        `INSERT INTO datausage_subscriber_payments (bundle_purchase_id, insight_id, subscriber_key, amount)
         VALUES ($1, $2, $3, $4) ON CONFLICT (bundle_purchase_id, insight_id) DO NOTHING`,
        [lower(a.bundlePurchaseId), lower(a.insightId), lower(a.subscriberKey), String(a.amount)],
      );
      return;
    case "FriendKeyRegistered":
      await tx.exec(
        `INSERT INTO datausage_friend_keys (key_address, public_key, submitted_by, block_number)
         VALUES ($1, $2, $3, $4) ON CONFLICT (key_address) DO NOTHING`,
        [lower(a.friendKey), lower(a.publicKey), lower(a.submittedBy), event.blockNumber],
      );
      return;
    case "InsightShared":
      await tx.exec(
        `INSERT INTO datausage_insight_shares (share_id, insight_id, friend_key, subscriber_key, envelope_digest,
           submitted_by, shared_at, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (share_id) DO NOTHING`,
        [
          lower(a.shareId),
          lower(a.insightId),
          lower(a.friendKey),
          lower(a.subscriberKey),
          lower(a.envelopeDigest),
          lower(a.submittedBy),
          event.blockTimestamp,
          event.txHash,
        ],
      );
      return;
    case "CustodiansNamed":
      await tx.exec(
        `INSERT INTO datausage_custodians (consent_id, controller, custodians, threshold, tx_hash)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (consent_id) DO NOTHING`,
        [
          lower(a.consentId),
          lower(a.controller),
          JSON.stringify((a.custodians as string[]).map(lower)),
          Number(a.threshold),
          event.txHash,
        ],
      );
      return;
    case "ErasureRequested":
      await tx.exec(
        `INSERT INTO datausage_key_erasures (consent_id, controller, requested_at, attested_at, tx_hash)
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (consent_id) DO NOTHING`,
        [lower(a.consentId), lower(a.controller), Number(a.at), event.txHash],
      );
      return;
    case "CustodianAttested":
      await tx.exec(
        `INSERT INTO datausage_erasure_attestations (consent_id, custodian, destruction_digest, position, attested_at,
           tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consent_id, custodian) DO NOTHING`,
        [
          lower(a.consentId),
          lower(a.custodian),
          lower(a.destructionDigest),
          Number(a.attestations),
          Number(a.at),
          event.txHash,
        ],
      );
      return;
    case "ErasureAttested":
      await tx.exec(`UPDATE datausage_key_erasures SET attested_at = $2 WHERE consent_id = $1`, [
        lower(a.consentId),
        Number(a.at),
      ]);
      return;
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
  tables: [
    "datausage_insights",
    "datausage_insight_listings",
    "datausage_insight_purchases",
    "datausage_subscriber_keys",
    "datausage_insight_answers",
    "datausage_insight_readings",
    "datausage_entrustments",
    "datausage_bundles",
    "datausage_bundle_purchases",
    "datausage_subscriber_payments",
    "datausage_friend_keys",
    "datausage_insight_shares",
    "datausage_custodians",
    "datausage_key_erasures",
    "datausage_erasure_attestations",
  ],
  async handle(event, tx) {
    if (event.source === INSIGHTS_MARKET) return onEvent(event, tx);
  },
};

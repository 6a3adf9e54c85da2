// The insights market's tables (docs/datausage.md, "The insights market").
import type { Migration } from "../core/store/store.ts";

/**
 * The insights market (ids 2601). Projected: insights with their erasure, broker listings and purchases (with the
 * buyer's delivery key). Kept by this agent: the per-subject keys (deleted on erasure: crypto-shredding), the
 * encrypted payloads and their digest salts, the private delivery keys of its purchases, and its erasure certificates.
 */
export const insightsMigration: Migration = {
  id: "2601_datausage_insights",
  sql: `
    CREATE TABLE datausage_insights (
      id TEXT PRIMARY KEY,
      controller TEXT NOT NULL,
      consent_id TEXT NOT NULL,
      content_digest TEXT NOT NULL,
      price TEXT NOT NULL,
      offered_at BIGINT NOT NULL,
      erased_at BIGINT NOT NULL,
      erasure_digest TEXT,
      block_number BIGINT NOT NULL
    );
    CREATE INDEX datausage_insights_consent ON datausage_insights (consent_id);
    CREATE TABLE datausage_insight_listings (
      insight_id TEXT NOT NULL,
      broker TEXT NOT NULL,
      price TEXT NOT NULL,
      share_bps INTEGER NOT NULL,
      PRIMARY KEY (insight_id, broker)
    );
    CREATE TABLE datausage_insight_purchases (
      purchase_id TEXT PRIMARY KEY,
      insight_id TEXT NOT NULL,
      buyer TEXT NOT NULL,
      broker TEXT,
      price TEXT NOT NULL,
      broker_amount TEXT NOT NULL,
      delivery_key TEXT NOT NULL,
      purchased_at BIGINT NOT NULL,
      block_number BIGINT NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE INDEX datausage_insight_purchases_insight ON datausage_insight_purchases (insight_id);
    CREATE TABLE datausage_subject_keys (
      consent_id TEXT PRIMARY KEY,
      subject_key TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE datausage_insight_payloads (
      insight_id TEXT PRIMARY KEY,
      consent_id TEXT NOT NULL,
      salt TEXT NOT NULL,
      iv TEXT NOT NULL,
      ciphertext TEXT NOT NULL,
      tag TEXT NOT NULL
    );
    CREATE TABLE datausage_delivery_keys (
      purchase_id TEXT PRIMARY KEY,
      public_key TEXT NOT NULL,
      private_key TEXT NOT NULL
    );
    CREATE TABLE datausage_erasures (
      consent_id TEXT PRIMARY KEY,
      digest TEXT NOT NULL,
      certificate TEXT NOT NULL,
      tx_hash TEXT
    );
  `,
};

/**
 * The subscriber's side of the market (id 2602). Projected: the subscriber keys registered per consent, the
 * subscriber's answers to insights and the readings recorded. Kept by this agent: the insights it delivered to a
 * subscriber's key in its own store (deleted with the subject's key on erasure).
 */
export const subscriberMigration: Migration = {
  id: "2602_datausage_subscribers",
  sql: `
    CREATE TABLE datausage_subscriber_keys (
      consent_id TEXT PRIMARY KEY,
      key_address TEXT NOT NULL,
      public_key TEXT NOT NULL,
      submitted_by TEXT NOT NULL,
      block_number BIGINT NOT NULL
    );
    CREATE TABLE datausage_insight_answers (
      insight_id TEXT PRIMARY KEY,
      consent_id TEXT NOT NULL,
      subscriber_key TEXT NOT NULL,
      accepted INTEGER NOT NULL,
      location_digest TEXT NOT NULL,
      answered_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE TABLE datausage_insight_readings (
      tx_hash TEXT NOT NULL,
      log_position INTEGER NOT NULL,
      insight_id TEXT NOT NULL,
      reader_fingerprint TEXT NOT NULL,
      recorded_by TEXT NOT NULL,
      read_at BIGINT NOT NULL,
      PRIMARY KEY (tx_hash, log_position)
    );
    CREATE INDEX datausage_insight_readings_insight ON datausage_insight_readings (insight_id, tx_hash, log_position);
    CREATE TABLE datausage_subscriber_deliveries (
      insight_id TEXT PRIMARY KEY,
      consent_id TEXT NOT NULL,
      location TEXT NOT NULL,
      envelope TEXT,
      stored_at TEXT NOT NULL
    );
  `,
};

/**
 * The broker's bundles (id 2603), all projected: the subscribers' entrustments of insights to brokers with their
 * shares, the brokers' bundles, their purchases and what each purchase paid each subscriber's key.
 */
export const bundlesMigration: Migration = {
  id: "2603_datausage_bundles",
  sql: `
    CREATE TABLE datausage_entrustments (
      insight_id TEXT NOT NULL,
      broker TEXT NOT NULL,
      subscriber_key TEXT NOT NULL,
      share_bps INTEGER NOT NULL,
      entrusted_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL,
      PRIMARY KEY (insight_id, broker)
    );
    CREATE TABLE datausage_bundles (
      id TEXT PRIMARY KEY,
      broker TEXT NOT NULL,
      price TEXT NOT NULL,
      insight_ids TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE TABLE datausage_bundle_purchases (
      id TEXT PRIMARY KEY,
      bundle_id TEXT NOT NULL,
      buyer TEXT NOT NULL,
      price TEXT NOT NULL,
      broker_amount TEXT NOT NULL,
      purchased_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE INDEX datausage_bundle_purchases_bundle ON datausage_bundle_purchases (bundle_id, id);
    CREATE TABLE datausage_subscriber_payments (
      bundle_purchase_id TEXT NOT NULL,
      insight_id TEXT NOT NULL,
      subscriber_key TEXT NOT NULL,
      amount TEXT NOT NULL,
      PRIMARY KEY (bundle_purchase_id, insight_id)
    );
  `,
};

/**
 * Shares with friends and the custodians' attestation of a key's erasure (id 2604). Projected: the friends' keys, the
 * shares, each consent's custodians, its key erasure and each custodian's attestation. Kept by this agent: the share
 * envelopes it stores (sealed to the friend) and, as custodian, the record of each destruction it attested.
 */
export const sharesMigration: Migration = {
  id: "2604_datausage_shares_custody",
  sql: `
    CREATE TABLE datausage_friend_keys (
      key_address TEXT PRIMARY KEY,
      public_key TEXT NOT NULL,
      submitted_by TEXT NOT NULL,
      block_number BIGINT NOT NULL
    );
    CREATE TABLE datausage_insight_shares (
      share_id TEXT PRIMARY KEY,
      insight_id TEXT NOT NULL,
      friend_key TEXT NOT NULL,
      subscriber_key TEXT NOT NULL,
      envelope_digest TEXT NOT NULL,
      submitted_by TEXT NOT NULL,
      shared_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE INDEX datausage_insight_shares_insight ON datausage_insight_shares (insight_id, share_id);
    CREATE TABLE datausage_share_envelopes (
      share_id TEXT PRIMARY KEY,
      insight_id TEXT NOT NULL,
      envelope TEXT NOT NULL,
      stored_at TEXT NOT NULL
    );
    CREATE TABLE datausage_custodians (
      consent_id TEXT PRIMARY KEY,
      controller TEXT NOT NULL,
      custodians TEXT NOT NULL,
      threshold INTEGER NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE TABLE datausage_key_erasures (
      consent_id TEXT PRIMARY KEY,
      controller TEXT NOT NULL,
      requested_at BIGINT NOT NULL,
      attested_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL
    );
    CREATE TABLE datausage_erasure_attestations (
      consent_id TEXT NOT NULL,
      custodian TEXT NOT NULL,
      destruction_digest TEXT NOT NULL,
      position INTEGER NOT NULL,
      attested_at BIGINT NOT NULL,
      tx_hash TEXT NOT NULL,
      PRIMARY KEY (consent_id, custodian)
    );
    CREATE TABLE datausage_custody_destructions (
      consent_id TEXT PRIMARY KEY,
      digest TEXT NOT NULL,
      record TEXT NOT NULL,
      tx_hash TEXT
    );
  `,
};

/**
 * A custodian's share of a subject's key (id 2605): one Shamir share per consent, delivered sealed by the consent's
 * controller (keyShares.ts), deleted when the key's erasure is requested. Kept by this agent, never projected.
 */
export const keySharesMigration: Migration = {
  id: "2605_datausage_key_shares",
  sql: `
    CREATE TABLE datausage_key_shares (
      consent_id TEXT PRIMARY KEY,
      controller TEXT NOT NULL,
      split_id TEXT NOT NULL,
      share_index INTEGER NOT NULL,
      share TEXT NOT NULL,
      threshold INTEGER NOT NULL,
      key_digest TEXT NOT NULL,
      received_at TEXT NOT NULL
    );
  `,
};

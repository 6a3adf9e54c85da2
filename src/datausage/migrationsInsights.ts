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

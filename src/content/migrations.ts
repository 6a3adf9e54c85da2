// Content tables (ids 19xx, after the issue that brought the domain): the public read model of the works, shares,
// licences, delivery batches and royalty splits (written by projection.ts only), and the deliveries this agent's
// member served and has not all anchored yet (repository.ts, never on chain but by their Merkle root).
import type { Migration } from "../core/store/store.ts";

export const contentMigrations: Migration[] = [
  {
    id: "1900_content_read_model",
    sql: `
      CREATE TABLE content_works (
        token_id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        registrant TEXT NOT NULL,
        holder TEXT NOT NULL,
        royalty_bps INTEGER NOT NULL,
        metadata_hash TEXT NOT NULL,
        share_version INTEGER NOT NULL,
        last_transfer TEXT,
        registered_block BIGINT NOT NULL,
        registered_at BIGINT NOT NULL
      );
      CREATE INDEX content_works_holder ON content_works (holder);
      CREATE TABLE content_shares (
        token_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        bps INTEGER NOT NULL,
        PRIMARY KEY (token_id, holder)
      );
      CREATE TABLE content_licences (
        licence_id TEXT PRIMARY KEY,
        token_id TEXT NOT NULL,
        parent_id TEXT,
        grantor TEXT NOT NULL,
        licensee TEXT NOT NULL,
        rights INTEGER NOT NULL,
        territories TEXT NOT NULL,
        starts_at BIGINT NOT NULL,
        ends_at BIGINT NOT NULL,
        max_accesses BIGINT NOT NULL,
        rate_per_delivery TEXT NOT NULL,
        revocable INTEGER NOT NULL,
        delivered BIGINT NOT NULL,
        reserved BIGINT NOT NULL,
        revoked INTEGER NOT NULL,
        granted_block BIGINT NOT NULL
      );
      CREATE INDEX content_licences_licensee ON content_licences (licensee);
      CREATE TABLE content_delivery_batches (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        licence_id TEXT NOT NULL,
        period INTEGER NOT NULL,
        count BIGINT NOT NULL,
        records_root TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
      CREATE INDEX content_delivery_batches_licence ON content_delivery_batches (licence_id, period);
      CREATE TABLE content_splits (
        split_id TEXT PRIMARY KEY,
        token_id TEXT NOT NULL,
        share_version INTEGER NOT NULL,
        received TEXT NOT NULL,
        declared_block BIGINT NOT NULL
      );
      CREATE TABLE content_split_recipients (
        split_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        bps INTEGER NOT NULL,
        claimed TEXT NOT NULL,
        PRIMARY KEY (split_id, recipient)
      );
      CREATE INDEX content_split_recipients_recipient ON content_split_recipients (recipient);
      CREATE TABLE content_payments (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        licence_id TEXT NOT NULL,
        period INTEGER NOT NULL,
        split_id TEXT NOT NULL,
        deliveries BIGINT NOT NULL,
        amount TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
      CREATE TABLE content_claims (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        split_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        amount TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
    `,
  },
  {
    id: "1901_content_deliveries",
    sql: `
      CREATE TABLE content_deliveries (
        delivery_id TEXT PRIMARY KEY,
        licence_id TEXT NOT NULL,
        period INTEGER NOT NULL,
        territory TEXT NOT NULL,
        user_ref TEXT NOT NULL,
        promoter TEXT,
        served_at BIGINT NOT NULL,
        records_root TEXT,
        anchor_tx TEXT
      );
      CREATE INDEX content_deliveries_pending ON content_deliveries (licence_id, period, records_root);
    `,
  },
  {
    id: "1902_content_tips",
    sql: `
      CREATE TABLE content_tips (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        token_id TEXT NOT NULL,
        split_id TEXT NOT NULL,
        tipper TEXT NOT NULL,
        amount TEXT NOT NULL,
        user_ref TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
    `,
  },
  {
    // Promoter fees and credit reward batches (projected), and the records behind this agent's reward batches (never
    // on chain but by their Merkle root; the user only as a salted reference).
    id: "1903_content_rewards",
    sql: `
      CREATE TABLE content_promoter_fees (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        licence_id TEXT NOT NULL,
        period INTEGER NOT NULL,
        promoter TEXT NOT NULL,
        deliveries BIGINT NOT NULL,
        fee_per_delivery TEXT NOT NULL,
        amount TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
      CREATE INDEX content_promoter_fees_licence ON content_promoter_fees (licence_id, period);
      CREATE TABLE content_reward_batches (
        batch_id TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        period INTEGER NOT NULL,
        kind TEXT NOT NULL,
        recipients BIGINT NOT NULL,
        total TEXT NOT NULL,
        records_root TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE INDEX content_reward_batches_issuer ON content_reward_batches (issuer, period);
      CREATE TABLE content_credit_redemptions (
        tx_hash TEXT NOT NULL,
        log_position INTEGER NOT NULL,
        holder TEXT NOT NULL,
        amount TEXT NOT NULL,
        ref TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tx_hash, log_position)
      );
      CREATE TABLE content_reward_records (
        record_id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL,
        period INTEGER NOT NULL,
        kind TEXT NOT NULL,
        user_ref TEXT NOT NULL,
        account TEXT NOT NULL,
        units BIGINT NOT NULL,
        credits BIGINT NOT NULL
      );
      CREATE INDEX content_reward_records_batch ON content_reward_records (batch_id);
    `,
  },
];

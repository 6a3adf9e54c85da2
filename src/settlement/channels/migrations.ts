// Payment channel tables (1410; 1405-1409 left to the roaming settlement tables): the channels projected from PaymentChannels' events (projection.ts only writes
// settlement_channels), and what this agent keeps off chain (repository.ts): every co-signed state of its channels,
// and how to reach the counterparty's agent.
import type { Migration } from "../../core/store/store.ts";

export const channelMigrations: Migration[] = [
  {
    id: "1410_settlement_channels",
    sql: `
      CREATE TABLE settlement_channels (
        channel_id TEXT PRIMARY KEY,
        member_a TEXT NOT NULL,
        member_b TEXT NOT NULL,
        token TEXT NOT NULL,
        challenge_period BIGINT NOT NULL,
        status TEXT NOT NULL,
        deposit_a TEXT NOT NULL,
        deposit_b TEXT NOT NULL,
        version BIGINT NOT NULL,
        balance_a TEXT NOT NULL,
        balance_b TEXT NOT NULL,
        closes_at BIGINT,
        closer TEXT,
        payout_a TEXT,
        payout_b TEXT,
        opened_block BIGINT NOT NULL
      );
      CREATE INDEX settlement_channels_a ON settlement_channels (member_a, channel_id);
      CREATE INDEX settlement_channels_b ON settlement_channels (member_b, channel_id);
      CREATE TABLE settlement_channel_states (
        channel_id TEXT NOT NULL,
        version BIGINT NOT NULL,
        balance_a TEXT NOT NULL,
        balance_b TEXT NOT NULL,
        deposit_a TEXT NOT NULL,
        deposit_b TEXT NOT NULL,
        is_final INTEGER NOT NULL,
        sig_a TEXT NOT NULL,
        sig_b TEXT NOT NULL,
        PRIMARY KEY (channel_id, version)
      );
      CREATE TABLE settlement_channel_peers (
        channel_id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        api_key TEXT NOT NULL
      );
    `,
  },
  {
    // Usage-driven updates: the batch a co-signed state pays for (at most one state per batch and channel, stored in
    // the same row as the state, so a batch never moves a balance twice), and the home agent's list of confirmed
    // batches to pay through the channel with the visited operator (retried at start while pending).
    id: "1411_settlement_channel_usage",
    sql: `
      ALTER TABLE settlement_channel_states ADD COLUMN usage_ref TEXT;
      CREATE UNIQUE INDEX settlement_channel_states_usage ON settlement_channel_states (channel_id, usage_ref)
        WHERE usage_ref IS NOT NULL;
      CREATE TABLE settlement_channel_usage (
        batch_id TEXT PRIMARY KEY,
        counterparty TEXT NOT NULL,
        amount TEXT NOT NULL,
        status TEXT NOT NULL,
        channel_id TEXT,
        version BIGINT,
        error TEXT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX settlement_channel_usage_pending ON settlement_channel_usage (status, batch_id);
    `,
  },
];

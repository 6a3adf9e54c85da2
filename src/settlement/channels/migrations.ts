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
];

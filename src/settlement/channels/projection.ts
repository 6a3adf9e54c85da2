// Projects PaymentChannels' events into settlement_channels. Each statement is idempotent per event (insert-or-ignore
// keyed by the channel id; updates that set the event's values), and the table is listed, so a rewind undoes what
// dropped blocks projected.
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";

/** Manifest name of the contract (src/settlement/plugin.ts PAYMENT_CHANNELS). */
export const PAYMENT_CHANNELS_SOURCE = "PaymentChannels";

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  const id = lower(a.channelId);
  switch (event.eventName) {
    case "ChannelOpened":
      await tx.exec(
        `INSERT INTO settlement_channels (channel_id, member_a, member_b, token, challenge_period, status, deposit_a,
           deposit_b, version, balance_a, balance_b, opened_block)
         VALUES ($1, $2, $3, $4, $5, 'open', '0', '0', 0, '0', '0', $6) ON CONFLICT (channel_id) DO NOTHING`,
        [id, lower(a.memberA), lower(a.memberB), lower(a.token), Number(a.challengePeriod), event.blockNumber],
      );
      return;
    case "ChannelDeposited":
      await tx.exec(`UPDATE settlement_channels SET deposit_a = $2, deposit_b = $3 WHERE channel_id = $1`, [
        id,
        String(a.depositA),
        String(a.depositB),
      ]);
      return;
    case "ChannelClosing":
      await tx.exec(
        `UPDATE settlement_channels SET status = 'closing', version = $2, balance_a = $3, balance_b = $4,
           closes_at = $5, closer = $6 WHERE channel_id = $1`,
        [id, Number(a.version), String(a.balanceA), String(a.balanceB), Number(a.closesAt), lower(a.closer)],
      );
      return;
    case "ChannelChallenged":
      await tx.exec(
        `UPDATE settlement_channels SET version = $2, balance_a = $3, balance_b = $4 WHERE channel_id = $1`,
        [id, Number(a.version), String(a.balanceA), String(a.balanceB)],
      );
      return;
    case "ChannelResumeRequested":
      if (a.resumed) {
        await tx.exec(
          `UPDATE settlement_channels SET status = 'open', closes_at = NULL, closer = NULL WHERE channel_id = $1`,
          [id],
        );
      }
      return;
    case "ChannelSettled":
      await tx.exec(
        `UPDATE settlement_channels SET status = 'closed', version = $2, payout_a = $3, payout_b = $4,
           closes_at = NULL WHERE channel_id = $1`,
        [id, Number(a.version), String(a.payoutA), String(a.payoutB)],
      );
      return;
  }
}

export const channelProjection: Projection = {
  name: "settlement-channels",
  tables: ["settlement_channels"],
  async handle(event, tx) {
    if (event.source === PAYMENT_CHANNELS_SOURCE) await onEvent(event, tx);
  },
};

// Projects ContentRegistry, ContentLicences, ContentRoyalties and ContentCredits events into the content read model:
// works and their holders, ownership shares, licences with their live counters, anchored delivery batches, splits,
// payments, claims, promoter fees and credit reward batches. Every statement is idempotent per event (upserts keyed
// by the record, or by the log's identity), and every table is listed, so a rewind undoes what dropped blocks
// projected.
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";

export const CONTENT_REGISTRY = "ContentRegistry";
export const CONTENT_LICENCES = "ContentLicences";
export const CONTENT_ROYALTIES = "ContentRoyalties";
export const CONTENT_CREDITS = "ContentCredits";
/** Event tickets and editions as ERC-1155 classes (not projected: the API answers from the receipt and the contract). */
export const CONTENT_TICKETS = "ContentTickets";
/** ContentCredits.RewardKind, in the enum's order. */
export const REWARD_KINDS = ["view", "attention", "survey", "promotion", "bonus"] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];
/**
 * The settlement domain's manifest name of its token (src/settlement/plugin.ts SETTLEMENT_TOKEN). Repeated here
 * because a domain may import only another's published.ts, and settlement publishes nothing yet.
 */
export const SETTLEMENT_TOKEN = "SettlementToken";
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO_ID = `0x${"00".repeat(32)}`;

const lower = (value: unknown) => String(value).toLowerCase();
const text = (value: unknown) => String(value);

interface Terms {
  rights: number;
  territories: bigint;
  start: bigint;
  end: bigint;
  maxAccesses: number;
  ratePerDelivery: bigint;
  revocable: boolean;
}

async function onRegistry(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "WorkRegistered":
      await tx.exec(
        `INSERT INTO content_works (token_id, fingerprint, registrant, holder, royalty_bps, metadata_hash, share_version,
           registered_block, registered_at)
         VALUES ($1, $2, $3, $3, $4, $5, 0, $6, $7) ON CONFLICT (token_id) DO NOTHING`,
        [
          text(a.tokenId),
          lower(a.fingerprint),
          lower(a.registrant),
          Number(a.royaltyBps),
          lower(a.metadataHash),
          event.blockNumber,
          event.blockTimestamp,
        ],
      );
      return;
    case "Transfer": {
      if (lower(a.from) === ZERO_ADDRESS) return;
      // The contract folds a share the new holder had into the remainder and counts a new owners' version.
      // The log's identity is kept so that the same Transfer applied again counts no second version.
      const tokenId = text(a.tokenId);
      const logId = `${event.txHash}:${event.txLogPosition}`;
      const moved = await tx.exec(
        `UPDATE content_works SET holder = $2, share_version = share_version + 1, last_transfer = $3
         WHERE token_id = $1 AND (last_transfer IS NULL OR last_transfer <> $3)`,
        [tokenId, lower(a.to), logId],
      );
      if (moved.changes > 0) {
        await tx.exec(`DELETE FROM content_shares WHERE token_id = $1 AND holder = $2`, [tokenId, lower(a.to)]);
      }
      return;
    }
    case "ShareTransferred": {
      const tokenId = text(a.tokenId);
      const work = await tx.one<{ holder: string; share_version: number }>(
        `SELECT holder, share_version FROM content_works WHERE token_id = $1`,
        [tokenId],
      );
      // Applied once: the event carries the version it produced.
      if (!work || Number(work.share_version) >= Number(a.shareVersion)) return;
      const bps = Number(a.bps);
      const from = lower(a.from);
      const to = lower(a.to);
      if (from !== work.holder) {
        await tx.exec(`UPDATE content_shares SET bps = bps - $3 WHERE token_id = $1 AND holder = $2`, [
          tokenId,
          from,
          bps,
        ]);
        await tx.exec(`DELETE FROM content_shares WHERE token_id = $1 AND holder = $2 AND bps = 0`, [tokenId, from]);
      }
      if (to !== work.holder) {
        await tx.exec(
          `INSERT INTO content_shares (token_id, holder, bps) VALUES ($1, $2, $3)
           ON CONFLICT (token_id, holder) DO UPDATE SET bps = content_shares.bps + $3`,
          [tokenId, to, bps],
        );
      }
      await tx.exec(`UPDATE content_works SET share_version = $2 WHERE token_id = $1`, [
        tokenId,
        Number(a.shareVersion),
      ]);
      return;
    }
  }
}

async function onLicences(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "LicenceGranted": {
      const terms = a.terms as Terms;
      const parentId = lower(a.parentId);
      const inserted = await tx.exec(
        `INSERT INTO content_licences (licence_id, token_id, parent_id, grantor, licensee, rights, territories, starts_at,
           ends_at, max_accesses, rate_per_delivery, revocable, delivered, reserved, revoked, granted_block)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 0, 0, $13) ON CONFLICT (licence_id) DO NOTHING`,
        [
          lower(a.licenceId),
          text(a.tokenId),
          parentId === ZERO_ID ? null : parentId,
          lower(a.grantor),
          lower(a.licensee),
          Number(terms.rights),
          text(terms.territories),
          Number(terms.start),
          Number(terms.end),
          Number(terms.maxAccesses),
          text(terms.ratePerDelivery),
          terms.revocable ? 1 : 0,
          event.blockNumber,
        ],
      );
      if (inserted.changes > 0 && parentId !== ZERO_ID) {
        await tx.exec(`UPDATE content_licences SET reserved = reserved + $2 WHERE licence_id = $1`, [
          parentId,
          Number(terms.maxAccesses),
        ]);
      }
      return;
    }
    case "LicenceRevoked":
      await tx.exec(`UPDATE content_licences SET revoked = 1 WHERE licence_id = $1`, [lower(a.licenceId)]);
      return;
    case "DeliveriesAnchored": {
      const inserted = await tx.exec(
        `INSERT INTO content_delivery_batches (tx_hash, log_position, licence_id, period, count, records_root,
           block_number) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [
          event.txHash,
          event.txLogPosition,
          lower(a.licenceId),
          Number(a.period),
          Number(a.count),
          lower(a.recordsRoot),
          event.blockNumber,
        ],
      );
      if (inserted.changes > 0) {
        await tx.exec(`UPDATE content_licences SET delivered = $2 WHERE licence_id = $1`, [
          lower(a.licenceId),
          Number(a.delivered),
        ]);
      }
      return;
    }
  }
}

async function onRoyalties(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "SplitDeclared": {
      const splitId = lower(a.splitId);
      await tx.exec(
        `INSERT INTO content_splits (split_id, token_id, share_version, received, declared_block)
         VALUES ($1, $2, $3, '0', $4) ON CONFLICT (split_id) DO NOTHING`,
        [splitId, text(a.tokenId), Number(a.shareVersion), event.blockNumber],
      );
      const recipients = a.recipients as readonly string[];
      const bps = a.bps as readonly number[];
      for (const [i, recipient] of recipients.entries()) {
        await tx.exec(
          `INSERT INTO content_split_recipients (split_id, recipient, bps, claimed) VALUES ($1, $2, $3, '0')
           ON CONFLICT (split_id, recipient) DO NOTHING`,
          [splitId, lower(recipient), Number(bps[i])],
        );
      }
      return;
    }
    case "RoyaltiesPaid": {
      const inserted = await tx.exec(
        `INSERT INTO content_payments (tx_hash, log_position, licence_id, period, split_id, deliveries, amount,
           block_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [
          event.txHash,
          event.txLogPosition,
          lower(a.licenceId),
          Number(a.period),
          lower(a.splitId),
          Number(a.deliveries),
          text(a.amount),
          event.blockNumber,
        ],
      );
      if (inserted.changes > 0) await addAmount(tx, "content_splits", "received", lower(a.splitId), a.amount as bigint);
      return;
    }
    case "TipPaid": {
      const inserted = await tx.exec(
        `INSERT INTO content_tips (tx_hash, log_position, token_id, split_id, tipper, amount, user_ref, block_number)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [
          event.txHash,
          event.txLogPosition,
          text(a.tokenId),
          lower(a.splitId),
          lower(a.tipper),
          text(a.amount),
          lower(a.userRef),
          event.blockNumber,
        ],
      );
      if (inserted.changes > 0) await addAmount(tx, "content_splits", "received", lower(a.splitId), a.amount as bigint);
      return;
    }
    case "PromoterFeePaid":
      await tx.exec(
        `INSERT INTO content_promoter_fees (tx_hash, log_position, licence_id, period, promoter, deliveries,
           fee_per_delivery, amount, block_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [
          event.txHash,
          event.txLogPosition,
          lower(a.licenceId),
          Number(a.period),
          lower(a.promoter),
          Number(a.deliveries),
          text(a.feePerDelivery),
          text(a.amount),
          event.blockNumber,
        ],
      );
      return;
    case "RoyaltiesClaimed": {
      const splitId = lower(a.splitId);
      const recipient = lower(a.recipient);
      const inserted = await tx.exec(
        `INSERT INTO content_claims (tx_hash, log_position, split_id, recipient, amount, block_number)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [event.txHash, event.txLogPosition, splitId, recipient, text(a.amount), event.blockNumber],
      );
      if (inserted.changes === 0) return;
      const row = await tx.one<{ claimed: string }>(
        `SELECT claimed FROM content_split_recipients WHERE split_id = $1 AND recipient = $2`,
        [splitId, recipient],
      );
      if (!row) return;
      await tx.exec(`UPDATE content_split_recipients SET claimed = $3 WHERE split_id = $1 AND recipient = $2`, [
        splitId,
        recipient,
        (BigInt(row.claimed) + (a.amount as bigint)).toString(),
      ]);
      return;
    }
  }
}

async function onCredits(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "RewardsIssued":
      await tx.exec(
        `INSERT INTO content_reward_batches (batch_id, issuer, period, kind, recipients, total, records_root,
           block_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (batch_id) DO NOTHING`,
        [
          lower(a.batchId),
          lower(a.issuer),
          Number(a.period),
          REWARD_KINDS[Number(a.kind)] ?? text(a.kind),
          Number(a.recipients),
          text(a.total),
          lower(a.recordsRoot),
          event.blockNumber,
        ],
      );
      return;
    case "CreditsRedeemed":
      await tx.exec(
        `INSERT INTO content_credit_redemptions (tx_hash, log_position, holder, amount, ref, block_number)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [event.txHash, event.txLogPosition, lower(a.holder), text(a.amount), lower(a.ref), event.blockNumber],
      );
      return;
  }
}

/** Adds to a decimal-text amount column (token amounts exceed JavaScript numbers and SQLite integers). */
async function addAmount(tx: Queryable, table: "content_splits", column: "received", splitId: string, amount: bigint) {
  const row = await tx.one<{ value: string }>(`SELECT ${column} AS value FROM ${table} WHERE split_id = $1`, [splitId]);
  if (!row) return;
  await tx.exec(`UPDATE ${table} SET ${column} = $2 WHERE split_id = $1`, [
    splitId,
    (BigInt(row.value) + amount).toString(),
  ]);
}

export const contentProjection: Projection = {
  name: "content",
  tables: [
    "content_works",
    "content_shares",
    "content_licences",
    "content_delivery_batches",
    "content_splits",
    "content_split_recipients",
    "content_payments",
    "content_claims",
    "content_tips",
    "content_promoter_fees",
    "content_reward_batches",
    "content_credit_redemptions",
  ],
  async handle(event, tx) {
    if (event.source === CONTENT_REGISTRY) return onRegistry(event, tx);
    if (event.source === CONTENT_LICENCES) return onLicences(event, tx);
    if (event.source === CONTENT_ROYALTIES) return onRoyalties(event, tx);
    if (event.source === CONTENT_CREDITS) return onCredits(event, tx);
  },
};

// Reads of the content read model (tables written by projection.ts): works, shares, licences, batches, splits.
import type { Queryable } from "../core/store/store.ts";

export interface WorkRow {
  token_id: string;
  fingerprint: string;
  registrant: string;
  holder: string;
  royalty_bps: number;
  metadata_hash: string;
  share_version: number;
  registered_block: number;
  registered_at: number;
}

export interface LicenceRow {
  licence_id: string;
  token_id: string;
  parent_id: string | null;
  grantor: string;
  licensee: string;
  rights: number;
  territories: string;
  starts_at: number;
  ends_at: number;
  max_accesses: number;
  rate_per_delivery: string;
  revocable: number;
  delivered: number;
  reserved: number;
  revoked: number;
  granted_block: number;
}

export interface SplitRow {
  split_id: string;
  token_id: string;
  share_version: number;
  received: string;
  declared_block: number;
}

export interface SplitRecipientRow {
  recipient: string;
  bps: number;
  claimed: string;
}

export interface PageArgs {
  limit: number;
  after?: readonly (string | number)[] | undefined;
}

export class ContentReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  work(tokenId: string): Promise<WorkRow | undefined> {
    return this.#db.one<WorkRow>(`SELECT * FROM content_works WHERE token_id = $1`, [tokenId]);
  }

  works(page: PageArgs): Promise<WorkRow[]> {
    const after = page.after?.[0];
    return after === undefined
      ? this.#db.query<WorkRow>(`SELECT * FROM content_works ORDER BY token_id LIMIT $1`, [page.limit + 1])
      : this.#db.query<WorkRow>(`SELECT * FROM content_works WHERE token_id > $1 ORDER BY token_id LIMIT $2`, [
          String(after),
          page.limit + 1,
        ]);
  }

  /** Every work, for the consistency check. */
  allWorks(): Promise<WorkRow[]> {
    return this.#db.query<WorkRow>(`SELECT * FROM content_works ORDER BY token_id`);
  }

  /** Every split, for the consistency check. */
  allSplits(): Promise<SplitRow[]> {
    return this.#db.query<SplitRow>(`SELECT * FROM content_splits ORDER BY split_id`);
  }

  shares(tokenId: string): Promise<Array<{ holder: string; bps: number }>> {
    return this.#db.query(`SELECT holder, bps FROM content_shares WHERE token_id = $1 ORDER BY holder`, [tokenId]);
  }

  licence(licenceId: string): Promise<LicenceRow | undefined> {
    return this.#db.one<LicenceRow>(`SELECT * FROM content_licences WHERE licence_id = $1`, [licenceId]);
  }

  /** Every licence, for the in-memory index (a licence row is small; the index is the check path). */
  allLicences(): Promise<LicenceRow[]> {
    return this.#db.query<LicenceRow>(`SELECT * FROM content_licences`);
  }

  licences(page: PageArgs): Promise<LicenceRow[]> {
    const after = page.after?.[0];
    return after === undefined
      ? this.#db.query<LicenceRow>(`SELECT * FROM content_licences ORDER BY licence_id LIMIT $1`, [page.limit + 1])
      : this.#db.query<LicenceRow>(
          `SELECT * FROM content_licences WHERE licence_id > $1 ORDER BY licence_id LIMIT $2`,
          [String(after), page.limit + 1],
        );
  }

  split(splitId: string): Promise<SplitRow | undefined> {
    return this.#db.one<SplitRow>(`SELECT * FROM content_splits WHERE split_id = $1`, [splitId]);
  }

  /** The work's newest split (the contract pays into the one declared last under the current owners). */
  currentSplit(tokenId: string, shareVersion: number): Promise<SplitRow | undefined> {
    return this.#db.one<SplitRow>(
      `SELECT * FROM content_splits WHERE token_id = $1 AND share_version = $2
       ORDER BY declared_block DESC LIMIT 1`,
      [tokenId, shareVersion],
    );
  }

  splitRecipients(splitId: string, page: PageArgs): Promise<SplitRecipientRow[]> {
    const after = page.after?.[0];
    return after === undefined
      ? this.#db.query<SplitRecipientRow>(
          `SELECT recipient, bps, claimed FROM content_split_recipients WHERE split_id = $1 ORDER BY recipient LIMIT $2`,
          [splitId, page.limit + 1],
        )
      : this.#db.query<SplitRecipientRow>(
          `SELECT recipient, bps, claimed FROM content_split_recipients WHERE split_id = $1 AND recipient > $2
           ORDER BY recipient LIMIT $3`,
          [splitId, String(after), page.limit + 1],
        );
  }

  /** Deliveries anchored under a licence in a period, summed over its batches. */
  async anchoredDeliveries(licenceId: string, period: number): Promise<number> {
    const row = await this.#db.one<{ total: number | null }>(
      `SELECT SUM(count) AS total FROM content_delivery_batches WHERE licence_id = $1 AND period = $2`,
      [licenceId, period],
    );
    return Number(row?.total ?? 0);
  }

  async paid(licenceId: string, period: number): Promise<bigint> {
    const rows = await this.#db.query<{ amount: string }>(
      `SELECT amount FROM content_payments WHERE licence_id = $1 AND period = $2`,
      [licenceId, period],
    );
    return rows.reduce((sum, row) => sum + BigInt(row.amount), 0n);
  }

  /** Deliveries of a licence and period a fee was paid to `promoter` for. */
  async promoterFeeDeliveries(licenceId: string, period: number, promoter: string): Promise<number> {
    const row = await this.#db.one<{ total: number | null }>(
      `SELECT SUM(deliveries) AS total FROM content_promoter_fees WHERE licence_id = $1 AND period = $2
       AND promoter = $3`,
      [licenceId, period, promoter],
    );
    return Number(row?.total ?? 0);
  }

  /** Promoter fees paid under a licence in a period (rows, for the reconciliation report). */
  promoterFees(
    licenceId: string,
    period: number,
  ): Promise<Array<{ promoter: string; deliveries: number; amount: string }>> {
    return this.#db.query(
      `SELECT promoter, deliveries, amount FROM content_promoter_fees WHERE licence_id = $1 AND period = $2
       ORDER BY block_number, log_position`,
      [licenceId, period],
    );
  }

  /** Licences `licensee` holds with anchored deliveries in the period. */
  licencesDeliveredIn(licensee: string, period: number): Promise<LicenceRow[]> {
    return this.#db.query<LicenceRow>(
      `SELECT * FROM content_licences WHERE licensee = $1 AND licence_id IN
         (SELECT licence_id FROM content_delivery_batches WHERE period = $2) ORDER BY licence_id`,
      [licensee, period],
    );
  }

  /** Every split `recipient` has a share of, with what it received and what the recipient claimed. */
  recipientSplits(recipient: string): Promise<Array<SplitRow & { bps: number; claimed: string }>> {
    return this.#db.query(
      `SELECT s.*, r.bps, r.claimed FROM content_splits s JOIN content_split_recipients r ON r.split_id = s.split_id
       WHERE r.recipient = $1 ORDER BY s.split_id`,
      [recipient],
    );
  }

  /** Everything paid into splits and everything claimed from them (the royalties contract must hold the difference). */
  async splitTotals(): Promise<{ received: bigint; claimed: bigint }> {
    const received = await this.#db.query<{ received: string }>(`SELECT received FROM content_splits`);
    const claimed = await this.#db.query<{ amount: string }>(`SELECT amount FROM content_claims`);
    return {
      received: received.reduce((sum, r) => sum + BigInt(r.received), 0n),
      claimed: claimed.reduce((sum, r) => sum + BigInt(r.amount), 0n),
    };
  }

  /** Credit reward batches `issuer` issued in the period. */
  rewardBatches(
    issuer: string,
    period: number,
  ): Promise<Array<{ batch_id: string; kind: string; recipients: number; total: string }>> {
    return this.#db.query(
      `SELECT batch_id, kind, recipients, total FROM content_reward_batches WHERE issuer = $1 AND period = $2
       ORDER BY block_number, batch_id`,
      [issuer, period],
    );
  }

  /** Deliveries attributed to promoters with a fee paid, per licence and period, for the consistency check. */
  allPromoterAttributions(): Promise<Array<{ licence_id: string; period: number; deliveries: number }>> {
    return this.#db.query(
      `SELECT licence_id, period, SUM(deliveries) AS deliveries FROM content_promoter_fees
       GROUP BY licence_id, period ORDER BY licence_id, period`,
    );
  }

  /** Every credit reward batch id, for the consistency check. */
  allRewardBatchIds(): Promise<Array<{ batch_id: string }>> {
    return this.#db.query(`SELECT batch_id FROM content_reward_batches ORDER BY batch_id`);
  }
}

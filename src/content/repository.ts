// The deliveries this agent's member served (off-chain records: a salted reference to the user, never the user's
// identifier), and which Merkle root anchored them. SQL only.
import type { Queryable } from "../core/store/store.ts";

export interface DeliveryRecord {
  delivery_id: string;
  licence_id: string;
  period: number;
  territory: string;
  user_ref: string;
  promoter: string | null;
  served_at: number;
}

export class DeliveryRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async insert(record: DeliveryRecord): Promise<void> {
    await this.#db.exec(
      `INSERT INTO content_deliveries (delivery_id, licence_id, period, territory, user_ref, promoter, served_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.delivery_id,
        record.licence_id,
        record.period,
        record.territory,
        record.user_ref,
        record.promoter,
        record.served_at,
      ],
    );
  }

  /** Recorded deliveries not anchored yet, per licence (for the index's pending counts). */
  pendingCounts(): Promise<Array<{ licence_id: string; pending: number }>> {
    return this.#db.query(
      `SELECT licence_id, COUNT(*) AS pending FROM content_deliveries WHERE records_root IS NULL GROUP BY licence_id`,
    );
  }

  /** Pending records, oldest first, of one licence or all. */
  pending(licenceId?: string): Promise<DeliveryRecord[]> {
    return licenceId
      ? this.#db.query<DeliveryRecord>(
          `SELECT delivery_id, licence_id, period, territory, user_ref, promoter, served_at FROM content_deliveries
           WHERE records_root IS NULL AND licence_id = $1 ORDER BY served_at, delivery_id`,
          [licenceId],
        )
      : this.#db.query<DeliveryRecord>(
          `SELECT delivery_id, licence_id, period, territory, user_ref, promoter, served_at FROM content_deliveries
           WHERE records_root IS NULL ORDER BY served_at, delivery_id`,
        );
  }

  async markAnchored(deliveryIds: readonly string[], recordsRoot: string, txHash: string): Promise<void> {
    for (const id of deliveryIds) {
      await this.#db.exec(`UPDATE content_deliveries SET records_root = $2, anchor_tx = $3 WHERE delivery_id = $1`, [
        id,
        recordsRoot,
        txHash,
      ]);
    }
  }

  /** Anchored deliveries of a licence and period attributed to each promoter. */
  anchoredByPromoter(licenceId: string, period: number): Promise<Array<{ promoter: string; count: number }>> {
    return this.#db.query(
      `SELECT promoter, COUNT(*) AS count FROM content_deliveries
       WHERE licence_id = $1 AND period = $2 AND promoter IS NOT NULL AND records_root IS NOT NULL
       GROUP BY promoter ORDER BY promoter`,
      [licenceId, period],
    );
  }

  /** Deliveries this agent recorded in a period, per licence, and how many of them are anchored. */
  periodCounts(period: number): Promise<Array<{ licence_id: string; recorded: number; anchored: number }>> {
    return this.#db.query(
      `SELECT licence_id, COUNT(*) AS recorded, COUNT(records_root) AS anchored FROM content_deliveries
       WHERE period = $1 GROUP BY licence_id ORDER BY licence_id`,
      [period],
    );
  }
}

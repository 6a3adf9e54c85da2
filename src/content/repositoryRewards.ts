// The records behind this agent's credit reward batches (views, attention, survey answers, promotions, bonuses):
// kept off chain, the user only as a salted reference; the ledger sees each batch's Merkle root. SQL only.
import type { Queryable } from "../core/store/store.ts";

export interface RewardRecord {
  record_id: string;
  batch_id: string;
  period: number;
  kind: string;
  user_ref: string;
  account: string;
  units: number;
  credits: number;
}

export class RewardRecordRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async insert(records: readonly RewardRecord[]): Promise<void> {
    for (const r of records) {
      await this.#db.exec(
        `INSERT INTO content_reward_records (record_id, batch_id, period, kind, user_ref, account, units, credits)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [r.record_id, r.batch_id, r.period, r.kind, r.user_ref, r.account, r.units, r.credits],
      );
    }
  }

  /** Credits this agent recorded per kind in a period (what its issued batches must add up to). */
  totalsByKind(period: number): Promise<Array<{ kind: string; records: number; credits: number }>> {
    return this.#db.query(
      `SELECT kind, COUNT(*) AS records, SUM(credits) AS credits FROM content_reward_records WHERE period = $1
       GROUP BY kind ORDER BY kind`,
      [period],
    );
  }
}

// What this agent keeps off chain for roaming settlement: the agreement terms its member proposed or approved, keyed
// by their hash (the hash is on chain; the tariff stays between the two operators), and the usage records of the
// batches it anchored or confirmed, with their salt. SQL only, no logic.
import type { Queryable } from "../../core/store/store.ts";

export class RoamingSettlementRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Keeps the terms under their hash; the same terms again change nothing. */
  async keepTerms(termsHash: string, termsJson: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO settlement_terms (terms_hash, terms_json) VALUES ($1, $2) ON CONFLICT (terms_hash) DO NOTHING`,
      [termsHash.toLowerCase(), termsJson],
    );
  }

  /** The terms JSON this agent holds for a terms hash, if any. */
  async termsJson(termsHash: string): Promise<string | undefined> {
    const row = await this.#db.one<{ terms_json: string }>(
      `SELECT terms_json FROM settlement_terms WHERE terms_hash = $1`,
      [termsHash.toLowerCase()],
    );
    return row?.terms_json;
  }

  /** Keeps a batch's records with its salt and the rated amounts; the same batch again changes nothing. */
  async keepBatchRecords(batchId: string, salt: string, recordsJson: string, amountsJson: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO settlement_batch_records (batch_id, salt, records_json, amounts_json) VALUES ($1, $2, $3, $4)
       ON CONFLICT (batch_id) DO NOTHING`,
      [batchId.toLowerCase(), salt, recordsJson, amountsJson],
    );
  }

  batchRecords(batchId: string): Promise<{ salt: string; records_json: string; amounts_json: string } | undefined> {
    return this.#db.one(`SELECT salt, records_json, amounts_json FROM settlement_batch_records WHERE batch_id = $1`, [
      batchId.toLowerCase(),
    ]);
  }
}

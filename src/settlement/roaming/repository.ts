// What this agent keeps off chain for roaming settlement: the agreement terms its member proposed or approved, keyed
// by their hash (the hash is on chain; the tariff stays between the two operators). SQL only, no logic.
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
}

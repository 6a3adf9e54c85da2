// Reads of the roaming settlement read model (settlement_agreements, written by projection.ts only).
import type { Queryable } from "../../core/store/store.ts";

export interface AgreementRow {
  agreement_id: string;
  visited: string;
  home: string;
  terms_hash: string;
  previous: string;
  proposer: string;
  status: "proposed" | "active" | "superseded";
  approver: string | null;
  superseded_by: string | null;
  proposed_block: number;
  proposed_at: number;
}

export interface BatchRow {
  batch_id: string;
  agreement_id: string;
  period: number;
  merkle_root: string;
  record_count: number;
  total: string;
  status: "anchored" | "received";
  anchored_block: number;
  anchored_at: number;
  received_at: number | null;
}

export class RoamingSettlementReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  agreement(id: string): Promise<AgreementRow | undefined> {
    return this.#db.one<AgreementRow>(`SELECT * FROM settlement_agreements WHERE agreement_id = $1`, [
      id.toLowerCase(),
    ]);
  }

  /** The agreements `member` is a party to, in id order, `limit + 1` rows after the cursor's id (keyset). */
  agreementsOf(member: string, page: { limit: number; after?: string | undefined }): Promise<AgreementRow[]> {
    const party = member.toLowerCase();
    return page.after === undefined
      ? this.#db.query<AgreementRow>(
          `SELECT * FROM settlement_agreements WHERE (visited = $1 OR home = $1) ORDER BY agreement_id LIMIT $2`,
          [party, page.limit + 1],
        )
      : this.#db.query<AgreementRow>(
          `SELECT * FROM settlement_agreements WHERE (visited = $1 OR home = $1) AND agreement_id > $2
           ORDER BY agreement_id LIMIT $3`,
          [party, page.after, page.limit + 1],
        );
  }

  batch(id: string): Promise<BatchRow | undefined> {
    return this.#db.one<BatchRow>(`SELECT * FROM settlement_batches WHERE batch_id = $1`, [id.toLowerCase()]);
  }

  /** An agreement's batches in id order, `limit + 1` rows after the cursor's id (keyset). */
  batchesOf(agreementId: string, page: { limit: number; after?: string | undefined }): Promise<BatchRow[]> {
    const id = agreementId.toLowerCase();
    return page.after === undefined
      ? this.#db.query<BatchRow>(
          `SELECT * FROM settlement_batches WHERE agreement_id = $1 ORDER BY batch_id LIMIT $2`,
          [id, page.limit + 1],
        )
      : this.#db.query<BatchRow>(
          `SELECT * FROM settlement_batches WHERE agreement_id = $1 AND batch_id > $2 ORDER BY batch_id LIMIT $3`,
          [id, page.after, page.limit + 1],
        );
  }
}

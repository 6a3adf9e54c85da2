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
  status: "anchored" | "received" | "invoiced" | "channel-paid";
  anchored_block: number;
  anchored_at: number;
  received_at: number | null;
  /** The payment channel whose co-signed state (paid_version) paid the batch (status channel-paid). */
  paid_channel: string | null;
  paid_version: number | null;
}

export interface InvoiceRow {
  invoice_id: string;
  agreement_id: string;
  period: number;
  amount: string;
  status: "issued" | "accepted" | "final" | "netted";
  amount_due: string | null;
  credited: string | null;
  escalated: string | null;
  netting_round: string | null;
  issued_block: number;
  issued_at: number;
}

export interface DisputeRow {
  dispute_id: string;
  invoice_id: string;
  batch_id: string;
  record_digest: string;
  amount: string;
  reason: string;
  status: "open" | "credited" | "upheld" | "escalated";
  credit: string;
  by_rule: number;
  disputed_block: number;
}

export interface RoundRow {
  round_id: string;
  token: string;
  period: number;
  invoices: number;
  opened_block: number;
}

export interface PositionRow {
  member: string;
  net: string;
  settled: "paid" | "claimed" | null;
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

  /** An agreement's received batches of one period (what its invoice must cover), in id order. */
  receivedBatches(agreementId: string, period: number): Promise<BatchRow[]> {
    return this.#db.query<BatchRow>(
      `SELECT * FROM settlement_batches WHERE agreement_id = $1 AND period = $2 AND status = 'received' ORDER BY batch_id`,
      [agreementId.toLowerCase(), period],
    );
  }

  /** An agreement's batches of one period, whatever their state, in id order (a period's report). */
  batchesOfPeriod(agreementId: string, period: number): Promise<BatchRow[]> {
    return this.#db.query<BatchRow>(
      `SELECT * FROM settlement_batches WHERE agreement_id = $1 AND period = $2 ORDER BY batch_id`,
      [agreementId.toLowerCase(), period],
    );
  }

  /** The invoice of an agreement's period, if issued (one per period). */
  invoiceOfPeriod(agreementId: string, period: number): Promise<InvoiceRow | undefined> {
    return this.#db.one<InvoiceRow>(`SELECT * FROM settlement_invoices WHERE agreement_id = $1 AND period = $2`, [
      agreementId.toLowerCase(),
      period,
    ]);
  }

  /** Every dispute of an invoice (at most one per record of its batches). */
  disputesOfInvoice(invoiceId: string): Promise<DisputeRow[]> {
    return this.#db.query<DisputeRow>(`SELECT * FROM settlement_disputes WHERE invoice_id = $1 ORDER BY dispute_id`, [
      invoiceId.toLowerCase(),
    ]);
  }

  invoice(id: string): Promise<InvoiceRow | undefined> {
    return this.#db.one<InvoiceRow>(`SELECT * FROM settlement_invoices WHERE invoice_id = $1`, [id.toLowerCase()]);
  }

  /** An agreement's invoices in id order, `limit + 1` rows after the cursor's id (keyset). */
  invoicesOf(agreementId: string, page: { limit: number; after?: string | undefined }): Promise<InvoiceRow[]> {
    const id = agreementId.toLowerCase();
    return page.after === undefined
      ? this.#db.query<InvoiceRow>(
          `SELECT * FROM settlement_invoices WHERE agreement_id = $1 ORDER BY invoice_id LIMIT $2`,
          [id, page.limit + 1],
        )
      : this.#db.query<InvoiceRow>(
          `SELECT * FROM settlement_invoices WHERE agreement_id = $1 AND invoice_id > $2 ORDER BY invoice_id LIMIT $3`,
          [id, page.after, page.limit + 1],
        );
  }

  dispute(id: string): Promise<DisputeRow | undefined> {
    return this.#db.one<DisputeRow>(`SELECT * FROM settlement_disputes WHERE dispute_id = $1`, [id.toLowerCase()]);
  }

  /** An invoice's disputes in id order, `limit + 1` rows after the cursor's id (keyset). */
  disputesOf(invoiceId: string, page: { limit: number; after?: string | undefined }): Promise<DisputeRow[]> {
    const id = invoiceId.toLowerCase();
    return page.after === undefined
      ? this.#db.query<DisputeRow>(
          `SELECT * FROM settlement_disputes WHERE invoice_id = $1 ORDER BY dispute_id LIMIT $2`,
          [id, page.limit + 1],
        )
      : this.#db.query<DisputeRow>(
          `SELECT * FROM settlement_disputes WHERE invoice_id = $1 AND dispute_id > $2 ORDER BY dispute_id LIMIT $3`,
          [id, page.after, page.limit + 1],
        );
  }

  round(id: string): Promise<RoundRow | undefined> {
    return this.#db.one<RoundRow>(`SELECT * FROM settlement_rounds WHERE round_id = $1`, [id.toLowerCase()]);
  }

  /** A round's positions: one per member its invoices touch (bounded by twice its invoices). */
  positions(roundId: string): Promise<PositionRow[]> {
    return this.#db.query<PositionRow>(
      `SELECT member, net, settled FROM settlement_positions WHERE round_id = $1 ORDER BY member`,
      [roundId.toLowerCase()],
    );
  }

  // Every record, for the consistency check (consistency.ts): scans, never served by the API.
  allAgreements(): Promise<AgreementRow[]> {
    return this.#db.query<AgreementRow>(`SELECT * FROM settlement_agreements ORDER BY agreement_id`);
  }

  allBatches(): Promise<BatchRow[]> {
    return this.#db.query<BatchRow>(`SELECT * FROM settlement_batches ORDER BY batch_id`);
  }

  allInvoices(): Promise<InvoiceRow[]> {
    return this.#db.query<InvoiceRow>(`SELECT * FROM settlement_invoices ORDER BY invoice_id`);
  }

  allDisputes(): Promise<DisputeRow[]> {
    return this.#db.query<DisputeRow>(`SELECT * FROM settlement_disputes ORDER BY dispute_id`);
  }

  allPositions(): Promise<Array<PositionRow & { round_id: string }>> {
    return this.#db.query(`SELECT round_id, member, net, settled FROM settlement_positions ORDER BY round_id, member`);
  }
}

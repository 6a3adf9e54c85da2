// Invoices and disputes through the operators' agents. The visited operator invoices a period over exactly its
// received batches and their total (read from the read model, so the invoice matches what the contract will check).
// The home operator accepts it, or disputes single records: its agent finds the record among the batch records it
// holds, rebuilds the batch's tree and sends the record's digest, amount and Merkle proof with a RAP-like reason. The
// visited operator answers with a credit note (or 0 to uphold), and an invoice with no dispute open is finalised.
// No HTTP, no SQL.
import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { invalidField } from "../../core/errors/index.ts";
import { SettlementError } from "../errors.ts";
import { buildBatch, proofOf } from "../usage/canonical.ts";
import type { UsageRecord } from "../usage/record.ts";
import type { RoamingAgreements } from "./agreements.ts";
import { DISPUTE_REASONS } from "./projection.ts";
import type { AgreementRow, DisputeRow, InvoiceRow } from "./readModel.ts";
import type { RoamingSettlementRepository } from "./repository.ts";

import { readAfterSync, type SettlementLedger, sendSettlement } from "./write.ts";

export type DisputeReason = Exclude<(typeof DISPUTE_REASONS)[number], "None">;

export interface InvoiceOptions extends SettlementLedger {
  agreements: RoamingAgreements;
  repository: RoamingSettlementRepository;
}

export class RoamingInvoices {
  readonly #o: InvoiceOptions;
  readonly #me: Address;

  constructor(options: InvoiceOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase() as Address;
  }

  /** The visited operator invoices `period` over the period's received batches, for exactly their total. */
  async issue(agreementId: Hex, period: number) {
    const agreement = await this.#o.agreements.row(agreementId);
    this.#requireSide(agreement, "visited", "issues its invoices");
    await this.#o.sync();
    const invoiceId = keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "uint64" }, { type: "address" }],
        [agreement.agreement_id as Hex, BigInt(period), this.#me],
      ),
    );
    if (await this.#o.readModel.invoice(invoiceId)) {
      throw new SettlementError("SETTLEMENT_ALREADY_EXISTS", `period ${period} was invoiced: ${invoiceId}`, {
        field: "body.period",
        details: { invoiceId },
      });
    }
    const batches = await this.#o.readModel.receivedBatches(agreement.agreement_id, period);
    if (batches.length === 0) {
      throw invalidField("body.period", `has no batch the home operator confirmed under ${agreement.agreement_id}`);
    }
    const batchIds = batches.map((b) => b.batch_id as Hex);
    const amount = batches.reduce((sum, b) => sum + BigInt(b.total), 0n);
    const receipt = await sendSettlement(
      this.#o,
      "issueInvoice",
      [agreement.agreement_id, BigInt(period), batchIds, amount],
      `settlement.issueInvoice ${invoiceId}`,
    );
    await this.#o.sync();
    return {
      invoiceId,
      agreementId: agreement.agreement_id as Hex,
      period,
      batchIds,
      amount: amount.toString(),
      txHash: receipt.transactionHash,
    };
  }

  async accept(invoiceId: Hex) {
    const { invoice, agreement } = await this.#invoice(invoiceId);
    this.#requireSide(agreement, "home", "accepts its invoices");
    this.#requireStatus(invoice.invoice_id, invoice.status, "issued");
    const receipt = await sendSettlement(
      this.#o,
      "acceptInvoice",
      [invoice.invoice_id],
      `settlement.acceptInvoice ${invoiceId}`,
    );
    await this.#o.sync();
    return { invoiceId: invoice.invoice_id as Hex, txHash: receipt.transactionHash, status: "accepted" as const };
  }

  /** The home operator disputes one record of an invoiced batch, found by its ref among the records it holds. */
  async dispute(invoiceId: Hex, input: { batchId: Hex; recordRef: string; reason: DisputeReason }) {
    const { invoice, agreement } = await this.#invoice(invoiceId);
    this.#requireSide(agreement, "home", "disputes its invoices' records");
    this.#requireStatus(invoice.invoice_id, invoice.status, "issued");
    const batch = await this.#o.readModel.batch(input.batchId);
    // The invoice covers exactly the period's batches that were received when it was issued: those now "invoiced".
    const inInvoice =
      batch?.agreement_id === invoice.agreement_id &&
      Number(batch.period) === Number(invoice.period) &&
      batch.status === "invoiced";
    if (!batch || !inInvoice) {
      throw invalidField("body.batchId", `is no batch of invoice ${invoice.invoice_id}`);
    }
    const held = await this.#o.repository.batchRecords(batch.batch_id);
    if (!held) {
      throw new SettlementError(
        "SETTLEMENT_RECORDS_UNKNOWN",
        `this agent does not hold the records of ${batch.batch_id}`,
        {
          field: "body.batchId",
        },
      );
    }
    const records = JSON.parse(held.records_json) as UsageRecord[];
    const index = records.findIndex((r) => r.ref === input.recordRef);
    if (index < 0) throw invalidField("body.recordRef", `is no record of batch ${batch.batch_id}`);
    const tree = buildBatch(records, JSON.parse(held.amounts_json) as number[], held.salt as Hex);
    const { digest, amount, proof } = proofOf(tree, index);
    const disputeId = keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }],
        [invoice.invoice_id as Hex, batch.batch_id as Hex, digest],
      ),
    );
    if (await this.#o.readModel.dispute(disputeId)) {
      throw new SettlementError("SETTLEMENT_ALREADY_EXISTS", `record ${input.recordRef} is disputed already`, {
        field: "body.recordRef",
        details: { disputeId },
      });
    }
    const receipt = await sendSettlement(
      this.#o,
      "disputeRecord",
      [invoice.invoice_id, batch.batch_id, digest, amount, proof, DISPUTE_REASONS.indexOf(input.reason)],
      `settlement.disputeRecord ${disputeId}`,
    );
    await this.#o.sync();
    return {
      disputeId,
      invoiceId: invoice.invoice_id as Hex,
      recordDigest: digest,
      amount: amount.toString(),
      txHash: receipt.transactionHash,
    };
  }

  /** The visited operator answers a dispute: a credit note of `credit` minor units, or "0" to uphold its charge. */
  async answer(disputeId: Hex, credit: string) {
    const dispute = await this.#dispute(disputeId);
    const { invoice, agreement } = await this.#invoice(dispute.invoice_id as Hex);
    this.#requireSide(agreement, "visited", "answers disputes");
    this.#requireStatus(dispute.dispute_id, dispute.status, "open");
    if (BigInt(credit) > BigInt(dispute.amount)) {
      throw invalidField("body.credit", `must be at most the disputed record's amount ${dispute.amount}`);
    }
    const receipt = await sendSettlement(
      this.#o,
      "answerDispute",
      [dispute.dispute_id, BigInt(credit)],
      `settlement.answerDispute ${dispute.dispute_id}`,
    );
    await this.#o.sync();
    return {
      disputeId: dispute.dispute_id as Hex,
      invoiceId: invoice.invoice_id as Hex,
      status: BigInt(credit) === 0n ? ("upheld" as const) : ("credited" as const),
      txHash: receipt.transactionHash,
    };
  }

  /** The home operator escalates a dispute whose charge the visited operator upheld: its amount is held out. */
  async escalate(disputeId: Hex) {
    const dispute = await this.#dispute(disputeId);
    const { invoice, agreement } = await this.#invoice(dispute.invoice_id as Hex);
    this.#requireSide(agreement, "home", "escalates disputes");
    this.#requireStatus(dispute.dispute_id, dispute.status, "upheld");
    const receipt = await sendSettlement(
      this.#o,
      "escalateDispute",
      [dispute.dispute_id],
      `settlement.escalateDispute ${dispute.dispute_id}`,
    );
    await this.#o.sync();
    return {
      disputeId: dispute.dispute_id as Hex,
      invoiceId: invoice.invoice_id as Hex,
      status: "escalated" as const,
      txHash: receipt.transactionHash,
    };
  }

  /**
   * Either operator applies the rule for a dispute the visited operator left unanswered for a second window (the
   * invoice's issue time plus twice the dispute window): the record's whole amount is credited. Before that the
   * ledger refuses it (SETTLEMENT_WINDOW, naming the time it opens).
   */
  async creditUnanswered(disputeId: Hex) {
    const dispute = await this.#dispute(disputeId);
    const { invoice, agreement } = await this.#invoice(dispute.invoice_id as Hex);
    this.#requireParty(agreement);
    this.#requireStatus(dispute.dispute_id, dispute.status, "open");
    const receipt = await sendSettlement(
      this.#o,
      "creditUnanswered",
      [dispute.dispute_id],
      `settlement.creditUnanswered ${dispute.dispute_id}`,
    );
    await this.#o.sync();
    return {
      disputeId: dispute.dispute_id as Hex,
      invoiceId: invoice.invoice_id as Hex,
      status: "credited" as const,
      txHash: receipt.transactionHash,
    };
  }

  /** Either operator finalises an invoice with no dispute open, once accepted or past its dispute window. */
  async finalize(invoiceId: Hex) {
    const { invoice, agreement } = await this.#invoice(invoiceId);
    this.#requireParty(agreement);
    if (invoice.status === "final" || invoice.status === "netted")
      this.#requireStatus(invoice.invoice_id, invoice.status, "issued or accepted");
    const receipt = await sendSettlement(
      this.#o,
      "finalizeInvoice",
      [invoice.invoice_id],
      `settlement.finalizeInvoice ${invoiceId}`,
    );
    await this.#o.sync();
    const final = await this.#o.readModel.invoice(invoice.invoice_id);
    return { ...invoiceView(final ?? invoice), txHash: receipt.transactionHash };
  }

  async get(invoiceId: Hex) {
    const { invoice, agreement } = await this.#invoice(invoiceId);
    this.#requireParty(agreement);
    return invoiceView(invoice);
  }

  async list(agreementId: Hex, page: { limit: number; after?: string | undefined }) {
    await this.#o.agreements.get(agreementId); // a party of the agreement, or refused
    return (await this.#o.readModel.invoicesOf(agreementId, page)).map(invoiceView);
  }

  async disputes(invoiceId: Hex, page: { limit: number; after?: string | undefined }) {
    const { invoice, agreement } = await this.#invoice(invoiceId);
    this.#requireParty(agreement);
    return (await this.#o.readModel.disputesOf(invoice.invoice_id, page)).map(disputeView);
  }

  async #invoice(invoiceId: Hex): Promise<{ invoice: InvoiceRow; agreement: AgreementRow }> {
    const invoice = await readAfterSync(
      () => this.#o.readModel.invoice(invoiceId),
      () => this.#o.sync(),
    );
    if (!invoice) {
      throw new SettlementError("SETTLEMENT_INVOICE_NOT_FOUND", `no invoice ${invoiceId}`, {
        field: "params.invoiceId",
      });
    }
    return { invoice, agreement: await this.#o.agreements.row(invoice.agreement_id as Hex) };
  }

  async #dispute(disputeId: Hex): Promise<DisputeRow> {
    const dispute = await readAfterSync(
      () => this.#o.readModel.dispute(disputeId),
      () => this.#o.sync(),
    );
    if (!dispute) {
      throw new SettlementError("SETTLEMENT_DISPUTE_NOT_FOUND", `no dispute ${disputeId}`, {
        field: "params.disputeId",
      });
    }
    return dispute;
  }

  #requireStatus(id: string, status: string, needed: string): void {
    if (status !== needed) {
      throw new SettlementError("SETTLEMENT_WRONG_STATE", `${id} is ${status}, not ${needed}`, { details: { status } });
    }
  }

  #requireParty(agreement: AgreementRow): void {
    if (this.#me !== agreement.visited && this.#me !== agreement.home) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only the two operators of ${agreement.agreement_id} see its invoices`,
      );
    }
  }

  #requireSide(agreement: AgreementRow, side: "visited" | "home", what: string): void {
    if (this.#me !== agreement[side]) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only the ${side} operator ${agreement[side]} of agreement ${agreement.agreement_id} ${what} (this member is ${this.#me})`,
      );
    }
  }
}

export function invoiceView(row: InvoiceRow) {
  return {
    invoiceId: row.invoice_id as Hex,
    agreementId: row.agreement_id as Hex,
    period: Number(row.period),
    amount: row.amount,
    status: row.status,
    amountDue: row.amount_due,
    credited: row.credited,
    escalated: row.escalated,
    nettingRound: (row.netting_round ?? null) as Hex | null,
    issuedBlock: Number(row.issued_block),
    issuedAt: Number(row.issued_at),
  };
}

export function disputeView(row: DisputeRow) {
  return {
    disputeId: row.dispute_id as Hex,
    invoiceId: row.invoice_id as Hex,
    batchId: row.batch_id as Hex,
    recordDigest: row.record_digest as Hex,
    amount: row.amount,
    reason: row.reason,
    status: row.status,
    credit: row.credit,
    byRule: Number(row.by_rule) === 1,
  };
}

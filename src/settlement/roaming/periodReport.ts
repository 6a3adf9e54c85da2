// The reconciliation report of one agreement's period, from what this agent holds: every record of the period's
// batches whose records it keeps (the visited operator's own, or those the home operator confirmed), each classed by
// what became of it on the ledger: matched (invoiced, never disputed), disputed (its dispute is open, upheld or
// escalated: the charge stands or is held out), adjusted (a credit note, by the visited operator or by rule), or
// paid by channel (its batch was paid through the operators' payment channel: a co-signed state names it, so it is
// not in the invoice, or credited on it), or uninvoiced (its batch is not in the period's invoice, e.g. never
// confirmed). Records are tied to disputes by their
// salted digest, as the contract knows them. Totals per class, the invoice's figures, and CSV lines per record.
// Pure: the service (reports.ts) reads the rows.
import type { Hex } from "../usage/canonical.ts";
import { recordDigest } from "../usage/canonical.ts";
import type { UsageRecord } from "../usage/record.ts";
import type { BatchRow, DisputeRow, InvoiceRow } from "./readModel.ts";

export type RecordOutcome = "matched" | "disputed" | "adjusted" | "paid by channel" | "uninvoiced";

export interface ReportRecord {
  batchId: string;
  ref: string;
  kind: string;
  startUtc: string;
  amount: string;
  outcome: RecordOutcome;
  /** The dispute's reason and state, when the record was disputed. */
  reason: string | null;
  disputeStatus: DisputeRow["status"] | null;
  credit: string;
  /** What the record adds to the amount due: its amount less any credit; 0 while held out by escalation. */
  due: string;
}

export interface ClassTotal {
  records: number;
  amount: string;
}

export interface PeriodReport {
  agreementId: string;
  period: number;
  invoice: {
    invoiceId: string;
    status: InvoiceRow["status"];
    amount: string;
    amountDue: string | null;
    nettingRound: string | null;
  } | null;
  batches: { total: number; recordsHeld: number; invoiced: number; paidByChannel: number };
  totals: {
    records: number;
    amount: string;
    matched: ClassTotal;
    disputed: ClassTotal;
    adjusted: ClassTotal & { credited: string };
    /** Records of batches paid through the payment channel: not due on the invoice. */
    paidByChannel: ClassTotal;
    uninvoiced: ClassTotal;
    escalated: string;
    due: string;
  };
  records: ReportRecord[];
}

export interface HeldBatch {
  row: BatchRow;
  /** The records, salt and rated amounts this agent keeps, if it holds them. */
  held: { salt: Hex; records: UsageRecord[]; amounts: number[] } | undefined;
}

export function periodReport(
  agreementId: string,
  period: number,
  invoice: InvoiceRow | undefined,
  batches: HeldBatch[],
  disputes: DisputeRow[],
): PeriodReport {
  const byDigest = new Map(disputes.map((d) => [`${d.batch_id}:${d.record_digest}`, d]));
  const zero = () => ({ records: 0, amount: 0n });
  const sums = {
    matched: zero(),
    disputed: zero(),
    adjusted: zero(),
    "paid by channel": zero(),
    uninvoiced: zero(),
  };
  let credited = 0n;
  let escalated = 0n;
  let due = 0n;
  const records: ReportRecord[] = [];
  for (const { row, held } of batches) {
    if (!held) continue;
    const invoiced = invoice !== undefined && row.status === "invoiced";
    const channelPaid = row.status === "channel-paid";
    held.records.forEach((record, i) => {
      const amount = BigInt(held.amounts[i] ?? 0);
      const dispute = byDigest.get(`${row.batch_id}:${recordDigest(record, held.salt)}`);
      const credit = dispute ? BigInt(dispute.credit) : 0n;
      const outcome: RecordOutcome = channelPaid
        ? "paid by channel"
        : !invoiced
          ? "uninvoiced"
          : !dispute
            ? "matched"
            : dispute.status === "credited"
              ? "adjusted"
              : "disputed";
      const held_out = dispute?.status === "escalated" ? amount : 0n;
      const recordDue = outcome === "uninvoiced" || channelPaid ? 0n : amount - credit - held_out;
      sums[outcome].records++;
      sums[outcome].amount += amount;
      credited += credit;
      escalated += held_out;
      due += recordDue;
      records.push({
        batchId: row.batch_id,
        ref: record.ref,
        kind: record.kind,
        startUtc: record.startUtc,
        amount: amount.toString(),
        outcome,
        reason: dispute?.reason ?? null,
        disputeStatus: dispute?.status ?? null,
        credit: credit.toString(),
        due: recordDue.toString(),
      });
    });
  }
  const total = (c: { records: number; amount: bigint }) => ({ records: c.records, amount: c.amount.toString() });
  return {
    agreementId,
    period,
    invoice: invoice
      ? {
          invoiceId: invoice.invoice_id,
          status: invoice.status,
          amount: invoice.amount,
          amountDue: invoice.amount_due,
          nettingRound: invoice.netting_round ?? null,
        }
      : null,
    batches: {
      total: batches.length,
      recordsHeld: batches.filter((b) => b.held).length,
      invoiced: batches.filter((b) => b.row.status === "invoiced").length,
      paidByChannel: batches.filter((b) => b.row.status === "channel-paid").length,
    },
    totals: {
      records: records.length,
      amount: records.reduce((s, r) => s + BigInt(r.amount), 0n).toString(),
      matched: total(sums.matched),
      disputed: total(sums.disputed),
      adjusted: { ...total(sums.adjusted), credited: credited.toString() },
      paidByChannel: total(sums["paid by channel"]),
      uninvoiced: total(sums.uninvoiced),
      escalated: escalated.toString(),
      due: due.toString(),
    },
    records,
  };
}

export const REPORT_CSV_HEADER = "batchId,ref,kind,startUtc,amount,outcome,reason,disputeStatus,credit,due";

const cell = (v: string | null) => (v === null ? "" : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** One CSV line per record (header first); the totals are in the JSON report. */
export function periodReportCsv(report: PeriodReport): string {
  const lines = report.records.map((r) =>
    [r.batchId, r.ref, r.kind, r.startUtc, r.amount, r.outcome, r.reason, r.disputeStatus, r.credit, r.due]
      .map(cell)
      .join(","),
  );
  return `${[REPORT_CSV_HEADER, ...lines].join("\n")}\n`;
}

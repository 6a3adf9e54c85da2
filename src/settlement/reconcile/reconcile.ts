// Reconciliation of one period: the visited operator's invoiced records (with the amounts it charged) against the home
// operator's own view of the same usage (rated by the home side with the same tariff). Records are matched by their
// content (everything but the reference, which each side numbers itself), so a record sent twice under two
// references is a duplicate, one only the visited side has is missing at home, and a matched record with another
// amount was rated differently. Each discrepancy carries the dispute reason the home operator would raise.
import type { UsageRecord } from "../usage/record.ts";

export type DiscrepancyKind = "duplicate" | "missing_at_home" | "missing_at_visited" | "amount_differs";

/** The RAP-like reasons of IRoamingSettlement.DisputeReason, by name. */
export type DisputeReasonName = "Duplicate" | "NotOurSubscriber" | "WrongRate" | "None";

export interface Discrepancy {
  kind: DiscrepancyKind;
  /** The visited side's reference (the home side's for missing_at_visited). */
  ref: string;
  visitedAmount: number | null;
  homeAmount: number | null;
  /** What the home operator disputes with; None for usage the visited side did not bill (nothing to dispute). */
  reason: DisputeReasonName;
}

export interface RatedUsage {
  record: UsageRecord;
  amount: number;
}

export interface ReconciliationReport {
  matched: number;
  matchedAmount: number;
  visitedRecords: number;
  visitedAmount: number;
  homeRecords: number;
  homeAmount: number;
  /** What the home operator disputes: the visited amounts of duplicates and records it has no trace of, and the
   * differences on records rated differently. */
  disputedAmount: number;
  discrepancies: Discrepancy[];
}

const REASONS: Record<DiscrepancyKind, DisputeReasonName> = {
  duplicate: "Duplicate",
  missing_at_home: "NotOurSubscriber",
  missing_at_visited: "None",
  amount_differs: "WrongRate",
};

/** Everything that identifies a usage event, without the per-side reference or the charge. */
export function usageKey(r: UsageRecord): string {
  return `${r.kind}|${r.sender}|${r.recipient}|${r.imsi}|${r.msisdn}|${r.startUtc}|${r.durationSeconds}|${r.volumeIncomingBytes}|${r.volumeOutgoingBytes}|${r.calledNumber}|${r.serviceCode}|${r.apn}`;
}

export function reconcile(visited: Iterable<RatedUsage>, home: Iterable<RatedUsage>): ReconciliationReport {
  const report: ReconciliationReport = {
    matched: 0,
    matchedAmount: 0,
    visitedRecords: 0,
    visitedAmount: 0,
    homeRecords: 0,
    homeAmount: 0,
    disputedAmount: 0,
    discrepancies: [],
  };
  // The home side's view: content key -> (ref, amount); consumed as visited records match it.
  const homeByKey = new Map<string, { ref: string; amount: number }>();
  for (const { record, amount } of home) {
    report.homeRecords++;
    report.homeAmount += amount;
    homeByKey.set(usageKey(record), { ref: record.ref, amount });
  }
  const seen = new Set<string>();
  const add = (kind: DiscrepancyKind, ref: string, visitedAmount: number | null, homeAmount: number | null) => {
    report.discrepancies.push({ kind, ref, visitedAmount, homeAmount, reason: REASONS[kind] });
  };
  for (const { record, amount } of visited) {
    report.visitedRecords++;
    report.visitedAmount += amount;
    const key = usageKey(record);
    if (seen.has(key)) {
      add("duplicate", record.ref, amount, null);
      report.disputedAmount += amount;
      continue;
    }
    seen.add(key);
    const ours = homeByKey.get(key);
    if (!ours) {
      add("missing_at_home", record.ref, amount, null);
      report.disputedAmount += amount;
      continue;
    }
    homeByKey.delete(key);
    report.matched++;
    report.matchedAmount += Math.min(amount, ours.amount);
    if (ours.amount !== amount) {
      add("amount_differs", record.ref, amount, ours.amount);
      report.disputedAmount += Math.max(0, amount - ours.amount);
    }
  }
  for (const { ref, amount } of homeByKey.values()) add("missing_at_visited", ref, null, amount);
  return report;
}

export const DISCREPANCY_CSV_HEADER = "kind,ref,visitedAmount,homeAmount,reason";

/** The report's discrepancies as CSV lines (header first); the totals are in the JSON report. */
export function* discrepanciesCsv(report: ReconciliationReport): Generator<string> {
  yield `${DISCREPANCY_CSV_HEADER}\n`;
  for (const d of report.discrepancies) {
    const ref = /[",\n]/.test(d.ref) ? `"${d.ref.replaceAll('"', '""')}"` : d.ref;
    yield `${d.kind},${ref},${d.visitedAmount ?? ""},${d.homeAmount ?? ""},${d.reason}\n`;
  }
}

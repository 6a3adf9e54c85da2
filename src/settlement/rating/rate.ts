// Rating in integer minor units: each record's charged units (seconds after increments, events, data units after
// the per-session rounding step) and amount, and a period's totals with marginal data tiers. Everything is exact
// integer arithmetic (JavaScript numbers, checked to stay below 2^53); the SQL twin in the tests must agree to the unit.
import type { ServiceKind, UsageRecord } from "../usage/record.ts";
import { type ChargingIncrement, checkTariff, type Rounding, type Tariff } from "./tariff.ts";

export interface RatedRecord {
  ref: string;
  kind: ServiceKind;
  /** Seconds charged, events (1), or for data the bytes charged (the session volume rounded up to the increment). */
  units: number;
  /** For data: the same bytes charged; otherwise 0. */
  chargedBytes: number;
  destinationClass: string | null;
  /** At the base rate (data at the first tier; the period's tier discount is in PeriodTotals). */
  amount: number;
}

export interface PeriodTotals {
  records: number;
  byKind: Record<string, { records: number; amount: number }>;
  /** Sum of the records' amounts at base rates. */
  baseAmount: number;
  dataBytes: number;
  dataUnits: number;
  /** The period's data at the tiers' marginal rates minus the same bytes at the base rate, each rounded once
   * (zero with one tier, negative: a volume discount). */
  tierAdjustment: number;
  /** What the home operator owes for the period: baseAmount + tierAdjustment. */
  amount: number;
}

/** Integer division of a non-negative numerator with the tariff's rounding. */
export function divide(numerator: number, denominator: number, rounding: Rounding): number {
  if (!Number.isSafeInteger(numerator) || numerator < 0) throw new Error(`amount ${numerator} out of range`);
  const q = Math.floor(numerator / denominator);
  const r = numerator - q * denominator;
  if (r === 0 || rounding === "down") return q;
  if (rounding === "up") return q + 1;
  return 2 * r >= denominator ? q + 1 : q;
}

/** Seconds charged under a first/next increment: nothing for zero, the first block in full, then whole blocks. */
export function chargedSeconds(duration: number, inc: ChargingIncrement): number {
  if (duration <= 0) return 0;
  if (duration <= inc.first) return inc.first;
  return inc.first + Math.ceil((duration - inc.first) / inc.next) * inc.next;
}

/** A tariff prepared for rating many records: prefix lookup by length, tiers sorted. */
export class Rater {
  readonly tariff: Tariff;
  private readonly prefixes: Map<string, string>;
  private readonly prefixLengths: number[];

  constructor(tariff: Tariff) {
    checkTariff(tariff);
    this.tariff = tariff;
    this.prefixes = new Map(Object.entries(tariff.destinationPrefixes));
    this.prefixLengths = [...new Set([...this.prefixes.keys()].map((p) => p.length))].sort((a, b) => b - a);
  }

  destinationClass(calledNumber: string | null): string {
    if (calledNumber) {
      for (const length of this.prefixLengths) {
        const cls = this.prefixes.get(calledNumber.slice(0, length));
        if (cls !== undefined && calledNumber.length >= length) return cls;
      }
    }
    return this.tariff.defaultClass;
  }

  rate(record: UsageRecord): RatedRecord {
    const t = this.tariff;
    const out: RatedRecord = {
      ref: record.ref,
      kind: record.kind,
      units: 1,
      chargedBytes: 0,
      destinationClass: null,
      amount: 0,
    };
    switch (record.kind) {
      case "MOC":
      case "VOICE": {
        const cls = this.destinationClass(record.calledNumber);
        const rate = t.outgoing[cls];
        if (!rate) throw new Error(`no outgoing rate for class ${cls}`);
        out.destinationClass = cls;
        out.units = chargedSeconds(record.durationSeconds, rate.increment);
        out.amount = divide(out.units * rate.perMinute, 60, t.rounding);
        return out;
      }
      case "MTC":
        out.units = chargedSeconds(record.durationSeconds, t.incoming.increment);
        out.amount = divide(out.units * t.incoming.perMinute, 60, t.rounding);
        return out;
      case "SMS_MO":
        out.amount = t.smsMo;
        return out;
      case "SMS_MT":
        out.amount = t.smsMt;
        return out;
      case "SUPPL":
        out.amount = t.supplementary;
        return out;
      case "GPRS": {
        const d = t.data;
        const bytes = record.volumeIncomingBytes + record.volumeOutgoingBytes;
        out.chargedBytes = Math.ceil(bytes / d.incrementBytes) * d.incrementBytes;
        out.units = out.chargedBytes;
        out.amount = divide(out.chargedBytes * (d.tiers[0]?.perUnit ?? 0), d.unitBytes, t.rounding);
        return out;
      }
    }
  }

  /** Bytes at the first tier's rate, rounded once. */
  baseData(bytes: number): number {
    const d = this.tariff.data;
    return divide(bytes * (d.tiers[0]?.perUnit ?? 0), d.unitBytes, this.tariff.rounding);
  }

  /** Data charged for a period's total bytes with marginal tiers, rounded once. */
  tieredData(totalBytes: number): number {
    const d = this.tariff.data;
    // Sum over tiers of bytes-in-tier * rate, then one division: exact, and independent of record order.
    let weighted = 0;
    d.tiers.forEach((tier, i) => {
      const from = tier.fromUnits * d.unitBytes;
      const next = d.tiers[i + 1];
      const to = next ? next.fromUnits * d.unitBytes : Number.POSITIVE_INFINITY;
      const inTier = Math.max(0, Math.min(totalBytes, to) - from);
      weighted += inTier * tier.perUnit;
    });
    return divide(weighted, d.unitBytes, this.tariff.rounding);
  }
}

/** Running period totals; add rated records as they stream, then finish(). */
export class PeriodAccumulator {
  private readonly rater: Rater;
  readonly totals: PeriodTotals = {
    records: 0,
    byKind: {},
    baseAmount: 0,
    dataBytes: 0,
    dataUnits: 0,
    tierAdjustment: 0,
    amount: 0,
  };

  constructor(rater: Rater) {
    this.rater = rater;
  }

  add(rated: RatedRecord): void {
    const t = this.totals;
    t.records++;
    t.baseAmount += rated.amount;
    const k = t.byKind[rated.kind] ?? { records: 0, amount: 0 };
    k.records++;
    k.amount += rated.amount;
    t.byKind[rated.kind] = k;
    if (rated.kind === "GPRS") {
      t.dataBytes += rated.chargedBytes;
    }
  }

  finish(): PeriodTotals {
    const t = this.totals;
    t.dataUnits = Math.ceil(t.dataBytes / this.rater.tariff.data.unitBytes);
    t.tierAdjustment = this.rater.tieredData(t.dataBytes) - this.rater.baseData(t.dataBytes);
    t.amount = t.baseAmount + t.tierAdjustment;
    if (!Number.isSafeInteger(t.amount)) throw new Error("period amount exceeds exact integer range");
    return t;
  }
}

export function rateAll(records: Iterable<UsageRecord>, rater: Rater): { rated: RatedRecord[]; totals: PeriodTotals } {
  const acc = new PeriodAccumulator(rater);
  const rated: RatedRecord[] = [];
  for (const r of records) {
    const x = rater.rate(r);
    rated.push(x);
    acc.add(x);
  }
  return { rated, totals: acc.finish() };
}

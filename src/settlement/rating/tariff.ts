// An agreement's inter-operator tariff, as both operators sign it: integer rates in minor units of the agreement's
// currency (10^-decimals), charging increments per service, a rounding rule, destination classes by number prefix,
// and optional volume tiers for data over a settlement period. No floating point anywhere.
import type { ServiceKind } from "../usage/record.ts";

/** "first/next": the first `first` seconds are charged in full, then blocks of `next` seconds (1/1, 30/30, 60/60...). */
export interface ChargingIncrement {
  first: number;
  next: number;
}

export type Rounding = "up" | "down" | "half-up";

export interface VoiceRate {
  /** Per minute, in minor units. */
  perMinute: number;
  increment: ChargingIncrement;
}

export interface DataTier {
  /** The tier applies to period units from here on (the first tier starts at 0). */
  fromUnits: number;
  perUnit: number;
}

export interface Tariff {
  currency: string;
  /** Minor units of the currency the rates and results are in (3: thousandths, as TAP's TapDecimalPlaces 3). */
  decimals: number;
  rounding: Rounding;
  /** Calls out (MOC, and wholesale VOICE CDRs) per destination class. */
  outgoing: Record<string, VoiceRate>;
  /** Called-number prefix -> destination class; longest prefix wins; unmatched numbers take defaultClass. */
  destinationPrefixes: Record<string, string>;
  defaultClass: string;
  incoming: VoiceRate;
  smsMo: number;
  smsMt: number;
  supplementary: number;
  data: {
    /** Bytes in one charged unit (1_048_576: per MiB) and the rounding step for each session (1024: per KiB). */
    unitBytes: number;
    incrementBytes: number;
    /** Ascending; marginal (each unit at its tier's rate) over the period's total units. */
    tiers: DataTier[];
  };
}

export const SAMPLE_TARIFF: Tariff = {
  currency: "EUR",
  decimals: 3,
  rounding: "half-up",
  outgoing: {
    home: { perMinute: 45, increment: { first: 30, next: 30 } },
    eu: { perMinute: 120, increment: { first: 60, next: 60 } },
    world: { perMinute: 900, increment: { first: 60, next: 1 } },
  },
  destinationPrefixes: { "49": "home", "33": "eu", "34": "eu", "39": "eu", "44": "eu", "1": "world" },
  defaultClass: "world",
  incoming: { perMinute: 10, increment: { first: 1, next: 1 } },
  smsMo: 8,
  smsMt: 0,
  supplementary: 5,
  data: {
    unitBytes: 1_048_576,
    incrementBytes: 1024,
    tiers: [
      { fromUnits: 0, perUnit: 2 },
      { fromUnits: 100_000, perUnit: 1 },
    ],
  },
};

/** The services a tariff prices, for reports. */
export const RATED_KINDS: readonly ServiceKind[] = ["MOC", "MTC", "SMS_MO", "SMS_MT", "GPRS", "SUPPL", "VOICE"];

/** Checks a tariff's numbers (integers, increments > 0, tiers ascending from 0); throws naming the field. */
export function checkTariff(t: Tariff, path = "tariff"): void {
  const nonNegative = (v: unknown, field: string) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw new Error(`${path}.${field} must be a non-negative integer`);
    }
  };
  const positive = (v: unknown, field: string) => {
    nonNegative(v, field);
    if (v === 0) throw new Error(`${path}.${field} must be > 0`);
  };
  const voice = (r: VoiceRate | undefined, field: string) => {
    if (!r) throw new Error(`${path}.${field} is missing`);
    nonNegative(r.perMinute, `${field}.perMinute`);
    positive(r.increment?.first, `${field}.increment.first`);
    positive(r.increment?.next, `${field}.increment.next`);
  };
  nonNegative(t.decimals, "decimals");
  if (!["up", "down", "half-up"].includes(t.rounding)) throw new Error(`${path}.rounding must be up, down or half-up`);
  for (const [cls, rate] of Object.entries(t.outgoing)) voice(rate, `outgoing.${cls}`);
  if (!t.outgoing[t.defaultClass]) throw new Error(`${path}.defaultClass ${t.defaultClass} has no outgoing rate`);
  for (const [prefix, cls] of Object.entries(t.destinationPrefixes)) {
    if (!/^\d{1,8}$/.test(prefix)) throw new Error(`${path}.destinationPrefixes.${prefix} must be 1-8 digits`);
    if (!t.outgoing[cls]) throw new Error(`${path}.destinationPrefixes.${prefix}: class ${cls} has no outgoing rate`);
  }
  voice(t.incoming, "incoming");
  nonNegative(t.smsMo, "smsMo");
  nonNegative(t.smsMt, "smsMt");
  nonNegative(t.supplementary, "supplementary");
  positive(t.data.unitBytes, "data.unitBytes");
  positive(t.data.incrementBytes, "data.incrementBytes");
  if (t.data.tiers.length === 0 || t.data.tiers[0]?.fromUnits !== 0) {
    throw new Error(`${path}.data.tiers must start at fromUnits 0`);
  }
  t.data.tiers.forEach((tier, i) => {
    nonNegative(tier.fromUnits, `data.tiers[${i}].fromUnits`);
    nonNegative(tier.perUnit, `data.tiers[${i}].perUnit`);
    if (i > 0 && tier.fromUnits <= (t.data.tiers[i - 1]?.fromUnits ?? 0)) {
      throw new Error(`${path}.data.tiers[${i}].fromUnits must be above the previous tier's`);
    }
  });
}

// Rating in integer minor units, checked by hand on the edges (increments, rounding, prefixes, tiers) and
// differentially against an independent formulation of the same tariff in SQL (SQLite, node:sqlite): the same
// 20,000 random records under six tariffs must get the same units, classes and amounts, record by record.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import { chargedSeconds, divide, Rater, rateAll } from "../../src/settlement/rating/rate.ts";
import { SAMPLE_TARIFF, type Tariff } from "../../src/settlement/rating/tariff.ts";
import type { ServiceKind, UsageRecord } from "../../src/settlement/usage/record.ts";

function record(kind: ServiceKind, fields: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ref: "r",
    kind,
    sender: "DEUAA",
    recipient: "FRABB",
    imsi: null,
    msisdn: null,
    startLocal: "20260301120000",
    utcOffset: "+0100",
    startUtc: "2026-03-01T11:00:00Z",
    durationSeconds: 0,
    volumeIncomingBytes: 0,
    volumeOutgoingBytes: 0,
    calledNumber: null,
    serviceCode: null,
    apn: null,
    recEntityId: null,
    locationArea: null,
    cellId: null,
    charge: 0,
    chargeDecimals: 3,
    currency: "EUR",
    ...fields,
  };
}

/** A small deterministic PRNG (mulberry32) so a failure is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: ServiceKind[] = ["MOC", "MTC", "SMS_MO", "SMS_MT", "GPRS", "SUPPL", "VOICE"];
const EDGE_DURATIONS = [0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 119, 120, 121, 3599, 3600, 86_399];
const NUMBERS = [null, "4930123456", "331234", "3412", "39", "4412345", "15551234", "86123", "3", "4"];

function randomRecords(n: number, seed: number): UsageRecord[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) =>
    record(pick(KINDS), {
      ref: `r${i}`,
      durationSeconds: rnd() < 0.3 ? pick(EDGE_DURATIONS) : Math.floor(rnd() * 7200),
      calledNumber: pick(NUMBERS),
      volumeIncomingBytes: rnd() < 0.1 ? 0 : Math.floor(rnd() * 50_000_000),
      volumeOutgoingBytes: rnd() < 0.1 ? pick([0, 1, 1023, 1024, 1025]) : Math.floor(rnd() * 5_000_000),
    }),
  );
}

/** The same tariff, written independently as SQL over tables. */
function rateInSql(records: UsageRecord[], t: Tariff) {
  const db = new DatabaseSync(":memory:");
  db.exec(`
    CREATE TABLE rec (ref TEXT PRIMARY KEY, kind TEXT, duration INTEGER, called TEXT, bytes INTEGER);
    CREATE TABLE prefix (prefix TEXT, cls TEXT);
    CREATE TABLE outgoing (cls TEXT PRIMARY KEY, per_minute INTEGER, first INTEGER, next INTEGER);
    CREATE TABLE tier (from_units INTEGER, per_unit INTEGER);
  `);
  const insRec = db.prepare("INSERT INTO rec VALUES (?, ?, ?, ?, ?)");
  for (const r of records) {
    insRec.run(r.ref, r.kind, r.durationSeconds, r.calledNumber, r.volumeIncomingBytes + r.volumeOutgoingBytes);
  }
  for (const [p, c] of Object.entries(t.destinationPrefixes)) db.prepare("INSERT INTO prefix VALUES (?, ?)").run(p, c);
  for (const [c, v] of Object.entries(t.outgoing)) {
    db.prepare("INSERT INTO outgoing VALUES (?, ?, ?, ?)").run(c, v.perMinute, v.increment.first, v.increment.next);
  }
  for (const tier of t.data.tiers) db.prepare("INSERT INTO tier VALUES (?, ?)").run(tier.fromUnits, tier.perUnit);
  // n / d rounded per the tariff, in SQLite integer arithmetic (operands are non-negative).
  const div = (n: string, d: string) =>
    t.rounding === "down"
      ? `((${n}) / (${d}))`
      : t.rounding === "up"
        ? `((${n} + ${d} - 1) / (${d}))`
        : `((2 * (${n}) + (${d})) / (2 * (${d})))`;
  const secs = (first: string, next: string) =>
    `CASE WHEN duration <= 0 THEN 0 WHEN duration <= ${first} THEN ${first}
          ELSE ${first} + ((duration - ${first} + ${next} - 1) / ${next}) * ${next} END`;
  const inc = t.incoming;
  const d = t.data;
  const base = d.tiers[0]?.perUnit ?? 0;
  const rows = db
    .prepare(`
      WITH classed AS (
        SELECT rec.*, COALESCE(
          (SELECT cls FROM prefix WHERE called IS NOT NULL AND substr(called, 1, length(prefix)) = prefix
            ORDER BY length(prefix) DESC LIMIT 1), '${t.defaultClass}') AS cls
        FROM rec
      ), units AS (
        SELECT classed.ref, classed.kind, classed.cls,
          CASE classed.kind
            WHEN 'MOC' THEN ${secs("o.first", "o.next")}
            WHEN 'VOICE' THEN ${secs("o.first", "o.next")}
            WHEN 'MTC' THEN ${secs(String(inc.increment.first), String(inc.increment.next))}
            WHEN 'GPRS' THEN ((bytes + ${d.incrementBytes} - 1) / ${d.incrementBytes}) * ${d.incrementBytes}
            ELSE 1 END AS units,
          o.per_minute
        FROM classed JOIN outgoing o ON o.cls = classed.cls
      )
      SELECT ref, kind, units,
        CASE WHEN kind IN ('MOC', 'VOICE') THEN cls END AS cls,
        CASE kind
          WHEN 'MOC' THEN ${div("units * per_minute", "60")}
          WHEN 'VOICE' THEN ${div("units * per_minute", "60")}
          WHEN 'MTC' THEN ${div(`units * ${inc.perMinute}`, "60")}
          WHEN 'SMS_MO' THEN ${t.smsMo}
          WHEN 'SMS_MT' THEN ${t.smsMt}
          WHEN 'SUPPL' THEN ${t.supplementary}
          WHEN 'GPRS' THEN ${div(`units * ${base}`, String(d.unitBytes))}
        END AS amount
      FROM units ORDER BY CAST(substr(ref, 2) AS INTEGER)`)
    .all() as Array<{ ref: string; kind: string; units: number; cls: string | null; amount: number }>;
  const totals = db
    .prepare(`
      WITH data AS (SELECT COALESCE(SUM(((bytes + ${d.incrementBytes} - 1) / ${d.incrementBytes}) * ${d.incrementBytes}), 0) AS b
                    FROM rec WHERE kind = 'GPRS'),
      bands AS (SELECT from_units * ${d.unitBytes} AS lo,
                  LEAD(from_units * ${d.unitBytes}) OVER (ORDER BY from_units) AS hi, per_unit FROM tier)
      SELECT (SELECT b FROM data) AS bytes,
        ${div(
          `(SELECT SUM(MAX(0, MIN((SELECT b FROM data), COALESCE(hi, (SELECT b FROM data))) - lo) * per_unit) FROM bands)`,
          String(d.unitBytes),
        )} - ${div(`(SELECT b FROM data) * ${base}`, String(d.unitBytes))} AS adjustment`)
    .get() as { bytes: number; adjustment: number };
  db.close();
  return { rows, totals };
}

function variant(rounding: Tariff["rounding"], first: number, next: number): Tariff {
  return {
    ...SAMPLE_TARIFF,
    rounding,
    outgoing: {
      ...SAMPLE_TARIFF.outgoing,
      eu: { perMinute: 127, increment: { first, next } },
    },
    incoming: { perMinute: 13, increment: { first, next } },
    // Tiers low enough that the random period (about 75,000 MiB) crosses two of them.
    data: {
      ...SAMPLE_TARIFF.data,
      tiers: [
        { fromUnits: 0, perUnit: 3 },
        { fromUnits: 20_000, perUnit: 2 },
        { fromUnits: 60_000, perUnit: 1 },
      ],
    },
  };
}

describe("rating", () => {
  it("charging increments 1/1, 30/30, 60/60 and 60/1", () => {
    assert.deepEqual(
      [0, 1, 30, 31, 61].map((s) => chargedSeconds(s, { first: 1, next: 1 })),
      [0, 1, 30, 31, 61],
    );
    assert.deepEqual(
      [0, 1, 30, 31, 61].map((s) => chargedSeconds(s, { first: 30, next: 30 })),
      [0, 30, 30, 60, 90],
    );
    assert.deepEqual(
      [0, 1, 60, 61, 121].map((s) => chargedSeconds(s, { first: 60, next: 60 })),
      [0, 60, 60, 120, 180],
    );
    assert.deepEqual(
      [1, 60, 61, 75].map((s) => chargedSeconds(s, { first: 60, next: 1 })),
      [60, 60, 61, 75],
    );
  });

  it("rounding up, down and half up in integers", () => {
    assert.deepEqual([divide(89, 60, "up"), divide(89, 60, "down"), divide(89, 60, "half-up")], [2, 1, 1]);
    assert.deepEqual([divide(90, 60, "up"), divide(90, 60, "down"), divide(90, 60, "half-up")], [2, 1, 2]);
    assert.deepEqual([divide(120, 60, "up"), divide(120, 60, "down"), divide(120, 60, "half-up")], [2, 2, 2]);
    assert.throws(() => divide(-1, 60, "up"), /out of range/);
  });

  it("longest destination prefix wins; unknown and missing numbers take the default class", () => {
    const rater = new Rater({ ...SAMPLE_TARIFF, destinationPrefixes: { "4": "eu", "49": "home", "1": "world" } });
    assert.equal(rater.destinationClass("4930"), "home");
    assert.equal(rater.destinationClass("4412"), "eu");
    assert.equal(rater.destinationClass("8612"), "world");
    assert.equal(rater.destinationClass(null), "world");
  });

  it("a 61 s call to the EU (60/60 at 120/min) costs two minutes: 240", () => {
    const rated = new Rater(SAMPLE_TARIFF).rate(record("MOC", { durationSeconds: 61, calledNumber: "4412345" }));
    assert.deepEqual([rated.destinationClass, rated.units, rated.amount], ["eu", 120, 240]);
  });

  it("data: per-KiB rounding per session, marginal tiers over the period", () => {
    const rater = new Rater(SAMPLE_TARIFF);
    const mib = 1_048_576;
    const rated = rater.rate(record("GPRS", { volumeIncomingBytes: mib, volumeOutgoingBytes: 1 }));
    assert.equal(rated.chargedBytes, mib + 1024);
    // 150,000 MiB: the first 100,000 at 2, the next 50,000 at 1 -> 250,000 instead of 300,000.
    const sessions = Array.from({ length: 150 }, () => record("GPRS", { volumeIncomingBytes: 1000 * mib }));
    const { totals } = rateAll(sessions, rater);
    assert.equal(totals.baseAmount, 300_000);
    assert.equal(totals.tierAdjustment, -50_000);
    assert.equal(totals.amount, 250_000);
  });

  it("a tariff with a bad number is refused naming the field", () => {
    const bad = { ...SAMPLE_TARIFF, incoming: { perMinute: 1.5, increment: { first: 1, next: 1 } } };
    assert.throws(() => new Rater(bad), /tariff.incoming.perMinute must be a non-negative integer/);
    const zero = { ...SAMPLE_TARIFF, incoming: { perMinute: 1, increment: { first: 0, next: 1 } } };
    assert.throws(() => new Rater(zero), /tariff.incoming.increment.first must be > 0/);
  });

  const VARIANTS: Array<[Tariff["rounding"], number, number]> = [
    ["half-up", 1, 1],
    ["up", 30, 30],
    ["down", 60, 60],
    ["half-up", 60, 1],
    ["up", 1, 1],
    ["down", 30, 30],
  ];
  for (const [rounding, first, next] of VARIANTS) {
    it(`differential: TypeScript and SQL agree on 20,000 random records (${rounding}, ${first}/${next})`, () => {
      const tariff = variant(rounding, first, next);
      const records = randomRecords(20_000, first * 1000 + next + rounding.length);
      const { rated, totals } = rateAll(records, new Rater(tariff));
      const sql = rateInSql(records, tariff);
      assert.equal(sql.rows.length, rated.length);
      for (const [i, r] of rated.entries()) {
        const s = sql.rows[i];
        assert.deepEqual(
          [s?.ref, s?.kind, s?.units, s?.cls, s?.amount],
          [r.ref, r.kind, r.units, r.destinationClass, r.amount],
          `record ${r.ref}`,
        );
      }
      assert.equal(sql.totals.bytes, totals.dataBytes);
      assert.equal(sql.totals.adjustment, totals.tierAdjustment);
      assert.ok(totals.tierAdjustment < 0, "the period crosses a tier");
    });
  }
});

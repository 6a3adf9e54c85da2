// Reconciliation: every injected discrepancy (duplicate, missing on either side, re-rated) is found with its dispute
// reason, none is invented, and the totals add up.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rater } from "../../src/settlement/rating/rate.ts";
import { SAMPLE_TARIFF } from "../../src/settlement/rating/tariff.ts";
import { discrepanciesCsv, type RatedUsage, reconcile } from "../../src/settlement/reconcile/reconcile.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";

function usage(i: number): UsageRecord {
  const second = String(i % 60).padStart(2, "0");
  const minute = String(Math.floor(i / 60) % 60).padStart(2, "0");
  return {
    ref: `v-${i}`,
    kind: i % 3 === 0 ? "GPRS" : "MOC",
    sender: "NORTH",
    recipient: "SOUTH",
    imsi: `26201${String(1_000_000_000 + (i % 997)).slice(1)}`,
    msisdn: null,
    startLocal: `2026030112${minute}${second}`,
    utcOffset: "+0100",
    startUtc: `2026-03-01T11:${minute}:${second}Z`,
    durationSeconds: (i * 37) % 900,
    volumeIncomingBytes: i % 3 === 0 ? i * 1000 : 0,
    volumeOutgoingBytes: 0,
    calledNumber: i % 3 === 0 ? null : "4412345",
    serviceCode: "11",
    apn: null,
    recEntityId: null,
    locationArea: null,
    cellId: null,
    charge: 0,
    chargeDecimals: 3,
    currency: "EUR",
  };
}

describe("reconciliation", () => {
  it("finds every injected discrepancy and nothing else", () => {
    const rater = new Rater(SAMPLE_TARIFF);
    const records = Array.from({ length: 3000 }, (_, i) => usage(i));
    const rated = (r: UsageRecord): RatedUsage => ({ record: r, amount: rater.rate(r).amount });
    const home = records.map((r) => rated({ ...r, ref: r.ref.replace("v-", "h-") }));
    const visited = records.map(rated);
    // Missing at home: the home side has no trace of records 10 and 20.
    const homeWithout = home.filter((_, i) => i !== 10 && i !== 20);
    // Duplicate: record 30 sent again under a new reference. Re-rated: record 40 charged 7 more.
    visited.push({ record: { ...(records[30] as UsageRecord), ref: "v-dup" }, amount: visited[30]?.amount ?? 0 });
    visited[40] = { ...(visited[40] as RatedUsage), amount: (visited[40]?.amount ?? 0) + 7 };
    // Missing at the visited side: record 50 was never billed.
    const visitedWithout = visited.filter((_, i) => i !== 50);

    const report = reconcile(visitedWithout, homeWithout);
    const found = report.discrepancies.map((d) => `${d.kind}:${d.ref}:${d.reason}`).sort();
    assert.deepEqual(found, [
      "amount_differs:v-40:WrongRate",
      "duplicate:v-dup:Duplicate",
      "missing_at_home:v-10:NotOurSubscriber",
      "missing_at_home:v-20:NotOurSubscriber",
      "missing_at_visited:h-50:None",
    ]);
    assert.equal(report.matched, 2997);
    assert.equal(
      report.disputedAmount,
      (visited[10]?.amount ?? 0) + (visited[20]?.amount ?? 0) + (visited[30]?.amount ?? 0) + 7,
    );
    const csv = [...discrepanciesCsv(report)].join("");
    assert.match(csv, /^kind,ref,visitedAmount,homeAmount,reason\n/);
    assert.match(csv, /amount_differs,v-40,\d+,\d+,WrongRate/);
  });

  it("two identical sides reconcile with no discrepancy", () => {
    const rater = new Rater(SAMPLE_TARIFF);
    const side = Array.from({ length: 100 }, (_, i) => ({ record: usage(i), amount: rater.rate(usage(i)).amount }));
    const report = reconcile(side, side);
    assert.equal(report.discrepancies.length, 0);
    assert.equal(report.matchedAmount, report.visitedAmount);
    assert.equal(report.visitedAmount, report.homeAmount);
  });
});

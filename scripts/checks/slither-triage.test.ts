// The triage decides whether CI passes: findings match only their own reviewed entry, wherever the code moved to.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findingKey, parseTriage, type SlitherFinding, TriageFileError, triage } from "./slither-triage.ts";

const finding = (check: string, description: string): SlitherFinding => ({
  check,
  impact: "Low",
  confidence: "Medium",
  description,
});
const why = "a reason long enough to be a reason";

describe("slither triage", () => {
  it("keys a finding by its text without source locations", () => {
    assert.equal(
      findingKey(
        "A.f(uint256) (contracts/a/A.sol#10-12) uses timestamp\n\t- x > block.timestamp (contracts/a/A.sol#11)\n",
      ),
      "A.f(uint256) uses timestamp - x > block.timestamp",
    );
  });

  it("justifies a finding whose lines moved but whose code did not change", () => {
    const entries = parseTriage(
      JSON.stringify({ findings: [{ detector: "timestamp", finding: "A.f() uses timestamp", why }] }),
    );
    const result = triage([finding("timestamp", "A.f() (contracts/A.sol#90-99) uses timestamp")], entries);
    assert.equal(result.justified.length, 1);
    assert.deepEqual(result.unjustified, []);
    assert.deepEqual(result.stale, []);
  });

  it("rejects a finding when the flagged code changed, and reports the old entry as stale", () => {
    const entries = parseTriage(
      JSON.stringify({ findings: [{ detector: "timestamp", finding: "A.f() uses timestamp - a > b", why }] }),
    );
    const result = triage([finding("timestamp", "A.f() (contracts/A.sol#1) uses timestamp\n\t- a >= b")], entries);
    assert.equal(result.unjustified.length, 1);
    assert.equal(result.stale.length, 1);
  });

  it("matches a timestamp finding whose comparisons are any subset of the reviewed ones, and no unreviewed one", () => {
    const reviewed = "A.f() uses timestamp for comparisons Dangerous comparisons: - i < n - t >= r - h != x";
    const entries = parseTriage(JSON.stringify({ findings: [{ detector: "timestamp", finding: reviewed, why }] }));
    const variant = (comparisons: string) =>
      finding(
        "timestamp",
        `A.f() (contracts/A.sol#1-9) uses timestamp for comparisons\n\tDangerous comparisons:\n${comparisons}`,
      );
    const subset = triage([variant("\t- t >= r (contracts/A.sol#3)\n\t- h != x (contracts/A.sol#4)")], entries);
    assert.equal(subset.justified.length, 1);
    assert.equal(subset.stale.length, 0);
    assert.equal(
      triage([variant("\t- t >= r (contracts/A.sol#3)\n\t- t < deadline (contracts/A.sol#5)")], entries).unjustified
        .length,
      1,
    );
    const otherFunction = finding(
      "timestamp",
      "A.g() (contracts/A.sol#1) uses timestamp for comparisons\n\tDangerous comparisons:\n\t- t >= r",
    );
    assert.equal(triage([otherFunction], entries).unjustified.length, 1);
  });

  it("does not let an entry for one detector justify another detector's finding", () => {
    const entries = parseTriage(JSON.stringify({ findings: [{ detector: "costly-loop", finding: "A.f()", why }] }));
    assert.equal(triage([finding("timestamp", "A.f()")], entries).unjustified.length, 1);
  });

  it("names the field of a bad triage entry", () => {
    assert.throws(
      () => parseTriage(JSON.stringify({ findings: [{ detector: "timestamp", finding: "A.f()", why: "ok" }] })),
      (error: unknown) => error instanceof TriageFileError && error.field === "findings[0].why",
    );
    assert.throws(
      () => parseTriage(JSON.stringify({ findings: [{ finding: "A.f()", why }] })),
      (error: unknown) => error instanceof TriageFileError && error.field === "findings[0].detector",
    );
    assert.throws(
      () => parseTriage("[]"),
      (error: unknown) => error instanceof TriageFileError && error.field === "findings",
    );
  });
});

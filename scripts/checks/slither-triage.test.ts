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

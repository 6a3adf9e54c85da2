// The roaming settlement CLI's own argument handling: dates and durations as operators type them, and the terms an
// approving operator takes from the proposer's agent (the stored terms carry the token and a zero `previous`, which
// the approve route does not take).
import assert from "node:assert/strict";
import { test } from "node:test";
import { durationSeconds, termsForApproval, unixSeconds } from "../../src/settlement/cliAgreements.ts";

test("dates are unix seconds or ISO dates (UTC), anything else is refused naming the option", () => {
  assert.equal(unixSeconds("1767225600", "--valid-from"), 1_767_225_600);
  assert.equal(unixSeconds("2026-01-01", "--valid-from"), Date.UTC(2026, 0, 1) / 1000);
  assert.equal(unixSeconds("2026-01-01T01:00:00+01:00", "--valid-from"), Date.UTC(2026, 0, 1) / 1000);
  assert.throws(() => unixSeconds("next tuesday", "--valid-to"), /--valid-to: not unix seconds or an ISO date/);
});

test("durations are seconds, hours or days", () => {
  assert.equal(durationSeconds("31d", "--period"), 31 * 86_400);
  assert.equal(durationSeconds("12h", "--period"), 12 * 3600);
  assert.equal(durationSeconds("3600", "--period"), 3600);
  assert.throws(() => durationSeconds("1w", "--dispute-window"), /--dispute-window/);
  assert.throws(() => durationSeconds("-5", "--period"), /--period/);
});

test("the approving operator takes the proposer's terms without token, and without a zero previous version", () => {
  const zero = `0x${"0".repeat(64)}`;
  const stored = { visited: "0x1", home: "0x2", token: "0x3", validFrom: 1, validTo: 2, previous: zero, tariff: {} };
  const agreementId = `0x${"a".repeat(64)}`;
  assert.deepEqual(termsForApproval({ agreementId, terms: stored }), {
    visited: "0x1",
    home: "0x2",
    validFrom: 1,
    validTo: 2,
    tariff: {},
  });
  const previous = `0x${"b".repeat(64)}`;
  assert.equal(termsForApproval({ agreementId, terms: { ...stored, previous } }).previous, previous);
  assert.throws(() => termsForApproval({ agreementId, terms: null }), /does not hold the terms/);
});

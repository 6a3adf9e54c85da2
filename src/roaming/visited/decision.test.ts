// The visited side's decision on an answer, without a chain: every outcome of docs/roaming.md that the answer
// decides, and the rule that only services both granted and requested become active.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnswerPayload } from "../payloads.ts";
import type { Service } from "../subscribers/register.ts";
import { decideActivation, type OpenedAnswer } from "./decision.ts";

const ID = `0x${"ab".repeat(32)}`;
const NOW = Date.parse("2026-11-29T12:00:00Z");
const LATER = "2026-11-30T12:00:00.000Z";

const answer = (change: Partial<AnswerPayload> = {}): OpenedAnswer => ({
  itemId: ID,
  payload: {
    v: 1,
    outcome: "granted",
    services: { voice: 1, sms: 1, data: 0, volte: 0, "5g": 1 },
    validUntil: LATER,
    ...change,
  },
});

const decide = (opened: OpenedAnswer | undefined, requested: readonly Service[] = ["voice", "data", "5g"]) =>
  decideActivation({ requestId: ID, requested, opened, now: NOW });

describe("visited decision on an answer", () => {
  it("activates only what was granted and requested", () => {
    const d = decide(answer());
    assert.equal(d.state, "active");
    assert.equal(d.outcome, "activated");
    assert.deepEqual(d.active, { voice: true, sms: false, data: false, volte: false, "5g": true });
    assert.deepEqual(d.granted, { voice: true, sms: true, data: false, volte: false, "5g": true });
    assert.equal(d.validUntil, LATER);
  });

  it("refuses an answer that did not open, with nothing granted known", () => {
    const d = decide(undefined);
    assert.deepEqual([d.state, d.outcome, d.granted, d.validUntil], ["refused", "answer-undecryptable", null, null]);
    assert.ok(Object.values(d.active).every((on) => !on));
  });

  it("refuses an answer made for another request, or of an unknown version", () => {
    assert.equal(decide({ ...answer(), itemId: `0x${"cd".repeat(32)}` }).outcome, "answer-mismatch");
    assert.equal(decide(answer({ v: 2 as 1 })).outcome, "answer-mismatch");
    assert.equal(decide({ itemId: ID, payload: undefined }).outcome, "answer-mismatch");
  });

  it("passes the home operator's refusal on, with what it said it granted", () => {
    const d = decide(answer({ outcome: "barred", services: { voice: 0, sms: 0, data: 0, volte: 0, "5g": 0 } }));
    assert.deepEqual([d.state, d.outcome], ["refused", "home-barred"]);
    assert.deepEqual(d.granted, { voice: false, sms: false, data: false, volte: false, "5g": false });
  });

  it("refuses a grant that is no longer valid", () => {
    const d = decide(answer({ validUntil: new Date(NOW).toISOString() }));
    assert.deepEqual([d.state, d.outcome], ["refused", "answer-expired"]);
    assert.ok(Object.values(d.active).every((on) => !on));
  });

  it("refuses when nothing requested was granted", () => {
    const d = decide(answer(), ["data", "volte"]);
    assert.deepEqual([d.state, d.outcome], ["refused", "nothing-granted"]);
    assert.equal(d.granted?.voice, true);
  });
});

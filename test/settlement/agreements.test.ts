// Roaming agreements through the operators' agents on a real devnet: mno-north (visited) proposes, mno-south (home)
// approves once handed the terms, which must hash to the termsHash on chain; a new version supersedes the old one.
// The id the agent acknowledges is the contract's (derived from content and proposer); the read model is projected
// from the contract's events and paged by keyset. Refusals name the field and change nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { agreementIdOf, normalTerms, termsHashOf, ZERO_ID } from "../../src/settlement/roaming/terms.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { type MemberName, membersOf, OPERATORS_AND_BANK, TARIFF, VALID_FROM, VALID_TO } from "./roamingFixtures.ts";

describe("settlement: roaming agreements through the operators' agents", () => {
  let consortium: TestConsortium<TestAgent>;
  const { agent, account, call } = membersOf(() => consortium);
  const terms = (overrides: Record<string, unknown> = {}) => ({
    visited: account("north"),
    home: account("south"),
    validFrom: VALID_FROM,
    validTo: VALID_TO,
    periodSeconds: 31 * 86_400,
    disputeWindowSeconds: 7 * 86_400,
    tariff: TARIFF,
    ...overrides,
  });
  const listed = async (name: MemberName) => {
    const answer = await call(name, "GET", "/v1/settlement/agreements?limit=100");
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.items ?? [];
  };
  let first: Hex;

  before(async () => {
    consortium = await startTestConsortium(OPERATORS_AND_BANK);
  });
  after(async () => {
    await consortium?.stop();
  });

  it("refuses bad terms naming the field, with nothing proposed", async () => {
    const cases: Array<[MemberName, Record<string, unknown>, number, string, string]> = [
      ["north", terms({ validTo: VALID_FROM }), 400, "VALIDATION_FAILED", "body.validTo"],
      ["north", terms({ home: account("north") }), 400, "VALIDATION_FAILED", "body.home"],
      ["north", terms({ tariff: { ...TARIFF, currency: "USD" } }), 400, "VALIDATION_FAILED", "body.tariff.currency"],
      ["north", terms({ tariff: { ...TARIFF, decimals: 3 } }), 400, "VALIDATION_FAILED", "body.tariff.decimals"],
      [
        "north",
        terms({ tariff: { ...TARIFF, defaultClass: "moon" } }),
        400,
        "VALIDATION_FAILED",
        "body.tariff.defaultClass",
      ],
      [
        "north",
        terms({ tariff: { ...TARIFF, incoming: { perMinute: 10, increment: { first: 0, next: 1 } } } }),
        400,
        "VALIDATION_FAILED",
        "body.tariff.incoming.increment.first",
      ],
      ["north", terms({ periodSeconds: 0 }), 400, "VALIDATION_FAILED", "body.periodSeconds"],
      ["north", terms({ previous: `0x${"ab".repeat(32)}` }), 400, "VALIDATION_FAILED", "body.previous"],
      ["north", terms({ home: account("bank") }), 403, "SETTLEMENT_NOT_OPERATOR", "body.home"],
    ];
    for (const [who, body, status, code, field] of cases) {
      const refused = await call(who, "POST", "/v1/settlement/agreements", body);
      assert.equal(refused.status, status, `${field}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.code, code, JSON.stringify(refused.body));
      assert.ok(
        refused.body.details?.some((d) => d.field === field),
        `${field} named: ${JSON.stringify(refused.body)}`,
      );
    }
    const bystander = await call("bank", "POST", "/v1/settlement/agreements", terms());
    assert.equal(bystander.status, 403, JSON.stringify(bystander.body));
    assert.equal(bystander.body.code, "SETTLEMENT_NOT_PARTY");
    assert.deepEqual(await listed("north"), []);
    assert.deepEqual(await listed("south"), []);
  });

  it("acknowledges the contract's id for a proposal and keeps the terms off chain with the proposer", async () => {
    const proposed = await call("north", "POST", "/v1/settlement/agreements", terms());
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    first = proposed.body.agreementId as Hex;
    const atNorth = await call("north", "GET", `/v1/settlement/agreements/${first}`);
    assert.equal(atNorth.status, 200, JSON.stringify(atNorth.body));
    const token = (atNorth.body.terms as { token: Address }).token;
    const stored = normalTerms({ ...terms(), token, previous: ZERO_ID } as never);
    const termsHash = termsHashOf(stored);
    assert.equal(proposed.body.termsHash, termsHash);
    assert.equal(first, agreementIdOf(stored, termsHash, account("north")));
    assert.equal(atNorth.body.status, "proposed");
    assert.equal(atNorth.body.proposer, account("north").toLowerCase());
    assert.deepEqual(atNorth.body.terms, stored);
    // South's agent sees the proposal on chain but holds no terms until its caller hands them over.
    const atSouth = await call("south", "GET", `/v1/settlement/agreements/${first}`);
    assert.equal(atSouth.status, 200, JSON.stringify(atSouth.body));
    assert.equal(atSouth.body.termsHash, termsHash);
    assert.equal(atSouth.body.terms, null);
    // A bystander does not read the agreement.
    const atBank = await call("bank", "GET", `/v1/settlement/agreements/${first}`);
    assert.equal(atBank.status, 403, JSON.stringify(atBank.body));
    assert.equal(atBank.body.code, "SETTLEMENT_NOT_PARTY");

    const again = await call("north", "POST", "/v1/settlement/agreements", terms());
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, "SETTLEMENT_ALREADY_EXISTS");
  });

  it("lets only the other operator approve, and only with the terms that hash to the chain's", async () => {
    const own = await call("north", "POST", `/v1/settlement/agreements/${first}/approve`, { terms: terms() });
    assert.equal(own.status, 403, JSON.stringify(own.body));
    assert.equal(own.body.code, "SETTLEMENT_NOT_PARTY");

    const cheaper = terms({ tariff: { ...TARIFF, smsMo: 1 } });
    const tampered = await call("south", "POST", `/v1/settlement/agreements/${first}/approve`, { terms: cheaper });
    assert.equal(tampered.status, 422, JSON.stringify(tampered.body));
    assert.equal(tampered.body.code, "SETTLEMENT_TERMS_MISMATCH");
    assert.equal(tampered.body.details?.[0]?.field, "body.terms");
    assert.equal((await call("south", "GET", `/v1/settlement/agreements/${first}`)).body.status, "proposed");

    const unknown = await call("south", "POST", `/v1/settlement/agreements/0x${"cd".repeat(32)}/approve`, {
      terms: terms(),
    });
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    assert.equal(unknown.body.code, "SETTLEMENT_AGREEMENT_NOT_FOUND");

    // The same terms written in another key order are the same terms.
    const reordered = Object.fromEntries(Object.entries(terms()).reverse());
    const approved = await call("south", "POST", `/v1/settlement/agreements/${first}/approve`, { terms: reordered });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, "active");
    const atSouth = await call("south", "GET", `/v1/settlement/agreements/${first}`);
    assert.equal(atSouth.body.status, "active");
    assert.equal(atSouth.body.approver, account("south").toLowerCase());
    assert.equal((atSouth.body.terms as { tariff: { smsMo: number } }).tariff.smsMo, TARIFF.smsMo);

    const twice = await call("south", "POST", `/v1/settlement/agreements/${first}/approve`, { terms: terms() });
    assert.equal(twice.status, 409, JSON.stringify(twice.body));
    assert.equal(twice.body.code, "SETTLEMENT_WRONG_STATE");
  });

  it("supersedes a version once both approve the next, and pages the list by keyset", async () => {
    const next = terms({ previous: first, tariff: { ...TARIFF, smsMo: 6 } });
    const proposed = await call("south", "POST", "/v1/settlement/agreements", next);
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const second = proposed.body.agreementId as Hex;
    const approved = await call("north", "POST", `/v1/settlement/agreements/${second}/approve`, { terms: next });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await agent("south").agent.indexer.syncOnce();
    const old = await call("south", "GET", `/v1/settlement/agreements/${first}`);
    assert.equal(old.body.status, "superseded");
    assert.equal(old.body.supersededBy, second);

    const pages: string[] = [];
    let cursor: string | null | undefined;
    do {
      const query = cursor ? `?limit=1&cursor=${cursor}` : "?limit=1";
      const page = await call("south", "GET", `/v1/settlement/agreements${query}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok((page.body.items ?? []).length <= 1);
      pages.push(...(page.body.items ?? []).map((a) => String(a.agreementId)));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(pages, [first, second].sort());
    const bad = await call("south", "GET", "/v1/settlement/agreements?cursor=not-a-cursor");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.details?.[0]?.field, "query.cursor");
  });
});

// Usage record batches through the operators' agents on a real devnet: mno-north (visited) anchors a batch under an
// active agreement (rated with the agreed tariff, salted Merkle root, count and total on chain, records kept off
// chain); mno-south (home) is handed the records and salt and confirms only when, rated with its own copy of the
// tariff, they give the anchored root, count and total. Tampered, missing and re-salted batches are refused, records
// outside the agreement are named, and nothing changes on a refusal.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { Rater } from "../../src/settlement/rating/rate.ts";
import { batchIdOf } from "../../src/settlement/roaming/batches.ts";
import { buildBatch } from "../../src/settlement/usage/canonical.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import {
  type MemberName,
  membersOf,
  OPERATORS,
  PERIOD,
  RECORDS,
  record,
  TARIFF,
  VALID_FROM,
  VALID_TO,
} from "./roamingFixtures.ts";

describe("settlement: usage record batches through the operators' agents", () => {
  let consortium: TestConsortium<TestAgent>;
  const { agent, account, call } = membersOf(() => consortium);
  const terms = {
    visited: "" as Address,
    home: "" as Address,
    validFrom: VALID_FROM,
    validTo: VALID_TO,
    periodSeconds: PERIOD,
    disputeWindowSeconds: 7 * 86_400,
    tariff: TARIFF,
  };
  let agreementId: Hex;
  let batchId: Hex;
  let handed: { salt: Hex; records: UsageRecord[] };
  const batches = async (name: MemberName) => {
    const answer = await call(name, "GET", `/v1/settlement/agreements/${agreementId}/batches`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.items ?? [];
  };
  const status = async (name: MemberName) => (await call(name, "GET", `/v1/settlement/batches/${batchId}`)).body.status;

  before(async () => {
    consortium = await startTestConsortium(OPERATORS);
    terms.visited = account("north");
    terms.home = account("south");
    const proposed = await call("north", "POST", "/v1/settlement/agreements", terms);
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    agreementId = proposed.body.agreementId as Hex;
  });
  after(async () => {
    await consortium?.stop();
  });

  it("anchors nothing under an agreement the home operator has not approved", async () => {
    const refused = await call("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, {
      records: RECORDS,
    });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "SETTLEMENT_WRONG_STATE");
    const approved = await call("south", "POST", `/v1/settlement/agreements/${agreementId}/approve`, { terms });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual(await batches("north"), []);
  });

  it("refuses records outside the agreement or malformed, naming the record and field, with nothing anchored", async () => {
    const cases: Array<[MemberName, UsageRecord[] | unknown[], number, string, string | undefined]> = [
      [
        "north",
        [record("late", { startLocal: "20270105120000", startUtc: "2027-01-05T11:00:00Z" })],
        422,
        "SETTLEMENT_OUTSIDE_AGREEMENT",
        "body.records[0].startUtc",
      ],
      [
        "north",
        [record("mar"), record("apr", { startLocal: "20260415120000", startUtc: "2026-04-15T11:00:00Z" })],
        422,
        "SETTLEMENT_OUTSIDE_AGREEMENT",
        "body.records[1].startUtc",
      ],
      [
        "north",
        [record("neg", { durationSeconds: -153 })],
        400,
        "VALIDATION_FAILED",
        "body.records[0].durationSeconds",
      ],
      [
        "north",
        [record("x"), record("bad", { kind: "FAX" as never })],
        400,
        "VALIDATION_FAILED",
        "body.records[1].kind",
      ],
      [
        "north",
        [record("utc", { startUtc: "2026-03-01T12:00:00Z" })],
        400,
        "VALIDATION_FAILED",
        "body.records[0].startUtc",
      ],
      ["north", [], 400, "VALIDATION_FAILED", "body.records"],
      ["south", RECORDS, 403, "SETTLEMENT_NOT_PARTY", undefined],
    ];
    for (const [who, records, code, name, field] of cases) {
      const refused = await call(who, "POST", `/v1/settlement/agreements/${agreementId}/batches`, { records });
      assert.equal(refused.status, code, `${field}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.code, name, JSON.stringify(refused.body));
      if (field) {
        assert.ok(
          refused.body.details?.some((d) => d.field === field),
          `${field}: ${JSON.stringify(refused.body)}`,
        );
      }
    }
    assert.deepEqual(await batches("north"), []);
  });

  it("anchors a batch under the id the contract derives, rated with the agreed tariff, keeping records off chain", async () => {
    const anchored = await call("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, {
      records: RECORDS,
    });
    assert.equal(anchored.status, 201, JSON.stringify(anchored.body));
    batchId = anchored.body.batchId as Hex;
    assert.equal(anchored.body.count, 4);
    assert.equal(anchored.body.total, "276");
    // 2026-03-01 is day 59 of the validity: the second 31-day period.
    assert.equal(anchored.body.period, 1);

    const held = await call("north", "GET", `/v1/settlement/batches/${batchId}/records`);
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.deepEqual(held.body.records, RECORDS);
    assert.deepEqual(held.body.amounts, ["240", "26", "2", "8"]);
    handed = { salt: held.body.salt as Hex, records: held.body.records as UsageRecord[] };
    const rater = new Rater(TARIFF);
    const rebuilt = buildBatch(
      RECORDS,
      RECORDS.map((r) => rater.rate(r).amount),
      handed.salt,
    );
    assert.equal(anchored.body.merkleRoot, rebuilt.root);
    assert.equal(batchId, batchIdOf(agreementId, rebuilt.root, 4, 276n, account("north")));

    const atSouth = await call("south", "GET", `/v1/settlement/batches/${batchId}`);
    assert.equal(atSouth.status, 200, JSON.stringify(atSouth.body));
    assert.equal(atSouth.body.status, "anchored");
    assert.equal(atSouth.body.recordsHeld, false);
    const notYet = await call("south", "GET", `/v1/settlement/batches/${batchId}/records`);
    assert.equal(notYet.status, 409, JSON.stringify(notYet.body));
    assert.equal(notYet.body.code, "SETTLEMENT_RECORDS_UNKNOWN");
  });

  it("lets the home operator confirm only the records that give the anchored root, count and total", async () => {
    const confirm = (who: MemberName, body: unknown) =>
      call(who, "POST", `/v1/settlement/batches/${batchId}/confirm`, body);
    const longer = handed.records.map((r, i) => (i === 0 ? { ...r, durationSeconds: 121 } : r));
    const renamed = handed.records.map((r, i) => (i === 1 ? { ...r, imsi: "262019999999999" } : r));
    const tampered: Array<[string, unknown, RegExp]> = [
      ["a longer call", { salt: handed.salt, records: longer }, /total 396.*Merkle root/],
      ["another subscriber", { salt: handed.salt, records: renamed }, /Merkle root/],
      ["a record missing", { salt: handed.salt, records: handed.records.slice(1) }, /count 3/],
      ["another salt", { salt: `0x${"11".repeat(32)}`, records: handed.records }, /Merkle root/],
    ];
    for (const [what, body, message] of tampered) {
      const refused = await confirm("south", body);
      assert.equal(refused.status, 422, `${what}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.code, "SETTLEMENT_BATCH_MISMATCH");
      assert.equal(refused.body.details?.[0]?.field, "body.records");
      assert.match(String(refused.body.message), message, what);
    }
    const byVisited = await confirm("north", handed);
    assert.equal(byVisited.status, 403, JSON.stringify(byVisited.body));
    assert.equal(byVisited.body.code, "SETTLEMENT_NOT_PARTY");
    assert.equal(await status("south"), "anchored");

    const confirmed = await confirm("south", handed);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.status, "received");
    assert.equal(await status("south"), "received");
    await agent("north").agent.indexer.syncOnce();
    assert.equal(await status("north"), "received");
    const atSouth = await call("south", "GET", `/v1/settlement/batches/${batchId}`);
    assert.equal(atSouth.body.recordsHeld, true);

    const twice = await confirm("south", handed);
    assert.equal(twice.status, 409, JSON.stringify(twice.body));
    assert.equal(twice.body.code, "SETTLEMENT_WRONG_STATE");
  });

  it("lists an agreement's batches by keyset pages", async () => {
    const second = await call("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, {
      records: [record("n-5", { startLocal: "20260302120000", startUtc: "2026-03-02T11:00:00Z" })],
    });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const query = cursor ? `?limit=1&cursor=${cursor}` : "?limit=1";
      const page = await call("south", "GET", `/v1/settlement/agreements/${agreementId}/batches${query}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      seen.push(...(page.body.items ?? []).map((b) => String(b.batchId)));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [batchId, String(second.body.batchId)].sort());
  });
});

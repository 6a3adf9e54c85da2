// Bulk numbering (issue 12) through the agents: a TNR delegates a range of numbers with a step in one request, in
// batched transactions, with one credential per delegation; bad items are named by index before anything is sent,
// and an item the ledger refuses is named by index with nothing of its batch recorded.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bulkBatchSize, expandRange, MAX_BATCH_ITEMS } from "../../src/eidl/service/bulkGrants.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";

type Json = Record<string, unknown>;
interface Account {
  did: string;
}
interface BulkAnswer {
  results: { index: number; tnId: string; grantId: string; type: string; credentialId: string }[];
  transactions: string[];
  code?: string;
  details?: Json[];
}

const BLOCK = "1200200";

describe("EIDL bulk numbering through the agents", () => {
  let consortium: TestConsortium;
  const a: Record<string, TestAgent> = {};
  const org: Record<string, Account> = {};

  async function createAccount(agent: TestAgent, name: string, type: number): Promise<Account> {
    const r = await agent.call<Account>("POST", "/v1/accounts", { name, type });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }
  async function vet(agent: TestAgent, subject: Account, vetter: Account) {
    const r = await agent.call("POST", `/v1/vetterAuthorization/${subject.did}/vetter/${vetter.did}`, {
      status: 1,
      result: 0,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  async function grant(agent: TestAgent, tnId: string, issuer: Account, subject: Account) {
    const r = await agent.call<{ tnAllocationResponse: { grantId: string }[] }>("POST", "/v1/tnallocation", {
      tnAllocation: [{ tnId, issuerId: issuer.did, subjectId: subject.did }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  let delegated: BulkAnswer["results"] = [];
  const bulk = (body: Json) => a.tnr!.call<BulkAnswer>("POST", "/v1/eidl/grants/bulk", body);
  const grantCount = async () =>
    (await a.tnr!.call<{ items: unknown[] }>("GET", `/v1/eidl/grants?holder=${org.brand!.did}&limit=100`)).body.items
      .length;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "na", roles: ["NUMBERING_AUTHORITY"] },
      { name: "kyc", roles: ["KYC_VETTER"] },
      { name: "tnsp", roles: ["TNSP"] },
      { name: "tnr", roles: ["TNR"] },
      { name: "brand", roles: ["ENTERPRISE"] },
    ]);
    Object.assign(a, consortium.agents);
    org.ta = await createAccount(a.ta!, "Trust Authority", 6);
    org.na = await createAccount(a.na!, "Numbering Authority", 7);
    org.kyc = await createAccount(a.kyc!, "KYC1", 0);
    org.tnsp = await createAccount(a.tnsp!, "TNSP1", 4);
    org.tnr = await createAccount(a.tnr!, "TNR1", 1);
    org.brand = await createAccount(a.brand!, "Big Bank", 2);
    org.unvetted = await createAccount(a.brand!, "Not Yet Vetted", 2);
    for (const o of [org.tnsp!, org.kyc!]) await vet(a.ta!, o, org.ta!);
    for (const o of [org.tnr!, org.brand!]) await vet(a.kyc!, o, org.kyc!);
    // The NANP scope: the TA proposes, three more of the six governors approve (a strict majority).
    const proposed = await a.ta!.call<{ proposalId: number }>("POST", "/v1/eidl/numbering-scopes", {
      numberingAuthorityId: org.na!.did,
      prefixes: ["1"],
    });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    for (const agent of [a.na!, a.kyc!, a.tnsp!]) {
      const r = await agent.call("POST", `/v1/eidl/numbering-scopes/${proposed.body.proposalId}/approve`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await eventually(async () => grant(a.na!, BLOCK, org.na!, org.tnsp!));
    await eventually(async () => grant(a.tnsp!, BLOCK, org.tnsp!, org.tnr!));
  });
  after(() => consortium?.stop());

  it("sizes batches from the block gas limit and expands ranges with a step", () => {
    assert.equal(bulkBatchSize(undefined), MAX_BATCH_ITEMS);
    assert.equal(bulkBatchSize(30_000_000n), 114, "half of a 30M block at 130k a delegation");
    assert.equal(bulkBatchSize(1_000_000_000n), MAX_BATCH_ITEMS);
    assert.deepEqual(expandRange({ start: "12002000010", count: 3, step: 5 }, "body.range"), [
      "12002000010",
      "12002000015",
      "12002000020",
    ]);
    assert.throws(() => expandRange({ start: "99", count: 3 }, "body.range"), /body\.range\.count/);
  });

  it("names a bad item by its index and sends nothing", async () => {
    const before = await grantCount();
    const outside = await bulk({
      issuerId: org.tnr!.did,
      subjectId: org.brand!.did,
      numbers: ["12002000001", "12002000002", "13002000003"],
    });
    assert.equal(outside.status, 403, JSON.stringify(outside.body));
    assert.equal(outside.body.code, "EIDL_TN_NOT_HELD");
    assert.match(JSON.stringify(outside.body.details), /body\.numbers\[2\]/);
    const repeated = await bulk({
      issuerId: org.tnr!.did,
      subjectId: org.brand!.did,
      numbers: ["12002000001", "12002000001"],
    });
    assert.equal(repeated.status, 400, JSON.stringify(repeated.body));
    assert.match(JSON.stringify(repeated.body.details), /body\.numbers\[1\]/);
    const both = await bulk({
      issuerId: org.tnr!.did,
      subjectId: org.brand!.did,
      numbers: ["12002000001"],
      range: { start: "12002000001", count: 1 },
    });
    assert.equal(both.status, 400, JSON.stringify(both.body));
    assert.equal(await grantCount(), before, "nothing granted");
  });

  it("an item the ledger refuses is named by index, and its batch records nothing", async () => {
    const before = (await a.tnr!.call<{ items: unknown[] }>("GET", `/v1/eidl/grants?holder=${org.unvetted!.did}`)).body
      .items.length;
    const refused = await bulk({
      issuerId: org.tnr!.did,
      subjectId: org.unvetted!.did,
      numbers: ["12002000101", "12002000102"],
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "EIDL_BULK_ITEM_REFUSED");
    assert.match(JSON.stringify(refused.body), /body\.numbers\[0\]/);
    assert.match(JSON.stringify(refused.body), /RecipientNotAuthorized/);
    const after = (await a.tnr!.call<{ items: unknown[] }>("GET", `/v1/eidl/grants?holder=${org.unvetted!.did}`)).body
      .items.length;
    assert.equal(after, before);
  });

  it("delegates a range with a step in batched transactions, one credential per delegation", async () => {
    const r = await bulk({
      issuerId: org.tnr!.did,
      subjectId: org.brand!.did,
      range: { start: "12002000000", count: 200, step: 7 },
      intendedUseOfAllocation: "voice",
    });
    assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 500));
    assert.equal(r.body.results.length, 200);
    assert.equal(r.body.transactions.length, 1, "200 delegations fit one batch on the devnet's blocks");
    for (const [i, item] of r.body.results.entries()) {
      assert.equal(item.index, i);
      assert.equal(item.tnId, String(12002000000 + 7 * i));
      assert.equal(item.type, "Delegation");
    }
    assert.equal(new Set(r.body.results.map((x) => x.grantId)).size, 200, "distinct grants");
    assert.equal(new Set(r.body.results.map((x) => x.credentialId)).size, 200, "one credential each");
    delegated = r.body.results;
    // Every agent's read model follows: the brand's own agent says the brand may use the last number.
    const last = r.body.results[199]!;
    const holders = await eventually(async () => {
      const h = await a.brand!.call<{ holders: string[] }>("GET", `/v1/eidl/tn/${last.tnId}/holders`);
      assert.ok(h.body.holders.includes(org.brand!.did), JSON.stringify(h.body));
      return h.body.holders;
    });
    assert.deepEqual(holders, [org.tnsp!.did, org.tnr!.did, org.brand!.did]);
  });

  it("revokes many grants in one batch, results by index; a bad item is named by index and nothing is sent", async () => {
    assert.equal(delegated.length, 200, "runs after the bulk delegation");
    const revoke = (body: Json) =>
      a.tnr!.call<{ results: { index: number; grantId: string; txHash: string }[]; transactions: string[] }>(
        "POST",
        "/v1/eidl/grants/revocations",
        body,
      );
    const ids = delegated.slice(0, 5).map((d) => d.grantId);
    const repeated = await revoke({ grantIds: [ids[0], ids[1], ids[0]], reason: "Canceled" });
    assert.equal(repeated.status, 400, JSON.stringify(repeated.body));
    assert.match(JSON.stringify(repeated.body), /body\.grantIds\[2\]/);
    const unknown = await revoke({ grantIds: [ids[0], "12345"], reason: "Canceled" });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(JSON.stringify(unknown.body), /body\.grantIds\[1\]/);
    const notMine = await a.brand!.call("POST", "/v1/eidl/grants/revocations", { grantIds: [ids[0]], reason: "Fraud" });
    assert.equal(notMine.status, 403, JSON.stringify(notMine.body));
    assert.match(JSON.stringify(notMine.body), /body\.grantIds\[0\]/);
    const still = await a.tnr!.call<{ status: string }>("GET", `/v1/eidl/grants/${ids[0]}`);
    assert.equal(still.body.status, "active", "nothing was revoked by the refused requests");

    const r = await revoke({ grantIds: ids, reason: "Fraud" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.results.map((x) => [x.index, x.grantId]),
      ids.map((id, i) => [i, id]),
    );
    assert.equal(r.body.transactions.length, 1, "one revokeBatch");
    for (const id of ids) {
      const g = await a.tnr!.call<{ status: string; revokeReason: string | null }>("GET", `/v1/eidl/grants/${id}`);
      assert.equal(g.body.status, "revoked");
      assert.equal(g.body.revokeReason, "Fraud");
    }
    const untouched = await a.tnr!.call<{ status: string }>("GET", `/v1/eidl/grants/${delegated[5]!.grantId}`);
    assert.equal(untouched.body.status, "active");
    await eventually(async () => {
      const h = await a.brand!.call<{ holders: string[] }>("GET", `/v1/eidl/tn/${delegated[0]!.tnId}/holders`);
      assert.ok(!h.body.holders.includes(org.brand!.did), JSON.stringify(h.body));
    });
    const again = await revoke({ grantIds: [delegated[6]!.grantId, ids[2]], reason: "Fraud" });
    assert.equal(again.status, 400, JSON.stringify(again.body));
    assert.match(
      JSON.stringify(again.body),
      /body\.grantIds\[1\].*already revoked|already revoked.*body\.grantIds\[1\]/,
    );
  });
});

// Data usage contracts through the member agents' APIs on a real devnet: North Mobile as controller creates a
// subscriber's contract (fingerprints on chain, consent receipt to the subject), uses the data as the policy allows,
// modifies or delays it, transfers it down a chain of two processors (Origin Voice, then the contact centre), anchors
// its consultations in one batch, and the subject's revocation stops every processor before its next use. Negative
// cases, each refused with a named reason and nothing changed: use after revocation, a transfer the policy or the
// contract forbids, a tampered consent receipt, a tampered transfer package, a wrong revocation secret.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { DATAUSAGE_PROFILE } from "../../src/datausage/odrl.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Json = Record<string, unknown>;

const POLICY = {
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    {
      action: "use",
      constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["billing"] }],
      duty: [{ action: "delete", "tl:when": "afterUse", "tl:within": 86_400 }],
    },
    {
      action: "use",
      constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["analytics"] }],
      duty: [{ action: "aggregate", "tl:bucket": 1000 }],
    },
    {
      action: "use",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["marketing"] },
        { leftOperand: "delayPeriod", operator: "gteq", rightOperand: 30 * 86_400 },
      ],
    },
    {
      action: "use",
      constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["customer-care"] }],
    },
    {
      action: "transfer",
      constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["customer-care"] }],
      duty: [{ action: "anonymize", "tl:fields": ["msisdn"] }],
    },
  ],
  prohibition: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["profiling"] }] },
  ],
};

describe("datausage: contracts, processor chains and revocation through the agents", () => {
  let consortium: TestConsortium;
  let north: TestAgent;
  let osp: TestAgent;
  let care: TestAgent;
  let root: Hex;
  let secret: Hex;
  let receipt: Json;
  let ospContract: Hex;
  let careContract: Hex;

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (
    agent: TestAgent,
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
  ) => {
    const r = await agent.call<{ code: string; message: string; facts?: unknown }>(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase();
  const consultations = async (agent: TestAgent, id: Hex) =>
    (await ok<{ items: Json[] }>(agent, "GET", `/v1/datausage/contracts/${id}/consultations?limit=100`)).items;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "osp", roles: ["OSP"] },
      { name: "care", roles: ["BPO"] },
    ]);
    ({ north, osp, care } = consortium.agents as Record<string, TestAgent> & {
      north: TestAgent;
      osp: TestAgent;
      care: TestAgent;
    });
  });
  after(async () => {
    await consortium?.stop();
  });

  it("creates a contract whose chain record holds fingerprints only, and hands the subject a receipt", async () => {
    const created = await ok<{ contractId: Hex; revocationSecret: Hex; receipt: Json }>(
      north,
      "POST",
      "/v1/datausage/contracts",
      {
        subject: "+447700900001",
        data: { msisdn: "+447700900001", plan: "unlimited", monthlyMb: 42_345 },
        policy: POLICY,
        purposes: ["billing", "analytics", "customer-care"],
        notice: "North Mobile uses your plan and usage for billing and analytics; customer care sees it pseudonymised.",
        recipients: [account(osp), account(care)],
        maxDepth: 2,
      },
    );
    root = created.contractId;
    secret = created.revocationSecret;
    receipt = created.receipt;
    const c = await ok<Json>(osp, "GET", `/v1/datausage/contracts/${root}`);
    assert.equal(c.controller, account(north));
    assert.equal(c.active, true);
    assert.equal(c.held, false, "osp holds nothing yet");
    assert.ok(!JSON.stringify(c).includes("447700900001"), "no subject identifier or data on chain");
    // A second contract of the same subject and data is unlinkable: every fingerprint differs.
    const again = await ok<{ contractId: Hex }>(north, "POST", "/v1/datausage/contracts", {
      subject: "+447700900001",
      data: { msisdn: "+447700900001", plan: "unlimited", monthlyMb: 42_345 },
      policy: POLICY,
      purposes: ["billing"],
      notice: "again",
      recipients: [],
      maxDepth: 0,
    });
    const d = await ok<Json>(north, "GET", `/v1/datausage/contracts/${again.contractId}`);
    for (const f of ["subjectFingerprint", "dataFingerprint", "policyFingerprint", "consentHash"])
      assert.notEqual(d[f], c[f], f);
    assert.equal(d.policyStructure, c.policyStructure, "only the policy's structure is shared");
  });

  it("checks the receipt against the chain, and names a tampered one", async () => {
    const check = await ok<Json>(care, "POST", "/v1/datausage/receipts/checks", receipt);
    assert.equal(check.valid, true);
    const fetched = await ok<Json>(north, "GET", `/v1/datausage/contracts/${root}/receipt`);
    assert.deepEqual(fetched, receipt);
    const tampered = structuredClone(receipt) as { record: { notice: string } };
    tampered.record.notice = "North Mobile may sell your data.";
    const bad = await ok<Json>(care, "POST", "/v1/datausage/receipts/checks", tampered);
    assert.equal(bad.valid, false);
    assert.match(String(bad.reason), /altered/);
  });

  it("allows, modifies and delays uses as the policy says, and records each allowed consultation", async () => {
    const billing = await ok<Json>(north, "POST", `/v1/datausage/contracts/${root}/uses`, {
      purpose: "billing",
      activity: "monthly invoice",
    });
    assert.equal(billing.verdict, "allow");
    assert.equal((billing.data as Json).msisdn, "+447700900001");
    assert.equal((billing.obligations as Json[])[0]?.action, "delete");
    const analytics = await ok<Json>(north, "POST", `/v1/datausage/contracts/${root}/uses`, {
      purpose: "analytics",
      activity: "cell load model",
    });
    assert.equal(analytics.verdict, "modify");
    assert.deepEqual(analytics.data, { monthlyMb: "42000-42999" });
    const delayed = await refused(
      north,
      "POST",
      `/v1/datausage/contracts/${root}/uses`,
      { purpose: "marketing", activity: "offer" },
      409,
      "DATAUSAGE_DELAYED",
    );
    const created = await ok<{ createdAt: number }>(north, "GET", `/v1/datausage/contracts/${root}`);
    assert.equal((delayed.facts as { notBefore: number }).notBefore, created.createdAt + 30 * 86_400);
    const profiling = await refused(
      north,
      "POST",
      `/v1/datausage/contracts/${root}/uses`,
      { purpose: "profiling", activity: "x" },
      403,
      "DATAUSAGE_DENIED",
    );
    assert.match(profiling.message, /prohibited/);
    assert.equal((await consultations(north, root)).length, 2, "only the allowed and modified uses were recorded");
  });

  it("transfers down a chain of two processors, each holding pseudonymised data under its own contract", async () => {
    const t = await ok<{ contractId: Hex; verdict: string; package: { data: Json } & Json }>(
      north,
      "POST",
      `/v1/datausage/contracts/${root}/transfers`,
      { processor: account(osp), purpose: "customer-care" },
    );
    assert.equal(t.verdict, "modify");
    assert.match(String(t.package.data.msisdn), /^pseud:/);
    // A package altered in transit does not match the contract's fingerprints.
    const altered = structuredClone(t.package);
    altered.data.plan = "basic";
    await refused(osp, "POST", "/v1/datausage/imports", altered, 422, "DATAUSAGE_PACKAGE_MISMATCH");
    await refused(care, "POST", "/v1/datausage/imports", t.package, 422, "DATAUSAGE_PACKAGE_MISMATCH");
    const imported = await ok<Json>(osp, "POST", "/v1/datausage/imports", t.package);
    assert.equal(imported.depth, 1);
    ospContract = t.contractId;
    const used = await ok<Json>(osp, "POST", `/v1/datausage/contracts/${ospContract}/uses`, {
      purpose: "customer-care",
      activity: "ticket 1",
    });
    assert.match(String((used.data as Json).msisdn), /^pseud:/);
    const t2 = await ok<{ contractId: Hex; package: Json }>(
      osp,
      "POST",
      `/v1/datausage/contracts/${ospContract}/transfers`,
      {
        processor: account(care),
        purpose: "customer-care",
      },
    );
    careContract = t2.contractId;
    assert.equal((await ok<Json>(care, "POST", "/v1/datausage/imports", t2.package)).depth, 2);
    await ok(care, "POST", `/v1/datausage/contracts/${careContract}/uses`, {
      purpose: "customer-care",
      activity: "call back",
    });
  });

  it("refuses transfers the policy or the contract forbids, nothing changed", async () => {
    const before = await ok<{ items: Json[] }>(north, "GET", "/v1/datausage/contracts?limit=100");
    const byPolicy = await refused(
      north,
      "POST",
      `/v1/datausage/contracts/${root}/transfers`,
      { processor: account(osp), purpose: "marketing" },
      403,
      "DATAUSAGE_DENIED",
    );
    assert.match(byPolicy.message, /purpose marketing not allowed/);
    const byContract = await refused(
      care,
      "POST",
      `/v1/datausage/contracts/${careContract}/transfers`,
      { processor: account(north), purpose: "customer-care" },
      403,
      "DATAUSAGE_DENIED",
    );
    assert.match(byContract.message, /names no recipient/);
    const after = await ok<{ items: Json[] }>(north, "GET", "/v1/datausage/contracts?limit=100");
    assert.equal(after.items.length, before.items.length, "no contract created");
  });

  it("anchors the controller's consultations in one batch the chain verifies", async () => {
    const batch = await ok<{ count: number; gasUsed: number }>(north, "POST", "/v1/datausage/consultations/batches");
    assert.equal(batch.count, 3, "two uses and one transfer");
    const records = await consultations(north, root);
    assert.ok(
      records.every((r) => r.onChain === true),
      JSON.stringify(records),
    );
    await refused(north, "POST", "/v1/datausage/consultations/batches", undefined, 409, "DATAUSAGE_NOTHING_TO_ANCHOR");
  });

  it("stops every processor once the subject revokes, before its next use", async () => {
    const wrong = `0x${"11".repeat(32)}`;
    await refused(
      osp,
      "POST",
      "/v1/datausage/revocations",
      { contractId: root, secret: wrong },
      403,
      "DATAUSAGE_BAD_SECRET",
    );
    await ok(care, "POST", `/v1/datausage/contracts/${careContract}/uses`, {
      purpose: "customer-care",
      activity: "still allowed",
    });
    const careRecords = (await consultations(care, careContract)).length;
    // The subject relays the revocation through any member's agent (here Origin Voice's).
    await ok(osp, "POST", "/v1/datausage/revocations", { contractId: root, secret });
    const denied = await refused(
      care,
      "POST",
      `/v1/datausage/contracts/${careContract}/uses`,
      { purpose: "customer-care", activity: "after revocation" },
      403,
      "DATAUSAGE_DENIED",
    );
    assert.match(denied.message, new RegExp(`revoked contract ${root}`));
    await refused(
      osp,
      "POST",
      `/v1/datausage/contracts/${ospContract}/uses`,
      { purpose: "customer-care", activity: "x" },
      403,
      "DATAUSAGE_DENIED",
    );
    await refused(
      north,
      "POST",
      `/v1/datausage/contracts/${root}/uses`,
      { purpose: "billing", activity: "x" },
      403,
      "DATAUSAGE_DENIED",
    );
    assert.equal((await consultations(care, careContract)).length, careRecords, "a refused use records nothing");
    const c = await ok<Json>(care, "GET", `/v1/datausage/contracts/${careContract}`);
    assert.equal(c.active, false);
    assert.equal(c.revokedAncestor, root);
    await refused(
      north,
      "POST",
      "/v1/datausage/revocations",
      { contractId: root, secret },
      409,
      "DATAUSAGE_ALREADY_REVOKED",
    );
    const check = await ok<Json>(care, "POST", "/v1/datausage/receipts/checks", receipt);
    assert.equal(check.valid, true);
    assert.equal(check.active, false, "the receipt shows the contract revoked");
  });

  it("keeps the read model consistent with the chain", async () => {
    for (const agent of [north, osp, care]) {
      const report = await ok<{ differences: unknown[] } & Json>(agent, "GET", "/v1/agent/consistency");
      assert.deepEqual(report.differences, [], JSON.stringify(report));
    }
  });
});

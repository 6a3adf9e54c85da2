// The insights market through the member agents' APIs on a real devnet: North Mobile, controller of a subscriber's
// data usage contract, offers an insight drawn from it (payload sealed under the subject's key, a salted digest on
// chain); South Mobile buys it in the settlement token and opens the delivery sealed to its key; the insight is listed
// with a broker (the reseller) and Alpha buys it through the broker, the broker's share split by the contract; then the
// subject's erasure request destroys the key and is recorded on chain. Negative cases, each refused with a named
// reason and nothing moved: a replayed purchase (by the agent and by the contract), access to an erased insight (a
// delivery, an opening, a purchase), a broker share above 100%, an offer the policy does not permit, bad input.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Address, type Hex, keccak256, stringToHex } from "viem";
import { DATAUSAGE_PROFILE } from "../../src/datausage/odrl.ts";
import { InsightsMarket, SettlementToken } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Json = Record<string, unknown>;

const policy = (purposes: string[]) => ({
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: purposes }] },
  ],
});

const INSIGHT = { segment: "weekday commuter", homeArea: "N1", roamsAbroad: false, monthlyMb: 42_345 };

describe("datausage: the insights market and the provable right to be forgotten", () => {
  let consortium: TestConsortium;
  let agents: Record<"north" | "south" | "alpha" | "broker" | "bank", TestAgent>;
  let token: Address;
  let market: Address;
  let consent: Hex;
  let insight: Hex;
  let direct: Json;
  let brokered: Json;

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
    const r = await agent.call<{ code: string; message: string; details?: Array<{ field?: string }> }>(
      method,
      path,
      body,
    );
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase() as Address;
  const balance = async (agent: TestAgent) =>
    (
      await agent.agent.chain.readContract({
        address: token,
        abi: SettlementToken.abi,
        functionName: "balanceOf",
        args: [account(agent)],
      })
    ).toString();
  const balances = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(agents).map(async ([name, agent]) => [name, await balance(agent)])),
    ) as Record<keyof typeof agents, string>;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "south", roles: ["MOBILE_OPERATOR"] },
      { name: "alpha", roles: ["TNSP"] },
      { name: "broker", roles: ["TNR"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
    ]);
    agents = consortium.agents as typeof agents;
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Address }>;
    };
    token = manifest.contracts.SettlementToken?.address as Address;
    market = manifest.contracts.InsightsMarket?.address as Address;
    for (const buyer of [agents.south, agents.alpha])
      await ok(agents.bank, "POST", "/v1/settlement/mint", {
        to: account(buyer),
        amount: "10000",
        bankRef: `insights-${account(buyer)}`,
      });
    const created = await ok<{ contractId: Hex }>(agents.north, "POST", "/v1/datausage/contracts", {
      subject: "+447700900042",
      data: { msisdn: "+447700900042", plan: "unlimited", monthlyMb: 42_345 },
      policy: policy(["billing", "insights"]),
      purposes: ["billing", "insights"],
      notice: "North Mobile may draw insights from your usage and offer them, and erases them on your request.",
      recipients: [],
      maxDepth: 0,
    });
    consent = created.contractId;
  });
  after(async () => {
    await consortium?.stop();
  });

  it("offers an insight under a consent that permits it: only a salted digest and the price reach the chain", async () => {
    const offered = await ok<{ insightId: Hex; contentDigest: Hex }>(agents.north, "POST", "/v1/datausage/insights", {
      consentId: consent,
      payload: INSIGHT,
      price: "500",
    });
    insight = offered.insightId;
    const row = await ok<Json>(agents.alpha, "GET", `/v1/datausage/insights/${insight}`);
    assert.equal(row.controller, account(agents.north));
    assert.equal(row.consentId, consent);
    assert.equal(row.price, "500");
    // A dictionary of candidate insights (the true one among them), hashed bare or with an empty salt, never
    // meets the digest on chain: its salt is random and stays with the subject's key.
    const candidates = [INSIGHT, { ...INSIGHT, segment: "student" }, { segment: "weekday commuter" }];
    for (const candidate of candidates) {
      const json = JSON.stringify(candidate);
      assert.notEqual(keccak256(stringToHex(json)), offered.contentDigest);
      assert.notEqual(keccak256(`0x${"0".repeat(64)}${stringToHex(json).slice(2)}`), offered.contentDigest);
    }
    const denied = await ok<{ contractId: Hex }>(agents.north, "POST", "/v1/datausage/contracts", {
      subject: "+447700900043",
      data: { plan: "prepaid" },
      policy: policy(["billing"]),
      purposes: ["billing"],
      notice: "Billing only.",
      recipients: [],
      maxDepth: 0,
    });
    const refusal = await refused(
      agents.north,
      "POST",
      "/v1/datausage/insights",
      { consentId: denied.contractId, payload: INSIGHT, price: "500" },
      403,
      "DATAUSAGE_DENIED",
    );
    assert.match(refusal.message, /insights/);
    await refused(
      agents.south,
      "POST",
      "/v1/datausage/insights",
      { consentId: consent, payload: INSIGHT, price: "500" },
      404,
      "DATAUSAGE_NOT_HELD",
    );
  });

  it("sells it directly: the buyer pays the controller and opens the delivery sealed to its key", async () => {
    const before = await balances();
    direct = await ok<Json>(agents.south, "POST", `/v1/datausage/insights/${insight}/purchases`, { maxPrice: "500" });
    const after = await balances();
    assert.equal(BigInt(after.south), BigInt(before.south) - 500n);
    assert.equal(BigInt(after.north), BigInt(before.north) + 500n);
    const envelope = await ok<Json>(agents.north, "POST", `/v1/datausage/purchases/${direct.purchaseId}/delivery`);
    assert.ok(!JSON.stringify(envelope).includes("commuter"), "the delivery is sealed");
    const { purchaseId: _p, insightId: _i, ...sealed } = envelope;
    const opened = await ok<{ payload: Json }>(
      agents.south,
      "POST",
      `/v1/datausage/purchases/${direct.purchaseId}/opening`,
      sealed,
    );
    assert.deepEqual(opened.payload, INSIGHT);
    // Only the buyer opens it: another member holds no key for the purchase, and a tampered delivery fails.
    await refused(
      agents.alpha,
      "POST",
      `/v1/datausage/purchases/${direct.purchaseId}/opening`,
      sealed,
      403,
      "DATAUSAGE_NOT_BUYER",
    );
    const flipped = `${(envelope.ciphertext as string).slice(0, -2)}${(envelope.ciphertext as string).endsWith("00") ? "01" : "00"}`;
    await refused(
      agents.south,
      "POST",
      `/v1/datausage/purchases/${direct.purchaseId}/opening`,
      { ...sealed, ciphertext: flipped },
      422,
      "DATAUSAGE_DELIVERY_MISMATCH",
    );
  });

  it("refuses a replayed purchase: the agent before sending, the contract if it is sent anyway; nothing moves", async () => {
    const before = await balances();
    const refusal = await refused(
      agents.south,
      "POST",
      `/v1/datausage/insights/${insight}/purchases`,
      { maxPrice: "500" },
      409,
      "DATAUSAGE_PURCHASE_REPLAYED",
    );
    assert.equal(refusal.details?.[0]?.field, "params.id");
    const south = agents.south.agent;
    const deliveryKey = `0x04${"11".repeat(64)}` as Hex;
    await assert.rejects(
      south.chain.simulateContract({
        account: account(agents.south),
        address: market,
        abi: InsightsMarket.abi,
        functionName: "purchase",
        args: [insight, "0x0000000000000000000000000000000000000000", 500n, deliveryKey],
      }),
      /PurchaseReplayed/,
    );
    assert.deepEqual(await balances(), before);
  });

  it("resells through a broker: the contract splits the broker's share; a share above 100% is refused", async () => {
    const listing = `/v1/datausage/insights/${insight}/listings`;
    const tooHigh = await refused(
      agents.north,
      "POST",
      listing,
      { broker: account(agents.broker), price: "800", brokerShareBps: 10_001 },
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(tooHigh), /brokerShareBps/);
    await refused(
      agents.broker,
      "POST",
      listing,
      { broker: account(agents.broker), price: "800", brokerShareBps: 2_500 },
      403,
      "DATAUSAGE_NOT_INSIGHT_CONTROLLER",
    );
    await refused(
      agents.alpha,
      "POST",
      `/v1/datausage/insights/${insight}/purchases`,
      { broker: account(agents.broker), maxPrice: "800" },
      404,
      "DATAUSAGE_NOT_LISTED",
    );
    await ok(agents.north, "POST", listing, { broker: account(agents.broker), price: "800", brokerShareBps: 2_500 });
    await refused(
      agents.alpha,
      "POST",
      `/v1/datausage/insights/${insight}/purchases`,
      { broker: account(agents.broker), maxPrice: "799" },
      409,
      "DATAUSAGE_PRICE_ABOVE_LIMIT",
    );
    const before = await balances();
    brokered = await ok<Json>(agents.alpha, "POST", `/v1/datausage/insights/${insight}/purchases`, {
      broker: account(agents.broker),
      maxPrice: "800",
    });
    assert.equal(brokered.brokerAmount, "200");
    const after = await balances();
    assert.equal(BigInt(after.alpha), BigInt(before.alpha) - 800n);
    assert.equal(BigInt(after.broker), BigInt(before.broker) + 200n, "the broker's 25%");
    assert.equal(BigInt(after.north), BigInt(before.north) + 600n, "the rest to the controller");
    const envelope = await ok<Json>(agents.north, "POST", `/v1/datausage/purchases/${brokered.purchaseId}/delivery`);
    const { purchaseId: _p, insightId: _i, ...sealed } = envelope;
    const opened = await ok<{ payload: Json }>(
      agents.alpha,
      "POST",
      `/v1/datausage/purchases/${brokered.purchaseId}/opening`,
      sealed,
    );
    assert.deepEqual(opened.payload, INSIGHT);
    const sales = await ok<{ items: Json[] }>(agents.broker, "GET", `/v1/datausage/insights/${insight}/purchases`);
    assert.deepEqual(
      sales.items.map((p) => [p.buyer, p.broker, p.price, p.brokerAmount]).sort(),
      [
        [account(agents.alpha), account(agents.broker), "800", "200"],
        [account(agents.south), null, "500", "0"],
      ].sort(),
    );
  });

  it("erases on the subject's request: key destroyed, erasure on chain, then no purchase, delivery nor opening", async () => {
    const oldEnvelope = await ok<Json>(agents.north, "POST", `/v1/datausage/purchases/${direct.purchaseId}/delivery`);
    const erased = await ok<{ erased: Hex[]; erasureDigest: Hex }>(agents.north, "POST", "/v1/datausage/erasures", {
      consentId: consent,
    });
    assert.deepEqual(erased.erased, [insight]);
    // The certificate is the controller's to show (another member holds none), checked against the chain.
    await refused(
      agents.south,
      "GET",
      `/v1/datausage/erasures/${consent}`,
      undefined,
      404,
      "DATAUSAGE_NOTHING_TO_ERASE",
    );
    const own = await ok<{ valid: boolean; subjectKeyHeld: boolean; insights: number; erasedOnChain: number }>(
      agents.north,
      "GET",
      `/v1/datausage/erasures/${consent}`,
    );
    assert.equal(own.valid, true);
    assert.equal(own.subjectKeyHeld, false);
    assert.deepEqual([own.insights, own.erasedOnChain], [1, 1], "the chain shows the certificate's digest");
    const row = await ok<Json>(agents.broker, "GET", `/v1/datausage/insights/${insight}`);
    assert.ok(Number(row.erasedAt) > 0);
    const before = await balances();
    await refused(
      agents.north,
      "POST",
      `/v1/datausage/purchases/${direct.purchaseId}/delivery`,
      undefined,
      410,
      "DATAUSAGE_INSIGHT_ERASED",
    );
    const { purchaseId: _p, insightId: _i, ...sealed } = oldEnvelope;
    await refused(
      agents.south,
      "POST",
      `/v1/datausage/purchases/${direct.purchaseId}/opening`,
      sealed,
      410,
      "DATAUSAGE_INSIGHT_ERASED",
    );
    await refused(
      agents.broker,
      "POST",
      `/v1/datausage/insights/${insight}/purchases`,
      { maxPrice: "500" },
      410,
      "DATAUSAGE_INSIGHT_ERASED",
    );
    await assert.rejects(
      agents.broker.agent.chain.simulateContract({
        account: account(agents.broker),
        address: market,
        abi: InsightsMarket.abi,
        functionName: "purchase",
        args: [insight, "0x0000000000000000000000000000000000000000", 500n, `0x04${"22".repeat(64)}`],
      }),
      /InsightErased/,
    );
    await refused(
      agents.north,
      "POST",
      "/v1/datausage/erasures",
      { consentId: consent },
      404,
      "DATAUSAGE_NOTHING_TO_ERASE",
    );
    assert.deepEqual(await balances(), before, "nothing moved");
  });

  it("refuses bad input naming the field, and unknown ids by name", async () => {
    const bad = await refused(
      agents.north,
      "POST",
      "/v1/datausage/insights",
      { consentId: consent, payload: INSIGHT, price: "-1" },
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(bad), /price/);
    const noPayload = await refused(
      agents.north,
      "POST",
      "/v1/datausage/insights",
      { consentId: consent, payload: {}, price: "1" },
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(noPayload), /payload/);
    await refused(
      agents.south,
      "GET",
      `/v1/datausage/insights/0x${"ab".repeat(32)}`,
      undefined,
      404,
      "DATAUSAGE_UNKNOWN_INSIGHT",
    );
    await refused(
      agents.north,
      "POST",
      `/v1/datausage/purchases/0x${"ab".repeat(32)}/delivery`,
      undefined,
      404,
      "DATAUSAGE_UNKNOWN_PURCHASE",
    );
  });
});

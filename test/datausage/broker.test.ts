// The broker through the member agents' APIs on a real devnet. Two subscribers (wallet keys, no accounts) of North
// Mobile accept an insight each and entrust it to a broker member with their share; the broker bundles both and sells
// the bundle to South Mobile; the contract pays each subscriber's key its share and the broker the rest (the
// settlement token's balances show it); South fetches each insight from North sealed to its one delivery key and opens
// it, checked against the digest on chain. Negative cases, refused with a named reason and nothing moved: bundling an
// insight the subscriber did not entrust to this broker, an entrustment signed by another key, a replayed bundle
// purchase, the broker buying its own bundle, a bundle holding an erased insight.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { bundleSplit } from "../../src/datausage/brokerService.ts";
import { DATAUSAGE_PROFILE } from "../../src/datausage/odrl.ts";
import { locationDigestOf, type SigningDomain, subscriberWallet } from "../../src/datausage/subscriberSigning.ts";
import { SettlementToken } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Json = Record<string, unknown>;
type Wallet = ReturnType<typeof subscriberWallet>;

const POLICY = {
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["insights"] }] },
  ],
};

describe("datausage: a broker bundles subscribers' insights and the contract pays each subscriber its share", () => {
  let consortium: TestConsortium;
  let agents: { north: TestAgent; south: TestAgent; broker: TestAgent; bank: TestAgent };
  let token: Address;
  let domain: SigningDomain;
  const first = subscriberWallet(generatePrivateKey());
  const second = subscriberWallet(generatePrivateKey());
  const forger = subscriberWallet(generatePrivateKey());
  const insights: Hex[] = [];
  let bundleId: Hex;
  const deadline = () => Math.floor(Date.now() / 1000) + 600;

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
    const r = await agent.call<{ code: string }>(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase() as Address;
  const balanceOf = async (who: Address) =>
    agents.north.agent.chain.readContract({
      address: token,
      abi: SettlementToken.abi,
      functionName: "balanceOf",
      args: [who],
    });
  const balances = async () => ({
    south: await balanceOf(account(agents.south)),
    broker: await balanceOf(account(agents.broker)),
    north: await balanceOf(account(agents.north)),
    first: await balanceOf(first.address),
    second: await balanceOf(second.address),
  });
  /** A subscriber's contract with North, its key registered, an insight offered and accepted with that key. */
  const acceptedInsight = async (wallet: Wallet, msisdn: string, payload: Json) => {
    const { contractId } = await ok<{ contractId: Hex }>(agents.north, "POST", "/v1/datausage/contracts", {
      subject: msisdn,
      data: { msisdn, plan: "sim-only" },
      policy: POLICY,
      purposes: ["insights"],
      notice: "North Mobile offers you insights drawn from your usage.",
      recipients: [],
      maxDepth: 0,
    });
    await ok(agents.south, "POST", "/v1/datausage/subscriber-keys", {
      consentId: contractId,
      publicKey: wallet.publicKey,
      signature: await wallet.signKey(domain, contractId),
    });
    const { insightId } = await ok<{ insightId: Hex }>(agents.north, "POST", "/v1/datausage/insights", {
      consentId: contractId,
      payload,
      price: "500",
    });
    const until = deadline();
    await ok(agents.north, "POST", `/v1/datausage/insights/${insightId}/answers`, {
      accepted: true,
      location: "agent",
      deadline: until,
      signature: await wallet.signAnswer(domain, {
        insightId,
        accepted: true,
        locationDigest: locationDigestOf("agent"),
        deadline: BigInt(until),
      }),
    });
    return { insightId, consentId: contractId };
  };
  const entrustBody = async (signer: Wallet, insightId: Hex, shareBps: number) => {
    const until = deadline();
    const broker = account(agents.broker);
    return {
      broker,
      subscriberShareBps: shareBps,
      deadline: until,
      signature: await signer.signEntrust(domain, {
        insightId,
        broker,
        subscriberShareBps: shareBps,
        deadline: BigInt(until),
      }),
    };
  };

  before(async () => {
    consortium = await startTestConsortium([
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "south", roles: ["MOBILE_OPERATOR"] },
      { name: "broker", roles: ["TNR"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
    ]);
    agents = consortium.agents as typeof agents;
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Address }>;
    };
    token = manifest.contracts.SettlementToken?.address as Address;
    await ok(agents.bank, "POST", "/v1/settlement/mint", {
      to: account(agents.south),
      amount: "10000",
      bankRef: "broker-test-south",
    });
    domain = await ok<SigningDomain>(agents.south, "GET", "/v1/datausage/signing-domain");
    insights.push((await acceptedInsight(first, "+447700900301", { segment: "commuter", homeArea: "N1" })).insightId);
    insights.push((await acceptedInsight(second, "+447700900302", { segment: "gamer", homeArea: "E2" })).insightId);
  });
  after(async () => {
    await consortium?.stop();
  });

  it("bundles only insights their subscribers entrusted to this broker, by their own key", async () => {
    const [a, b] = insights as [Hex, Hex];
    // The broker signing for the subscriber (any key but the registered one): refused, nothing sent.
    const forged = await refused(
      agents.broker,
      "POST",
      `/v1/datausage/insights/${b}/entrustments`,
      await entrustBody(forger, b, 5_000),
      403,
      "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
    );
    assert.ok(JSON.stringify(forged).includes(second.address), JSON.stringify(forged));
    const entrusted = await ok<Json>(
      agents.broker,
      "POST",
      `/v1/datausage/insights/${a}/entrustments`,
      await entrustBody(first, a, 7_000),
    );
    assert.equal(entrusted.subscriberKey, first.address);
    const notEntrusted = await refused(
      agents.broker,
      "POST",
      "/v1/datausage/bundles",
      { insightIds: [a, b], price: "1001" },
      409,
      "DATAUSAGE_NOT_ENTRUSTED",
    );
    assert.ok(JSON.stringify(notEntrusted).includes(b), JSON.stringify(notEntrusted));
    // Entrusted to the broker is not entrusted to South.
    await refused(
      agents.south,
      "POST",
      "/v1/datausage/bundles",
      { insightIds: [a], price: "500" },
      409,
      "DATAUSAGE_NOT_ENTRUSTED",
    );
    await refused(
      agents.broker,
      "POST",
      `/v1/datausage/insights/${a}/entrustments`,
      await entrustBody(first, a, 7_000),
      409,
      "DATAUSAGE_ALREADY_ENTRUSTED",
    );
    await ok(agents.south, "POST", `/v1/datausage/insights/${b}/entrustments`, await entrustBody(second, b, 5_000));
    const bundled = await ok<{ bundleId: Hex; insightIds: Hex[] }>(agents.broker, "POST", "/v1/datausage/bundles", {
      insightIds: [b, a],
      price: "1001",
    });
    bundleId = bundled.bundleId;
    assert.deepEqual(bundled.insightIds, [...insights].sort(), "sent ascending");
  });

  it("sells the bundle: each subscriber's key is paid its share by the contract, the broker the rest, the controller nothing", async () => {
    const before = await balances();
    await refused(
      agents.broker,
      "POST",
      `/v1/datausage/bundles/${bundleId}/purchases`,
      { maxPrice: "1001" },
      409,
      "DATAUSAGE_SELF_PURCHASE",
    );
    await refused(
      agents.south,
      "POST",
      `/v1/datausage/bundles/${bundleId}/purchases`,
      { maxPrice: "1000" },
      409,
      "DATAUSAGE_PRICE_ABOVE_LIMIT",
    );
    const bought = await ok<{
      bundlePurchaseId: Hex;
      brokerAmount: string;
      insights: Array<{
        insightId: Hex;
        purchaseId: Hex;
        link: string;
        subscriberKey: string;
        subscriberAmount: string;
      }>;
    }>(agents.south, "POST", `/v1/datausage/bundles/${bundleId}/purchases`, { maxPrice: "1001" });
    const after = await balances();
    // portion 1001 / 2 = 500 (rounded down): 70% of it to the first subscriber, 50% to the second, 401 to the broker.
    const split = bundleSplit(1001n, [7_000, 5_000]);
    assert.deepEqual(split, { portion: 500n, subscribers: [350n, 250n], broker: 401n });
    assert.equal(after.first - before.first, 350n, "the first subscriber's key paid by the contract");
    assert.equal(after.second - before.second, 250n, "the second subscriber's key paid by the contract");
    assert.equal(after.broker - before.broker, 401n, "the broker keeps the rest");
    assert.equal(before.south - after.south, 1001n, "the buyer paid the price");
    assert.equal(after.north, before.north, "the controller is not paid for a bundle");
    assert.equal(bought.brokerAmount, "401");
    const shown = await ok<{
      purchases: Array<{ subscriberPayments: Array<{ subscriberKey: string; amount: string }> }>;
    }>(agents.north, "GET", `/v1/datausage/bundles/${bundleId}`);
    const paid = Object.fromEntries(
      (shown.purchases[0]?.subscriberPayments ?? []).map((p) => [p.subscriberKey, p.amount]),
    );
    assert.deepEqual(paid, { [first.address]: "350", [second.address]: "250" }, "shares recorded, as every agent sees");
    // Per-insight links and one key: each insight fetched from its controller, sealed to South's key, opened by South.
    for (const item of bought.insights) {
      const delivered = await ok<Json>(agents.north, "POST", item.link);
      const { ephemeralPublicKey, iv, ciphertext, tag } = delivered;
      const envelope = { ephemeralPublicKey, iv, ciphertext, tag };
      assert.equal(delivered.purchaseId, item.purchaseId, "the link delivers this insight's purchase");
      assert.ok(!JSON.stringify(envelope).includes("commuter") && !JSON.stringify(envelope).includes("gamer"));
      const opened = await ok<{ payload: Json }>(
        agents.south,
        "POST",
        `/v1/datausage/purchases/${item.purchaseId}/opening`,
        envelope,
      );
      assert.ok(["commuter", "gamer"].includes(String(opened.payload.segment)), JSON.stringify(opened));
      // Nobody else holds the key.
      await refused(
        agents.broker,
        "POST",
        `/v1/datausage/purchases/${item.purchaseId}/opening`,
        envelope,
        403,
        "DATAUSAGE_NOT_BUYER",
      );
    }
    // A replayed purchase: refused by the agent, and by the contract if sent anyway; nothing moves.
    const replay = await refused(
      agents.south,
      "POST",
      `/v1/datausage/bundles/${bundleId}/purchases`,
      { maxPrice: "1001" },
      409,
      "DATAUSAGE_PURCHASE_REPLAYED",
    );
    assert.ok(JSON.stringify(replay).includes(bought.bundlePurchaseId), JSON.stringify(replay));
    assert.deepEqual(await balances(), after, "nothing moved");
  });

  it("refuses bad input naming the field and an unknown bundle", async () => {
    const bad = await refused(
      agents.broker,
      "POST",
      "/v1/datausage/bundles",
      { insightIds: [], price: "1" },
      400,
      "VALIDATION_FAILED",
    );
    assert.ok(JSON.stringify(bad).includes("body.insightIds"), JSON.stringify(bad));
    const share = await refused(
      agents.broker,
      "POST",
      `/v1/datausage/insights/${insights[0]}/entrustments`,
      { ...(await entrustBody(first, insights[0] as Hex, 1)), subscriberShareBps: 10_001 },
      400,
      "VALIDATION_FAILED",
    );
    assert.ok(JSON.stringify(share).includes("body.subscriberShareBps"), JSON.stringify(share));
    await refused(
      agents.south,
      "GET",
      `/v1/datausage/bundles/0x${"ab".repeat(32)}`,
      undefined,
      404,
      "DATAUSAGE_UNKNOWN_BUNDLE",
    );
  });
});

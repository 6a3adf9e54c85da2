// Usage-driven channel updates on a real devnet with two agent processes: north (visited) anchors batches of rated
// usage under an agreement with south (home); when south's agent confirms a batch (its own rating gives the anchored
// root, count and total) it pays the batch's total to north through the pair's open channel, one co-signed state per
// batch carrying the batch id. With north's agent down the confirm still succeeds and the payment waits (pending);
// south's agent pays it at its next start, and no restart after that moves the balance again.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import type { StateJson } from "../../src/settlement/channels/service.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import {
  type Answer,
  type MemberName,
  OPERATORS_AND_BANK,
  PERIOD,
  RECORDS,
  record,
  TARIFF,
  VALID_FROM,
  VALID_TO,
} from "./roamingFixtures.ts";

// The agents are child processes: they inherit the switch that turns usage-driven channel updates on (plugin.ts).
process.env.TELCO_LEDGER_SETTLEMENT_CHANNEL_USAGE = "on";

describe("settlement: usage-driven payment channel updates between two agent processes", () => {
  let c: TestConsortium<TestAgentProcess>;
  const agent = (name: MemberName) => c.agents[name] as TestAgentProcess;
  const call = (name: MemberName, method: string, path: string, body?: unknown) =>
    agent(name).call<Answer>(method, path, body);
  const ok = async (name: MemberName, method: string, path: string, body?: unknown, status = 200) => {
    const answer = await call(name, method, path, body);
    assert.equal(answer.status, status, `${name} ${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const accounts = {} as Record<MemberName, Hex>;

  before(async () => {
    c = await startTestConsortium(OPERATORS_AND_BANK, { agentProcesses: true });
    for (const name of ["north", "south", "bank"] as const) {
      accounts[name] = (await ok(name, "GET", "/v1/agent")).memberAccount as Hex;
    }
    await ok("bank", "POST", "/v1/settlement/mint", { to: accounts.south, amount: "500000", bankRef: "U-S" }, 201);
  });
  after(async () => {
    await c?.stop();
  });

  it("pays each confirmed batch's total through the channel once, a payment missed while the peer was down at the next start", async () => {
    const terms = {
      visited: accounts.north,
      home: accounts.south,
      validFrom: VALID_FROM,
      validTo: VALID_TO,
      periodSeconds: PERIOD,
      disputeWindowSeconds: 7 * 86_400,
      tariff: TARIFF,
    };
    const { agreementId } = await ok("north", "POST", "/v1/settlement/agreements", terms, 201);
    await ok("south", "POST", `/v1/settlement/agreements/${agreementId}/approve`, { terms });
    // south (home, the payer) opens the pair's channel; north's agent co-signs
    const key = await ok("north", "POST", "/v1/api-keys", { userName: "peer south", role: "operator" }, 201);
    const opened = await ok(
      "south",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: accounts.north,
        challengePeriodSeconds: 600,
        deposit: "300000",
        peer: { url: agent("north").url, apiKey: key.key },
      },
      201,
    );
    const channelId = opened.channelId as Hex;
    const anchor = async (records: unknown[]) => {
      const anchored = await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, { records }, 201);
      const held = await ok("north", "GET", `/v1/settlement/batches/${anchored.batchId}/records`);
      return { batchId: anchored.batchId as Hex, total: BigInt(anchored.total as string), handed: held };
    };
    const confirm = (b: { batchId: Hex; handed: Answer }) =>
      ok("south", "POST", `/v1/settlement/batches/${b.batchId}/confirm`, {
        salt: b.handed.salt,
        records: b.handed.records,
      });
    const payment = (batchId: Hex) => ok("south", "GET", `/v1/settlement/batches/${batchId}/channel-payment`);
    const stateAt = async (name: MemberName) =>
      (await ok(name, "GET", `/v1/settlement/channels/${channelId}/state`)).state as StateJson;

    const b1 = await anchor(RECORDS);
    assert.ok(b1.total > 0n);
    await confirm(b1);
    assert.deepEqual(await payment(b1.batchId), {
      batchId: b1.batchId,
      counterparty: accounts.north.toLowerCase(),
      amount: b1.total.toString(),
      status: "paid",
      channelId,
      version: 1,
      error: null,
    });
    const s1 = await stateAt("north");
    assert.deepEqual(s1, await stateAt("south"));
    assert.equal(s1.version, 1);
    assert.equal(BigInt(s1.balanceA), 300000n - b1.total);
    assert.equal(BigInt(s1.balanceB), b1.total);
    // the visited operator has no channel payment of its own for the batch
    const atNorth = await call("north", "GET", `/v1/settlement/batches/${b1.batchId}/channel-payment`);
    assert.equal(atNorth.status, 404, JSON.stringify(atNorth.body));
    assert.equal(atNorth.body.code, "SETTLEMENT_CHANNEL_USAGE_UNKNOWN");

    // north's agent down: the confirm goes through on chain, the channel payment waits
    const b2 = await anchor([record("u-1"), record("u-2", { durationSeconds: 301, charge: 40 })]);
    await c.killAgent("north");
    const confirmed = await confirm(b2);
    assert.equal(confirmed.status, "received");
    const waiting = await payment(b2.batchId);
    assert.equal(waiting.status, "pending");
    assert.match(String(waiting.error), /unreachable/);
    assert.equal((await stateAt("south")).version, 1, "nothing moved");

    // north back; south's agent restarted: it pays the waiting batch at start, once
    await c.startAgent("north");
    await c.killAgent("south");
    await c.startAgent("south");
    await eventually(async () => assert.equal((await payment(b2.batchId)).status, "paid"), 30_000);
    const s2 = await stateAt("south");
    assert.equal(s2.version, 2);
    assert.equal(BigInt(s2.balanceB), b1.total + b2.total);
    assert.deepEqual(await stateAt("north"), s2);

    // restarted again, and the first batch's payment asked again through the same path: nothing moves twice
    await c.killAgent("south");
    await c.startAgent("south");
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal((await stateAt("south")).version, 2);
    assert.equal((await payment(b1.batchId)).version, 1);
    assert.equal((await payment(b2.batchId)).version, 2);
    // south's own member pays by hand on top: version 3, the usage states untouched
    const paidByHand = await ok("south", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount: "5" });
    assert.equal(paidByHand.version, 3);
    assert.equal(BigInt(paidByHand.balanceB as string), b1.total + b2.total + 5n);
  });
});

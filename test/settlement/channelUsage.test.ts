// Usage-driven channel updates on a real devnet with two agent processes: north (visited) anchors batches of rated
// usage under an agreement with south (home); when south's agent confirms a batch (its own rating gives the anchored
// root, count and total) it pays the batch's total to north through the pair's open channel, one co-signed state per
// batch carrying the batch id, and records that state in RoamingSettlement, so the batch leaves the period's invoice.
// With north's agent down the confirm still succeeds and the payment waits (pending); south's agent pays it at its
// next start, and no restart after that moves the balance again. The period's invoice leaves the channel-paid batches
// out, the contract refuses an invoice naming one (PaidByChannel), and the report shows them "paid by channel".
// Resynchronisation: south's agent dies between north co-signing and south storing (the test hook
// TELCO_LEDGER_TEST_CHANNEL_CRASH_AFTER_COSIGN); restarted, it recovers north's newer state and carries on.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  defineChain,
  type Hex,
  http,
} from "viem";
import { RoamingSettlement } from "../../src/generated/contracts.ts";
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

// Usage-driven channel updates are on by default (plugin.ts; TELCO_LEDGER_SETTLEMENT_CHANNEL_USAGE=off turns them off).
delete process.env.TELCO_LEDGER_SETTLEMENT_CHANNEL_USAGE;

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
  // shared by the two tests (run in order): the agreement, its channel and the first test's batches
  let agreementId: Hex;
  let channelId: Hex;
  type Anchored = { batchId: Hex; total: bigint; handed: Answer };
  const anchor = async (records: unknown[]): Promise<Anchored> => {
    const anchored = await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, { records }, 201);
    const held = await ok("north", "GET", `/v1/settlement/batches/${anchored.batchId}/records`);
    return { batchId: anchored.batchId as Hex, total: BigInt(anchored.total as string), handed: held };
  };
  const confirm = (b: Anchored) =>
    ok("south", "POST", `/v1/settlement/batches/${b.batchId}/confirm`, {
      salt: b.handed.salt,
      records: b.handed.records,
    });
  const payment = (batchId: Hex) => ok("south", "GET", `/v1/settlement/batches/${batchId}/channel-payment`);
  const stateAt = async (name: MemberName) =>
    (await ok(name, "GET", `/v1/settlement/channels/${channelId}/state`)).state as StateJson;

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
    agreementId = (await ok("north", "POST", "/v1/settlement/agreements", terms, 201)).agreementId as Hex;
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
    channelId = opened.channelId as Hex;

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
    assert.equal(s1.batchId, b1.batchId, "the co-signed state names the batch it pays");
    assert.equal(paidByHand.batchId, undefined, "a plain payment names none");

    // the ledger knows both batches were paid through the channel, by the co-signed states naming them
    for (const [b, version] of [
      [b1, 1],
      [b2, 2],
    ] as const) {
      await eventually(async () => {
        const seen = await ok("north", "GET", `/v1/settlement/batches/${b.batchId}`);
        assert.equal(seen.status, "channel-paid");
        assert.deepEqual(seen.paidByChannel, { channelId, version });
      }, 30_000);
    }

    // south's member spends all but 1 of its channel balance by hand: the next batch cannot be paid through the
    // channel (refused for funds) and is left to the invoice
    const left = BigInt(paidByHand.balanceA as string);
    await ok("south", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount: String(left - 1n) });
    const b3 = await anchor([record("u-3", { durationSeconds: 125, charge: 20 })]);
    await confirm(b3);
    const refused = await payment(b3.batchId);
    assert.equal(refused.status, "refused", JSON.stringify(refused));
    const period = Number((await ok("north", "GET", `/v1/settlement/batches/${b3.batchId}`)).period);

    // a modified visited agent invoicing a channel-paid batch: the contract refuses it by name
    const manifest = JSON.parse(await readFile(c.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Hex }>;
    };
    const chain = defineChain({
      id: c.devnet.chainId,
      name: "devnet",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [c.devnet.rpcUrl] } },
    });
    const client = createPublicClient({ chain, transport: http(c.devnet.rpcUrl) });
    const refusedByName = await client
      .simulateContract({
        account: accounts.north,
        address: manifest.contracts.RoamingSettlement?.address as Hex,
        abi: RoamingSettlement.abi as Abi,
        functionName: "issueInvoice",
        args: [agreementId, BigInt(period), [b1.batchId, b3.batchId], b1.total + b3.total],
      })
      .then(
        () => undefined,
        (error: unknown) =>
          error instanceof BaseError
            ? (error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null)
            : null,
      );
    assert.equal(refusedByName?.data?.errorName, "PaidByChannel", String(refusedByName));
    assert.deepEqual(
      ((refusedByName?.data?.args ?? []) as string[]).map((x) => x.toLowerCase()),
      [b1.batchId.toLowerCase(), channelId.toLowerCase()],
    );

    // north's agent invoices the period over the batch not paid through the channel only
    const invoice = await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/invoices`, { period }, 201);
    assert.equal(BigInt(invoice.amount as string), b3.total, JSON.stringify(invoice));
    assert.equal((await ok("north", "GET", `/v1/settlement/batches/${b1.batchId}`)).status, "channel-paid");
    await eventually(async () => {
      assert.equal((await ok("north", "GET", `/v1/settlement/batches/${b3.batchId}`)).status, "invoiced");
    }, 30_000);

    // the reconciliation report shows them as paid by channel, not due on the invoice
    const report = await ok("north", "GET", `/v1/settlement/agreements/${agreementId}/periods/${period}/report`);
    const totals = report.totals as Record<string, Answer>;
    assert.equal(Number(totals.paidByChannel?.records), RECORDS.length + 2);
    assert.equal(BigInt(totals.paidByChannel?.amount as string), b1.total + b2.total);
    assert.equal(Number(totals.matched?.records), 1);
    assert.equal(BigInt(totals.due as unknown as string), b3.total);
    const outcomes = new Set(
      (report.records as Answer[]).filter((r) => r.batchId === b1.batchId).map((r) => r.outcome),
    );
    assert.deepEqual([...outcomes], ["paid by channel"]);
    assert.equal((report.batches as Answer).paidByChannel, 2);
  });

  it("resynchronises after south's agent dies between north co-signing and south storing, and carries on", async () => {
    await ok("south", "POST", `/v1/settlement/channels/${channelId}/deposit`, { amount: "100000" });
    const before = await stateAt("south");
    // south restarted with the crash hook: it dies right after north co-signed its next proposal
    await c.killAgent("south");
    process.env.TELCO_LEDGER_TEST_CHANNEL_CRASH_AFTER_COSIGN = "1";
    try {
      await c.startAgent("south");
    } finally {
      delete process.env.TELCO_LEDGER_TEST_CHANNEL_CRASH_AFTER_COSIGN;
    }
    // a batch of a later period (the first test invoiced the first one, which takes no more confirmations)
    const b4 = await anchor([
      record("u-4", { startLocal: "20260501120000", startUtc: "2026-05-01T11:00:00Z", charge: 11 }),
    ]);
    await call("south", "POST", `/v1/settlement/batches/${b4.batchId}/confirm`, {
      salt: b4.handed.salt,
      records: b4.handed.records,
    }).catch(() => undefined);
    // north co-signed the batch's payment; south died before storing it: north is one version ahead
    await eventually(async () => assert.equal((await stateAt("north")).version, before.version + 1), 30_000);
    const ahead = await stateAt("north");
    assert.equal(ahead.batchId, b4.batchId);
    assert.equal(BigInt(ahead.balanceB) - BigInt(before.balanceB), b4.total);

    await c.killAgent("south"); // gone already (it killed itself): resolves at once
    // south back without the hook: at start it pays the pending batch, is refused for the version, takes north's
    // newer co-signed state (both signatures checked) and finds the batch paid by it: nothing moves twice
    await c.startAgent("south");
    await eventually(async () => assert.equal((await payment(b4.batchId)).status, "paid"), 60_000);
    assert.equal((await payment(b4.batchId)).version, before.version + 1);
    assert.deepEqual(await stateAt("south"), ahead);
    await eventually(async () => {
      assert.equal((await ok("north", "GET", `/v1/settlement/batches/${b4.batchId}`)).status, "channel-paid");
    }, 30_000);

    // the next payment succeeds; both sides agree, and the cooperative close pays exactly that state
    const next = await ok("south", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount: "7" });
    assert.equal(next.version, before.version + 2);
    assert.deepEqual(await stateAt("north"), next);
    assert.deepEqual(await stateAt("south"), next);
    const closed = await ok("south", "POST", `/v1/settlement/channels/${channelId}/close`);
    assert.equal(closed.status, "closed");
    const payout = closed.payout as Answer;
    assert.equal(BigInt(payout.a as string), BigInt(next.balanceA as string));
    assert.equal(BigInt(payout.b as string), BigInt(next.balanceB as string));
    assert.equal(BigInt(payout.a as string) + BigInt(payout.b as string), 400000n);
  });
});

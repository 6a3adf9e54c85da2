// Invoices and disputes through the operators' agents on a real devnet: mno-north (visited) invoices a period over
// exactly the batches mno-south (home) confirmed; south disputes one record (its agent builds the Merkle proof the
// contract verifies), north answers with a credit note; a second disputed record is upheld and escalated; south
// accepts and the invoice is final for the amount less the credit and the escalated record. Steps by the wrong operator, unknown records, a credit above the record and a batch confirmed after
// the invoice are refused with clear errors. The final invoice is netted into one payment south makes and north
// claims, each once. South's RAP file of the period returns the two disputed records with their RAP error codes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import { type RapReturnBatch, readRap } from "../../src/settlement/tap/rap.ts";
import { rapAcknowledgement } from "../../src/settlement/tap/rapWriter.ts";
import { bytesSource } from "../../src/settlement/tap/reader.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { skipOnNetwork } from "../../testkit/testNetwork.ts";
import {
  type MemberName,
  membersOf,
  OPERATORS_AND_BANK,
  PERIOD,
  RECORDS,
  record,
  TARIFF,
  VALID_FROM,
  VALID_TO,
} from "./roamingFixtures.ts";

describe("settlement: invoices, disputes and netting through the operators' agents", () => {
  let consortium: TestConsortium<TestAgent>;
  const { agent, account, call } = membersOf(() => consortium);
  const ok = async (name: MemberName, method: string, path: string, body?: unknown) => {
    const answer = await call(name, method, path, body);
    assert.ok(answer.status === 200 || answer.status === 201, `${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const refused = async (
    name: MemberName,
    path: string,
    body: unknown,
    status: number,
    code: string,
    field?: string,
  ) => {
    const answer = await call(name, "POST", path, body);
    assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.code, code, JSON.stringify(answer.body));
    if (field) assert.equal(answer.body.details?.[0]?.field, field, JSON.stringify(answer.body));
  };
  const chainRpc = (method: string, params: unknown[]) =>
    fetch(consortium.devnet.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    }).then((r) => r.json());
  let agreementId: Hex;
  let confirmedBatch: Hex;
  let lateBatch: { batchId: Hex; salt: Hex; records: unknown[] };
  let invoiceId: Hex;
  let disputeId: Hex;

  before(async () => {
    consortium = await startTestConsortium(OPERATORS_AND_BANK);
    const terms = {
      visited: account("north"),
      home: account("south"),
      validFrom: VALID_FROM,
      validTo: VALID_TO,
      periodSeconds: PERIOD,
      disputeWindowSeconds: 7 * 86_400,
      tariff: TARIFF,
    };
    agreementId = (await ok("north", "POST", "/v1/settlement/agreements", terms)).agreementId as Hex;
    await ok("south", "POST", `/v1/settlement/agreements/${agreementId}/approve`, { terms });
    const anchor = async (records: unknown[]) => {
      const { batchId } = await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, { records });
      const held = await ok("north", "GET", `/v1/settlement/batches/${batchId}/records`);
      return { batchId: batchId as Hex, salt: held.salt as Hex, records: held.records as unknown[] };
    };
    const first = await anchor(RECORDS);
    confirmedBatch = first.batchId;
    await ok("south", "POST", `/v1/settlement/batches/${confirmedBatch}/confirm`, {
      salt: first.salt,
      records: first.records,
    });
    lateBatch = await anchor([record("n-5", { startLocal: "20260302120000", startUtc: "2026-03-02T11:00:00Z" })]);
  });
  after(async () => {
    await consortium?.stop();
  });

  it("invoices a period over exactly its confirmed batches, under the id the contract derives", async () => {
    const path = `/v1/settlement/agreements/${agreementId}/invoices`;
    await refused("south", path, { period: 1 }, 403, "SETTLEMENT_NOT_PARTY");
    await refused("north", path, { period: 5 }, 400, "VALIDATION_FAILED", "body.period");
    await refused("north", path, { period: -1 }, 400, "VALIDATION_FAILED", "body.period");

    const issued = await ok("north", "POST", path, { period: 1 });
    invoiceId = issued.invoiceId as Hex;
    assert.equal(
      invoiceId,
      keccak256(
        encodeAbiParameters(
          [{ type: "bytes32" }, { type: "uint64" }, { type: "address" }],
          [agreementId, 1n, account("north")],
        ),
      ),
    );
    // The batch south has not confirmed is not invoiced, and cannot be confirmed into an invoiced period any more.
    assert.deepEqual(issued.batchIds, [confirmedBatch]);
    assert.equal(issued.amount, "276");
    await refused("north", path, { period: 1 }, 409, "SETTLEMENT_ALREADY_EXISTS", "body.period");
    await refused(
      "south",
      `/v1/settlement/batches/${lateBatch.batchId}/confirm`,
      { salt: lateBatch.salt, records: lateBatch.records },
      409,
      "SETTLEMENT_WRONG_STATE",
    );
    assert.equal((await ok("south", "GET", `/v1/settlement/batches/${confirmedBatch}`)).status, "invoiced");
    const atSouth = await ok("south", "GET", `/v1/settlement/invoices/${invoiceId}`);
    assert.equal(atSouth.status, "issued");
    assert.equal(atSouth.amount, "276");
  });

  it("disputes one record with the Merkle proof its agent builds, and refuses what is not in the invoice", async () => {
    const path = `/v1/settlement/invoices/${invoiceId}/disputes`;
    const body = { batchId: confirmedBatch, recordRef: "n-1", reason: "WrongRate" };
    await refused("north", path, body, 403, "SETTLEMENT_NOT_PARTY");
    await refused("south", path, { ...body, recordRef: "n-9" }, 400, "VALIDATION_FAILED", "body.recordRef");
    await refused("south", path, { ...body, batchId: lateBatch.batchId }, 400, "VALIDATION_FAILED", "body.batchId");
    await refused("south", path, { ...body, reason: "Grumpy" }, 400, "VALIDATION_FAILED", "body.reason");

    const disputed = await ok("south", "POST", path, body);
    disputeId = disputed.disputeId as Hex;
    assert.equal(disputed.amount, "240");
    await refused("south", path, body, 409, "SETTLEMENT_ALREADY_EXISTS", "body.recordRef");
    // An open dispute keeps the invoice from becoming final (the ledger's WrongState, decoded).
    await refused("north", `/v1/settlement/invoices/${invoiceId}/finalize`, undefined, 409, "SETTLEMENT_WRONG_STATE");
    const listed = await ok("north", "GET", path);
    assert.equal(listed.items?.length, 1);
    assert.equal(listed.items?.[0]?.reason, "WrongRate");
    assert.equal(listed.items?.[0]?.status, "open");
  });

  it("settles one dispute by credit note, escalates another and finalises the invoice for the rest", async () => {
    const path = `/v1/settlement/disputes/${disputeId}/answer`;
    await refused("south", path, { credit: "10" }, 403, "SETTLEMENT_NOT_PARTY");
    await refused("north", path, { credit: "241" }, 400, "VALIDATION_FAILED", "body.credit");
    await refused("north", path, { credit: "-1" }, 400, "VALIDATION_FAILED", "body.credit");
    const answered = await ok("north", "POST", path, { credit: "10" });
    assert.equal(answered.status, "credited");
    await refused("north", path, { credit: "10" }, 409, "SETTLEMENT_WRONG_STATE");

    // A second record: the visited operator upholds its charge and the home operator escalates, holding 26 out.
    const second = await ok("south", "POST", `/v1/settlement/invoices/${invoiceId}/disputes`, {
      batchId: confirmedBatch,
      recordRef: "n-2",
      reason: "Duplicate",
    });
    const escalate = `/v1/settlement/disputes/${second.disputeId}/escalate`;
    await refused("south", escalate, undefined, 409, "SETTLEMENT_WRONG_STATE");
    assert.equal(
      (await ok("north", "POST", `/v1/settlement/disputes/${second.disputeId}/answer`, { credit: "0" })).status,
      "upheld",
    );
    await refused("north", escalate, undefined, 403, "SETTLEMENT_NOT_PARTY");
    assert.equal((await ok("south", "POST", escalate)).status, "escalated");
    await refused("south", escalate, undefined, 409, "SETTLEMENT_WRONG_STATE");

    await refused("north", `/v1/settlement/invoices/${invoiceId}/accept`, undefined, 403, "SETTLEMENT_NOT_PARTY");
    assert.equal((await ok("south", "POST", `/v1/settlement/invoices/${invoiceId}/accept`)).status, "accepted");
    const final = await ok("north", "POST", `/v1/settlement/invoices/${invoiceId}/finalize`);
    assert.equal(final.status, "final");
    assert.equal(final.amountDue, "240");
    assert.equal(final.credited, "10");
    assert.equal(final.escalated, "26");
    await agent("south").agent.indexer.syncOnce();
    const disputes = await ok("south", "GET", `/v1/settlement/invoices/${invoiceId}/disputes`);
    const byId = new Map((disputes.items ?? []).map((d) => [d.disputeId, d]));
    assert.deepEqual([byId.get(disputeId)?.status, byId.get(disputeId)?.credit], ["credited", "10"]);
    assert.deepEqual([byId.get(second.disputeId)?.status, byId.get(second.disputeId)?.credit], ["escalated", "0"]);
    const invoices = await ok("south", "GET", `/v1/settlement/agreements/${agreementId}/invoices`);
    assert.deepEqual(
      invoices.items?.map((i) => [i.invoiceId, i.status, i.amountDue]),
      [[invoiceId, "final", "240"]],
    );
  });

  it("nets the final invoice into one payment the home operator makes and the visited claims, each once", async () => {
    const balance = async (name: MemberName) =>
      (await ok("bank", "GET", `/v1/settlement/balances/${account(name)}`)).balance as string;
    await refused(
      "south",
      "/v1/settlement/netting",
      { period: 1, invoiceIds: [] },
      400,
      "VALIDATION_FAILED",
      "body.invoiceIds",
    );
    await refused(
      "south",
      "/v1/settlement/netting",
      { period: 1, invoiceIds: [`0x${"ee".repeat(32)}`] },
      400,
      "VALIDATION_FAILED",
      "body.invoiceIds[0]",
    );
    await refused(
      "south",
      "/v1/settlement/netting",
      { period: 0, invoiceIds: [invoiceId] },
      400,
      "VALIDATION_FAILED",
      "body.invoiceIds[0]",
    );
    const round = await ok("south", "POST", "/v1/settlement/netting", { period: 1, invoiceIds: [invoiceId] });
    const roundId = round.roundId as Hex;
    assert.deepEqual(
      round.positions,
      [
        { member: account("north").toLowerCase(), net: "240", settled: null },
        { member: account("south").toLowerCase(), net: "-240", settled: null },
      ].sort((a, b) => (a.member < b.member ? -1 : 1)),
    );
    // The round names its invoices (InvoiceNetted): the read model shows the invoice netted, in this round, and it
    // can be neither finalised again nor netted in another round.
    for (const name of ["north", "south"] as const) {
      await agent(name).agent.indexer.syncOnce();
      const netted = await ok(name, "GET", `/v1/settlement/invoices/${invoiceId}`);
      assert.deepEqual([netted.status, netted.nettingRound, netted.amountDue], ["netted", roundId, "240"], name);
    }
    await refused("north", `/v1/settlement/invoices/${invoiceId}/finalize`, undefined, 409, "SETTLEMENT_WRONG_STATE");
    await refused(
      "south",
      "/v1/settlement/netting",
      { period: 2, invoiceIds: [invoiceId] },
      400,
      "VALIDATION_FAILED",
      "body.invoiceIds[0]",
    );
    // The same round again: the agent sees the invoice netted before the ledger would answer RoundExists.
    await refused(
      "north",
      "/v1/settlement/netting",
      { period: 1, invoiceIds: [invoiceId] },
      400,
      "VALIDATION_FAILED",
      "body.invoiceIds[0]",
    );

    await refused("north", `/v1/settlement/netting/${roundId}/claim`, undefined, 409, "SETTLEMENT_ROUND_NOT_FUNDED");
    await refused("north", `/v1/settlement/netting/${roundId}/pay`, undefined, 409, "SETTLEMENT_WRONG_STATE");
    await ok("bank", "POST", "/v1/settlement/mint", { to: account("south"), amount: "240", bankRef: "SEPA-NET-1" });

    const paid = await ok("south", "POST", `/v1/settlement/netting/${roundId}/pay`);
    assert.equal(paid.amount, "240");
    assert.equal(await balance("south"), "0");
    await refused("south", `/v1/settlement/netting/${roundId}/pay`, undefined, 409, "SETTLEMENT_ALREADY_SETTLED");
    const claimed = await ok("north", "POST", `/v1/settlement/netting/${roundId}/claim`);
    assert.equal(claimed.amount, "240");
    assert.equal(await balance("north"), "240");
    await refused("north", `/v1/settlement/netting/${roundId}/claim`, undefined, 409, "SETTLEMENT_ALREADY_SETTLED");
    const settled = await ok("south", "GET", `/v1/settlement/netting/${roundId}`);
    assert.deepEqual((settled.positions as Array<{ settled: string }>).map((p) => p.settled).sort(), [
      "claimed",
      "paid",
    ]);
  });

  it("reports the period per record: matched, disputed, adjusted, uninvoiced, with totals, as JSON and CSV", async () => {
    const path = `/v1/settlement/agreements/${agreementId}/periods/1/report`;
    // North holds its two batches' records: the invoiced one and the one south never confirmed.
    const north = await ok("north", "GET", path);
    assert.deepEqual(north.batches, { total: 2, recordsHeld: 2, invoiced: 1, paidByChannel: 0 });
    assert.deepEqual(north.totals, {
      records: 5,
      amount: "516",
      matched: { records: 2, amount: "10" },
      disputed: { records: 1, amount: "26" },
      adjusted: { records: 1, amount: "240", credited: "10" },
      paidByChannel: { records: 0, amount: "0" },
      uninvoiced: { records: 1, amount: "240" },
      escalated: "26",
      due: "240",
    });
    const rows = north.records as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((r) => [r.ref, r.outcome, r.reason, r.disputeStatus, r.credit, r.due]).sort(), [
      ["n-1", "adjusted", "WrongRate", "credited", "10", "230"],
      ["n-2", "disputed", "Duplicate", "escalated", "0", "0"],
      ["n-3", "matched", null, null, "0", "2"],
      ["n-4", "matched", null, null, "0", "8"],
      ["n-5", "uninvoiced", null, null, "0", "0"],
    ]);
    assert.deepEqual(north.invoice, { ...(north.invoice as object), status: "netted", amountDue: "240" });
    // South reconciles from its own copies (rated by itself; it kept the late batch's records it was handed, though
    // the ledger refused their confirmation): the same figures, record by record.
    const south = await ok("south", "GET", path);
    assert.deepEqual(south.batches, { total: 2, recordsHeld: 2, invoiced: 1, paidByChannel: 0 });
    assert.deepEqual(south.totals, north.totals);
    assert.deepEqual(south.records, north.records);
    assert.equal((south.invoice as { status: string }).status, "netted");

    const csv = await fetch(new URL(`${path}?format=csv`, agent("south").url), {
      headers: { authorization: `Bearer ${agent("south").adminKey}` },
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
    const lines = (await csv.text()).trim().split("\n");
    assert.equal(lines[0], "batchId,ref,kind,startUtc,amount,outcome,reason,disputeStatus,credit,due");
    assert.equal(lines.length, 6); // the header and five records
    assert.ok(lines.includes(`${confirmedBatch},n-1,MOC,2026-03-01T11:00:00Z,240,adjusted,WrongRate,credited,10,230`));

    const refusedRead = async (name: MemberName, p: string, status: number, code: string, field?: string) => {
      const answer = await call(name, "GET", p);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.code, code);
      if (field) assert.equal(answer.body.details?.[0]?.field, field, JSON.stringify(answer.body));
    };
    await refusedRead("bank", path, 403, "SETTLEMENT_NOT_PARTY");
    await refusedRead("north", `${path}?format=xml`, 400, "VALIDATION_FAILED", "query.format");
    await refusedRead("north", path.replace("/1/", "/-1/"), 400, "VALIDATION_FAILED", "params.period");
    await refusedRead(
      "north",
      path.replace(agreementId, `0x${"ee".repeat(32)}`),
      404,
      "SETTLEMENT_AGREEMENT_NOT_FOUND",
    );
  });

  it("writes the home operator's RAP file of the period: each disputed record returned with its RAP error code", async () => {
    const path = `/v1/settlement/agreements/${agreementId}/periods/1/rap`;
    const get = (name: MemberName, p: string) =>
      fetch(new URL(p, agent(name).url), { headers: { authorization: `Bearer ${agent(name).adminKey}` } });
    const answer = await get("south", path);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("content-type"), "application/octet-stream");
    assert.equal(answer.headers.get("content-disposition"), 'attachment; filename="RCSOUTHNORTH00002"');
    const rap = (await readRap(bytesSource(new Uint8Array(await answer.arrayBuffer())))) as RapReturnBatch;
    assert.deepEqual(
      { ...rap.returnBatch, created: null, available: null },
      {
        sender: "SOUTH",
        recipient: "NORTH",
        rapFileSequenceNumber: "00002",
        created: null,
        available: null,
        tapVersion: "3.12",
        rapVersion: "1.5",
        tapDecimalPlaces: 3,
        tapCurrency: "EUR",
        operatorSpec: ["tables:utc=+0100;rec=msc-1"],
      },
    );
    // South's own copies of the records it disputed, as it holds them, come back field for field.
    const held = (await ok("south", "GET", `/v1/settlement/batches/${confirmedBatch}/records`)) as {
      records: UsageRecord[];
    };
    const byRef = new Map(held.records.map((r) => [r.ref, r]));
    const returned = [...rap.returns].sort((a, b) => a.record.ref.localeCompare(b.record.ref));
    assert.deepEqual(
      returned.map((r) => [
        r.record.ref,
        r.reason,
        r.errors[0]?.errorCode,
        r.notes.filter((n) => n.startsWith("status:")),
      ]),
      [
        ["n-1", "WrongRate", 200, ["status:credited"]],
        ["n-2", "Duplicate", 201, ["status:escalated"]],
      ],
    );
    for (const r of returned) assert.deepEqual(r.record, byRef.get(r.record.ref));
    assert.ok(returned[0]?.notes.includes(`dispute:${disputeId.toLowerCase()}`), JSON.stringify(returned[0]?.notes));
    assert.deepEqual(rap.audit, {
      totalSevereReturnValue: returned.reduce((s, r) => s + r.record.charge, 0),
      returnDetailsCount: 2,
    });

    // The visited operator acknowledges what it received.
    const ack = rapAcknowledgement({
      sender: rap.returnBatch.recipient,
      recipient: rap.returnBatch.sender,
      rapFileSequenceNumber: rap.returnBatch.rapFileSequenceNumber,
      createdLocal: "20260420120000",
      createdOffset: "+0000",
    });
    const read = await readRap(bytesSource(ack));
    assert.deepEqual(
      "acknowledgement" in read && [read.acknowledgement.sender, read.acknowledgement.rapFileSequenceNumber],
      ["NORTH", "00002"],
    );

    const sequenced = await get("south", `${path}?sequence=00007`);
    const rap7 = (await readRap(bytesSource(new Uint8Array(await sequenced.arrayBuffer())))) as RapReturnBatch;
    assert.equal(rap7.returnBatch.rapFileSequenceNumber, "00007");

    const refusedRead = async (name: MemberName, p: string, status: number, code: string, field?: string) => {
      const r = await call(name, "GET", p);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.code, code);
      if (field) assert.equal(r.body.details?.[0]?.field, field, JSON.stringify(r.body));
    };
    await refusedRead("north", path, 403, "SETTLEMENT_NOT_PARTY"); // the visited operator returns nothing
    await refusedRead("bank", path, 403, "SETTLEMENT_NOT_PARTY");
    await refusedRead("south", `${path}?sequence=7`, 400, "VALIDATION_FAILED", "query.sequence");
    await refusedRead("south", path.replace("/1/", "/9/"), 409, "SETTLEMENT_NO_RETURNS", "params.period");
  });

  it(
    "credits by rule a dispute left unanswered for a second window, and finalises that invoice by rule",
    skipOnNetwork("steps the chain's clock past the answer window (evm_increaseTime, evm_mine)"),
    async () => {
      // Period 2 of the agreement (its periods are 31 days from 1 January): one record on 10 March.
      const records = [record("p2-1", { startLocal: "20260310120000", startUtc: "2026-03-10T11:00:00Z" })];
      const { batchId } = await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, { records });
      const held = await ok("north", "GET", `/v1/settlement/batches/${batchId}/records`);
      await ok("south", "POST", `/v1/settlement/batches/${batchId}/confirm`, {
        salt: held.salt,
        records: held.records,
      });
      const issued = await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/invoices`, { period: 2 });
      const invoice2 = issued.invoiceId as Hex;
      const disputed = await ok("south", "POST", `/v1/settlement/invoices/${invoice2}/disputes`, {
        batchId,
        recordRef: "p2-1",
        reason: "NotOurSubscriber",
      });
      const path = `/v1/settlement/disputes/${disputed.disputeId}/credit-unanswered`;
      // The visited operator still has its answer window: the rule does not apply yet (the ledger's WindowOpen).
      await refused("south", path, undefined, 409, "SETTLEMENT_WINDOW");
      await refused(
        "north",
        `/v1/settlement/disputes/${"0x".padEnd(66, "e")}/credit-unanswered`,
        undefined,
        404,
        "SETTLEMENT_DISPUTE_NOT_FOUND",
      );

      // Two dispute windows later (7 days each), unanswered: either party applies the rule.
      await chainRpc("evm_increaseTime", [2 * 7 * 86_400 + 1]);
      await chainRpc("evm_mine", []);
      const credited = await ok("south", "POST", path);
      assert.equal(credited.status, "credited");
      await refused("north", path, undefined, 409, "SETTLEMENT_WRONG_STATE");
      // Credited by rule, it cannot be answered any more.
      await refused(
        "north",
        `/v1/settlement/disputes/${disputed.disputeId}/answer`,
        { credit: "0" },
        409,
        "SETTLEMENT_WRONG_STATE",
      );
      await agent("north").agent.indexer.syncOnce();
      const listed = await ok("north", "GET", `/v1/settlement/invoices/${invoice2}/disputes`);
      assert.deepEqual(
        listed.items?.map((d) => [d.status, d.credit, d.byRule]),
        [["credited", disputed.amount, true]],
      );
      // Not accepted, but its dispute window passed with no dispute open: final for nothing due.
      const final = await ok("north", "POST", `/v1/settlement/invoices/${invoice2}/finalize`);
      assert.equal(final.status, "final");
      assert.equal(final.credited, disputed.amount);
      assert.equal(final.amountDue, "0");
    },
  );

  it("leaves every agent's read model equal to the contract's views", async () => {
    for (const name of ["north", "south", "bank"] as const) {
      const report = await ok(name, "GET", "/v1/agent/consistency");
      const ours = (report.differences as Array<{ domain: string }>).filter((d) => d.domain === "settlement");
      assert.deepEqual(ours, [], `${name}: ${JSON.stringify(ours)}`);
    }
  });
});

// Slice SLA measurements through the agents on a real devnet: an MVNO buys a 5G slice period from an operator; each
// side's agent signs its own measurement of the period (EIP-712 with the member's key) and anchors its digest (the
// operator's with the period's completion, the MVNO's with anchorMeasurement). The signed measurements verify against
// the chain; a changed figure, a signature by the wrong member and a measurement never anchored are refused with a
// named reason; a breach claim carrying a tampered measurement stakes nothing, one carrying both true ones opens a case.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/index.ts";

type Json = Record<string, unknown>;
interface Signed {
  measurement: Json & { taskId: Hex };
  signature: Hex;
}

describe("auditing: slice SLA measurements signed by each side and anchored per period", () => {
  let consortium: TestConsortium;
  let mvno: TestAgent;
  let operator: TestAgent;
  let bank: TestAgent;
  let taskId: Hex;
  let operatorSide: Signed;
  let mvnoSide: Signed;

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (agent: TestAgent, path: string, body: unknown, status: number, code: string) => {
    const r = await agent.call<{ code: string }>("POST", path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body as Json;
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase();

  before(async () => {
    consortium = await startTestConsortium([
      { name: "mvno", roles: ["ENTERPRISE"] },
      { name: "operator", roles: ["MOBILE_OPERATOR"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
    ]);
    ({ mvno, operator, bank } = consortium.agents as Record<string, TestAgent> & {
      mvno: TestAgent;
      operator: TestAgent;
      bank: TestAgent;
    });
    await ok(bank, "POST", "/v1/settlement/mint", { to: account(mvno), amount: "100000", bankRef: "mvno fiat 1" });
    const proposed = await ok<{ agreementId: Hex }>(mvno, "POST", "/v1/auditing/agreements", {
      provider: account(operator),
      fee: "50000",
      upfrontBps: 8000,
      escrowSeconds: 30 * 86_400,
      terms: "slice S-eMBB-7, monthly periods: p95 latency <= 20 ms, availability >= 99.95%, 500 Mbit/s",
    });
    await ok(operator, "POST", `/v1/auditing/agreements/${proposed.agreementId}/accept`);
    taskId = (
      await ok<{ taskId: Hex }>(mvno, "POST", "/v1/auditing/tasks", {
        agreementId: proposed.agreementId,
        reference: "S-eMBB-7 period 2026-11",
      })
    ).taskId;
  });
  after(async () => {
    await consortium?.stop();
  });

  it("signs each side's measurement with its member's key and anchors its digest for the period", async () => {
    const figures = { latencyP95Ms: 18, availabilityBps: 9_996, throughputMbps: 510 };
    const o = await ok<Signed & { digest: Hex }>(
      operator,
      "POST",
      `/v1/auditing/tasks/${taskId}/measurements`,
      figures,
    );
    assert.equal(o.measurement.side, "provider");
    assert.equal(o.measurement.signer, account(operator));
    const task = await ok<{ status: string; escrowed: string }>(mvno, "GET", `/v1/auditing/tasks/${taskId}`);
    assert.deepEqual(
      [task.status, task.escrowed],
      ["completed", "10000"],
      "the operator's anchor completes the period",
    );
    const m = await ok<Signed & { digest: Hex }>(mvno, "POST", `/v1/auditing/tasks/${taskId}/measurements`, {
      latencyP95Ms: 41,
      availabilityBps: 9_951,
      throughputMbps: 380,
    });
    assert.equal(m.measurement.side, "recipient");
    assert.notEqual(m.digest, o.digest);
    operatorSide = { measurement: o.measurement, signature: o.signature };
    mvnoSide = { measurement: m.measurement, signature: m.signature };
    // A member that is not a party of the period signs nothing for it.
    await refused(bank, `/v1/auditing/tasks/${taskId}/measurements`, figures, 403, "AUDITING_NOT_PARTY");
  });

  it("verifies both against the chain and refuses a changed figure, a wrong signer and an unanchored one by name", async () => {
    for (const [signed, side] of [
      [operatorSide, "provider"],
      [mvnoSide, "recipient"],
    ] as const) {
      const v = await ok<{ valid: boolean; side: string }>(bank, "POST", "/v1/auditing/measurements/verify", signed);
      assert.deepEqual([v.valid, v.side], [true, side]);
    }
    // The operator's figure improved after signing: not what the operator signed.
    const changed = { ...operatorSide, measurement: { ...operatorSide.measurement, latencyP95Ms: 12 } };
    const tampered = await refused(
      bank,
      "/v1/auditing/measurements/verify",
      changed,
      422,
      "AUDITING_MEASUREMENT_TAMPERED",
    );
    assert.equal((tampered.facts as Json | undefined)?.reason, "signature-mismatch");
    // The MVNO's measurement claimed as the operator's side: signed by the wrong member.
    const wrong = await refused(
      bank,
      "/v1/auditing/measurements/verify",
      { ...mvnoSide, measurement: { ...mvnoSide.measurement, side: "provider" } },
      422,
      "AUDITING_MEASUREMENT_WRONG_SIGNER",
    );
    assert.equal((wrong.facts as Json | undefined)?.reason, "wrong-signer");
    // The MVNO anchors a corrected measurement: its first one, validly signed, is no longer the period's.
    const corrected = await ok<Signed>(mvno, "POST", `/v1/auditing/tasks/${taskId}/measurements`, {
      latencyP95Ms: 40,
      availabilityBps: 9_950,
      throughputMbps: 380,
    });
    const superseded = await refused(
      bank,
      "/v1/auditing/measurements/verify",
      mvnoSide,
      422,
      "AUDITING_MEASUREMENT_TAMPERED",
    );
    assert.equal((superseded.facts as Json | undefined)?.reason, "digest-not-anchored");
    mvnoSide = { measurement: corrected.measurement, signature: corrected.signature };
  });

  it("takes a breach claim to the jury only with untampered measurements; a tampered one stakes nothing", async () => {
    const before = await ok<{ accounts: Array<{ balance: string }> }>(
      mvno,
      "GET",
      `/v1/auditing/balances?accounts=${account(mvno)}`,
    );
    const tampered = { ...mvnoSide, measurement: { ...mvnoSide.measurement, availabilityBps: 9_000 } };
    await refused(
      mvno,
      `/v1/auditing/tasks/${taskId}/complaints`,
      { evidence: "availability below 99.95%", measurements: [operatorSide, tampered] },
      422,
      "AUDITING_MEASUREMENT_TAMPERED",
    );
    const unchanged = await ok<{ accounts: Array<{ balance: string }> }>(
      mvno,
      "GET",
      `/v1/auditing/balances?accounts=${account(mvno)}`,
    );
    assert.equal(unchanged.accounts[0]?.balance, before.accounts[0]?.balance, "a refused claim stakes nothing");
    const claim = await ok<{ caseId: Hex; stake: string }>(mvno, "POST", `/v1/auditing/tasks/${taskId}/complaints`, {
      evidence: "p95 latency 41 ms against 20 ms agreed; availability 99.51% against 99.95%",
      measurements: [operatorSide, mvnoSide],
    });
    assert.equal(claim.stake, "5000");
    const task = await ok<{ status: string }>(operator, "GET", `/v1/auditing/tasks/${taskId}`);
    assert.equal(task.status, "disputed", "the breach claim holds the period's escrow for the jury");
  });
});

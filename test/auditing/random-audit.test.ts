// Random audits agreed in the contract, through the agents on a real devnet: Acme Enterprise and North Mobile agree
// that every completed task is audited (10 000 of 10 000); the provider's completion opens the task's lottery in the
// members' beacon; a member commits and reveals a secret, and another member (not a party) draws the lottery; the
// selected task becomes a court case whose requester is the escrow, with no stake, projected as a random audit.
// Refused by name, nothing changed: a rate above 100%, a draw before the beacon is over, releasing the escrow while the
// lottery is pending, a draw on a task whose agreement agreed no audits, a second draw.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { BEACON_PHASE_SECONDS } from "../../src/auditing/ledger.ts";
import {
  eventually,
  latestBlockTimestamp,
  mineBlockAt,
  startTestConsortium,
  type TestAgent,
  type TestConsortium,
} from "../../testkit/index.ts";

type Json = Record<string, unknown>;
const PHASE = Number(BEACON_PHASE_SECONDS);

describe("auditing: random audits agreed in the contract, drawn from the members' beacon", () => {
  let consortium: TestConsortium;
  let acme: TestAgent;
  let north: TestAgent;
  let bank: TestAgent;

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (agent: TestAgent, path: string, body: unknown, status: number, code: string) => {
    const r = await agent.call<{ code: string; details?: unknown }>("POST", path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase();
  const advance = async (seconds: number) =>
    mineBlockAt(consortium.devnet.rpcUrl, (await latestBlockTimestamp(consortium.devnet.rpcUrl)) + seconds);
  /** An accepted agreement at `auditBps`, a task ordered by Acme and completed by North. */
  const completedTask = async (auditBps: number, reference: string) => {
    const { agreementId } = await ok<{ agreementId: Hex }>(acme, "POST", "/v1/auditing/agreements", {
      provider: account(north),
      fee: "100000",
      upfrontBps: 6000,
      escrowSeconds: PHASE,
      auditBps,
      terms: "fibre installation: live within 5 days, MTTR under 4 h",
    });
    await ok(north, "POST", `/v1/auditing/agreements/${agreementId}/accept`);
    const { taskId } = await ok<{ taskId: Hex }>(acme, "POST", "/v1/auditing/tasks", { agreementId, reference });
    await ok(north, "POST", `/v1/auditing/tasks/${taskId}/completion`, { report: "live, acceptance test passed" });
    return taskId;
  };

  before(async () => {
    consortium = await startTestConsortium([
      { name: "acme", roles: ["ENTERPRISE"] },
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
    ]);
    ({ acme, north, bank } = consortium.agents as Record<string, TestAgent> & {
      acme: TestAgent;
      north: TestAgent;
      bank: TestAgent;
    });
    await ok(bank, "POST", "/v1/settlement/mint", { to: account(acme), amount: "300000", bankRef: "acme fiat 1" });
  });
  after(async () => {
    await consortium?.stop();
  });

  it("refuses a rate above 100% naming the field, and runs no lottery without an agreed rate", async () => {
    const bad = await refused(
      acme,
      "/v1/auditing/agreements",
      {
        provider: account(north),
        fee: "100000",
        upfrontBps: 6000,
        escrowSeconds: PHASE,
        auditBps: 10_001,
        terms: "x",
      },
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(bad.details), /auditBps/);
    const taskId = await completedTask(0, "no audits agreed");
    const task = await ok<{ audit: string; auditBeaconKey: Hex | null }>(acme, "GET", `/v1/auditing/tasks/${taskId}`);
    assert.deepEqual([task.audit, task.auditBeaconKey], ["none", null]);
    await refused(bank, `/v1/auditing/tasks/${taskId}/audit/draw`, undefined, 409, "AUDITING_WRONG_STATUS");
  });

  it("selects a task from the members' beacon and opens a stake-free case the agents project as a random audit", async () => {
    const taskId = await completedTask(10_000, "S-17 backhaul");
    const pending = await ok<{ audit: string; auditBps: number; auditBeaconKey: Hex }>(
      north,
      "GET",
      `/v1/auditing/tasks/${taskId}`,
    );
    assert.deepEqual([pending.audit, pending.auditBps], ["pending", 10_000], "the completion opened the lottery");
    await refused(bank, `/v1/auditing/tasks/${taskId}/audit/draw`, undefined, 409, "AUDITING_BEACON_NOT_READY");
    const committed = await ok<{ beaconKey: Hex }>(bank, "POST", `/v1/auditing/tasks/${taskId}/audit/beacon/commit`);
    assert.equal(committed.beaconKey, pending.auditBeaconKey);
    await advance(PHASE);
    // The escrow period is over, but the lottery is not drawn: the provider cannot take the escrow and dodge it.
    await refused(north, `/v1/auditing/tasks/${taskId}/release`, undefined, 409, "AUDITING_AUDIT_PENDING");
    await ok(bank, "POST", `/v1/auditing/tasks/${taskId}/audit/beacon/reveal`);
    await advance(PHASE);
    const drawn = await ok<{ selected: boolean; roll: number; caseId: Hex; audit: string }>(
      bank,
      "POST",
      `/v1/auditing/tasks/${taskId}/audit/draw`,
    );
    assert.equal(drawn.selected, true, "at 100% every task is selected");
    assert.ok(drawn.roll >= 0 && drawn.roll < 10_000);
    const task = await ok<{ status: string; audit: string; auditCaseId: Hex }>(
      acme,
      "GET",
      `/v1/auditing/tasks/${taskId}`,
    );
    assert.deepEqual([task.status, task.audit, task.auditCaseId], ["disputed", "selected", drawn.caseId]);
    const c = await eventually(async () => {
      const r = await acme.call<{ trigger: string; requester: string; requesterStake: string; status: string }>(
        "GET",
        `/v1/auditing/cases/${drawn.caseId}`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    });
    assert.equal(c.trigger, "random-audit");
    assert.equal(c.requesterStake, "0", "an agreed audit needs no requester stake");
    assert.equal(c.status, "drawing", "its jury is drawn like a complaint's");
    const listed = await ok<{ items: Array<{ caseId: string; trigger: string }> }>(north, "GET", "/v1/auditing/cases");
    assert.equal(listed.items.find((i) => i.caseId === drawn.caseId)?.trigger, "random-audit");
    await refused(bank, `/v1/auditing/tasks/${taskId}/audit/draw`, undefined, 409, "AUDITING_WRONG_STATUS");
  });
});

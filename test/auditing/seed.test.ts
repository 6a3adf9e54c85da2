// The sandbox seed of the auditing domain, run twice against real agents named like the sandbox's members: one
// complaint case waiting for its draw (its beacon round committed to) and one completed task whose random-audit lottery
// is pending; the second run changes nothing. The court and the escrow hold exactly what the walkthrough expects.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SandboxMemberHandle } from "../../src/agent/domain.ts";
import { seedAuditingSandbox } from "../../src/auditing/seed.ts";
import { eventually, startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/index.ts";

const MEMBERS = [
  { name: "tn-reseller", roles: ["TNR"] },
  { name: "osp", roles: ["OSP"] },
  { name: "kyc-vetter", roles: ["KYC_VETTER"] },
  { name: "acme-brand", roles: ["SETTLEMENT_BANK"] },
];

describe("auditing sandbox seed", () => {
  let consortium: TestConsortium<TestAgent>;
  let handles: SandboxMemberHandle[];

  before(async () => {
    consortium = await startTestConsortium(MEMBERS);
    handles = MEMBERS.map((m) => {
      const agent = consortium.agents[m.name] as TestAgent;
      return {
        name: m.name,
        roles: m.roles,
        memberAccount: agent.agent.config.memberAccount,
        url: agent.url,
        apiKey: agent.adminKey,
      };
    });
  });
  after(async () => {
    await consortium?.stop();
  });

  it("seeds a complaint waiting for its draw and a pending random-audit lottery, once", async () => {
    const lines: string[] = [];
    await seedAuditingSandbox(handles, (line) => lines.push(line));
    assert.equal(lines.length, 2, lines.join("\n"));
    const osp = consortium.agents.osp as TestAgent;
    const cases = await eventually(async () => {
      const r = await osp.call<{ items: Array<{ caseId: string; trigger: string; status: string; taskId: string }> }>(
        "GET",
        "/v1/auditing/cases",
      );
      assert.equal(r.body.items.length, 1, JSON.stringify(r.body));
      return r.body.items;
    });
    assert.deepEqual([cases[0]?.trigger, cases[0]?.status], ["complaint", "drawing"]);
    const again: string[] = [];
    await seedAuditingSandbox(handles, (line) => again.push(line));
    assert.deepEqual(again, [], "a second run changes nothing");
    const audited = lines[1]?.match(/task (0x[0-9a-f]{64})/)?.[1];
    assert.ok(audited, lines[1]);
    const task = await osp.call<{ audit: string; auditBps: number; escrowed: string }>(
      "GET",
      `/v1/auditing/tasks/${audited}`,
    );
    assert.deepEqual([task.body.audit, task.body.auditBps, task.body.escrowed], ["pending", 2500, "5000"]);
    const balances = await osp.call<{ accounts: Array<{ role?: string; balance: string }> }>(
      "GET",
      `/v1/auditing/balances?accounts=${handles[1]?.memberAccount}`,
    );
    const held = new Map(balances.body.accounts.map((a) => [a.role ?? "", a.balance]));
    assert.deepEqual(
      [held.get("court"), held.get("escrow")],
      ["2000", "15000"],
      "the walkthrough's court and escrow balances start from these",
    );
  });
});

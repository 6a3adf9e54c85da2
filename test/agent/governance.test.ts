// Consortium governance through the member agents' REST APIs: proposals execute only with a strict majority of the
// governors, every agent's read model follows, and a member's history is queryable. One agent runs on PostgreSQL,
// the others on SQLite, so the read model is proven on both stores.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";

const NEWCOMER = "0x00000000000000000000000000000000000c0FFe";

describe("consortium governance through the agents", () => {
  let consortium: TestConsortium;
  let postgres: TestPostgres;

  before(async () => {
    postgres = await startTestPostgres();
    consortium = await startTestConsortium([
      { name: "authority", roles: ["TRUST_AUTHORITY"] },
      { name: "carrier", roles: ["TNSP"] },
      { name: "mobile", roles: ["MOBILE_OPERATOR"], databaseUrl: postgres.url },
      { name: "vetter", roles: ["KYC_VETTER"] },
    ]);
  });
  after(async () => {
    await consortium?.stop();
    await postgres?.stop();
  });

  it("executes an admission only once a strict majority of governors approved it", async () => {
    const { authority, carrier, mobile } = consortium.agents as Record<
      string,
      NonNullable<TestConsortium["agents"][string]>
    >;
    const created = await authority!.call<{ proposalId: number }>("POST", "/v1/proposals", {
      kind: "admit",
      member: NEWCOMER,
      name: "Newcomer Telecom",
      roles: ["TNSP", "OSP"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.proposalId;

    // 1 of 4 governors: pending everywhere, and the newcomer is not a member.
    const pending = await eventually(async () => {
      const r = await mobile!.call<{ state: string; approvals: number; roles: string[]; name: string }>(
        "GET",
        `/v1/proposals/${id}`,
      );
      assert.equal(r.status, 200);
      return r.body;
    });
    assert.equal(pending.state, "pending");
    assert.equal(pending.approvals, 1);
    assert.deepEqual(pending.roles, ["TNSP", "OSP"]);
    assert.equal((await mobile!.call("GET", `/v1/members/${NEWCOMER}`)).status, 404);

    // 2 of 4 is half, not a majority: still pending.
    assert.equal((await carrier!.call("POST", `/v1/proposals/${id}/approve`)).status, 200);
    const half = await carrier!.call<{ state: string; approvals: number }>("GET", `/v1/proposals/${id}`);
    assert.equal(half.body.state, "pending", "carrier's own write is in its read model when the call returns");
    assert.equal(half.body.approvals, 2);

    // 3 of 4: executes in the approving transaction.
    assert.equal((await mobile!.call("POST", `/v1/proposals/${id}/approve`)).status, 200);
    const member = await eventually(async () => {
      const r = await consortium.agents.vetter!.call<{ active: boolean; roles: string[]; name: string }>(
        "GET",
        `/v1/members/${NEWCOMER}`,
      );
      assert.equal(r.status, 200);
      return r.body;
    });
    assert.equal(member.active, true);
    assert.equal(member.name, "Newcomer Telecom");
    assert.deepEqual(member.roles, ["TNSP", "OSP"]);
    const executed = await authority!.call<{ state: string }>("GET", `/v1/proposals/${id}`);
    assert.equal(executed.body.state, "executed");
  });

  it("rejects a second approval by the same governor with the contract's reason and changes nothing", async () => {
    const { authority, carrier } = consortium.agents;
    const created = await authority!.call<{ proposalId: number }>("POST", "/v1/proposals", {
      kind: "set-roles",
      member: NEWCOMER,
      roles: ["TNSP"],
    });
    const id = created.body.proposalId;
    const again = await authority!.call<{ code: string; message: string }>("POST", `/v1/proposals/${id}/approve`);
    assert.equal(again.status, 422);
    assert.equal(again.body.code, "CHAIN_REVERTED");
    assert.match(again.body.message, /AlreadyApproved/);
    const unchanged = await eventually(async () => {
      const r = await carrier!.call<{ approvals: number; state: string }>("GET", `/v1/proposals/${id}`);
      assert.equal(r.status, 200);
      return r;
    });
    assert.equal(unchanged.body.approvals, 1);
    assert.equal(unchanged.body.state, "pending");

    const cancel = await carrier!.call<{ code: string; message: string }>("POST", `/v1/proposals/${id}/cancel`);
    assert.equal(cancel.status, 422, "only the proposer may cancel");
    assert.match(cancel.body.message, /NotProposer/);
    assert.equal((await authority!.call("POST", `/v1/proposals/${id}/cancel`)).status, 200);
    await eventually(async () => {
      const canceled = await carrier!.call<{ state: string }>("GET", `/v1/proposals/${id}`);
      assert.equal(canceled.body.state, "canceled");
    });
  });

  it("keeps a member's full history: admission, role change and removal", async () => {
    const { authority, carrier, mobile } = consortium.agents;
    const roles = await authority!.call<{ proposalId: number }>("POST", "/v1/proposals", {
      kind: "set-roles",
      member: NEWCOMER,
      roles: ["BPO"],
    });
    await carrier!.call("POST", `/v1/proposals/${roles.body.proposalId}/approve`);
    await mobile!.call("POST", `/v1/proposals/${roles.body.proposalId}/approve`);
    const removal = await authority!.call<{ proposalId: number }>("POST", "/v1/proposals", {
      kind: "remove",
      member: NEWCOMER,
    });
    await carrier!.call("POST", `/v1/proposals/${removal.body.proposalId}/approve`);
    await mobile!.call("POST", `/v1/proposals/${removal.body.proposalId}/approve`);

    const history = await eventually(async () => {
      const r = await mobile!.call<{
        items: Array<{ kind: string; detail: Record<string, unknown>; at: string | null }>;
      }>("GET", `/v1/members/${NEWCOMER}/history`);
      assert.ok(
        r.body.items.some((e) => e.kind === "removed"),
        "removal indexed",
      );
      return r.body.items;
    });
    const kinds = history.map((e) => e.kind).filter((k) => k !== "proposal-created");
    assert.deepEqual(kinds, ["admitted", "roles-changed", "removed"]);
    assert.deepEqual(history.find((e) => e.kind === "roles-changed")?.detail.roles, ["BPO"]);
    for (const entry of history) {
      assert.ok(entry.at && Math.abs(Date.parse(entry.at) - Date.now()) < 10 * 60_000, `block time ${entry.at}`);
    }
    const member = await mobile!.call<{ active: boolean; roles: string[] }>("GET", `/v1/members/${NEWCOMER}`);
    assert.equal(member.body.active, false);
    assert.deepEqual(member.body.roles, []);
    const active = await mobile!.call<{ items: Array<{ address: string }> }>("GET", "/v1/members?active=true");
    assert.ok(!active.body.items.some((m) => m.address.toLowerCase() === NEWCOMER.toLowerCase()));
  });

  it("binds each hosted organisation DID's controller to its member", async () => {
    const { vetter, mobile } = consortium.agents;
    const created = await vetter!.call<{ did: string; controller: string }>("POST", "/v1/dids", {
      label: "Vetter Org",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const vetterAccount = vetter!.agent.config.memberAccount;
    const member = await eventually(async () => {
      const r = await mobile!.call<{ accounts: string[] }>("GET", `/v1/members/${vetterAccount}`);
      assert.ok(r.body.accounts.includes(created.body.controller));
      return r.body;
    });
    assert.deepEqual(member.accounts, [created.body.controller]);
  });
});

// Roaming end to end through the agents' APIs on a real devnet: three operators roam subscribers onto each other;
// every failure case ends in a recorded outcome and the visited side never activates what was not granted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/eventually.ts";
import {
  expectOk,
  imsiOf,
  NETWORKS,
  type OperatorName,
  type RoamingConsortium,
  startRoamingConsortium,
  subscriber,
} from "./fixture.ts";

process.env.TELCO_ROAMING_REQUEST_TTL = "6";

interface Session {
  requestId: string;
  state: string;
  outcome: string | null;
  homePlmn: string | null;
  activeServices: Record<string, boolean> | null;
  grantedServices: Record<string, boolean> | null;
  times: Record<string, string | null>;
  closingTx: string | null;
}

describe("roaming authentication through the agents", () => {
  let c: RoamingConsortium;
  before(async () => {
    c = await startRoamingConsortium();
  });
  after(async () => {
    await c?.stop();
  });

  const attach = (visited: OperatorName, body: Record<string, unknown>) =>
    expectOk<Session>(c.op[visited].call("POST", "/v1/roaming/attach", { waitMs: 15_000, ...body }), 201);
  const closed = (visited: OperatorName, id: string) =>
    eventually(async () => {
      const s = await expectOk<Session>(c.op[visited].call("GET", `/v1/roaming/sessions/${id}`));
      assert.ok(s.closingTx, `session ${id} has no closing record yet (${s.state})`);
      return s;
    }, 20_000);

  it("three operators roam subscribers onto each other, end to end", async () => {
    const names = Object.keys(NETWORKS) as OperatorName[];
    for (const visited of names) {
      for (const home of names.filter((n) => n !== visited)) {
        const imsi = imsiOf(NETWORKS[home], 1);
        const session = await attach(visited, { imsi });
        assert.equal(session.state, "active", JSON.stringify(session));
        assert.equal(session.outcome, "activated");
        assert.equal(session.homePlmn, NETWORKS[home]);
        assert.deepEqual(session.activeServices, { voice: true, sms: true, data: true, volte: true, "5g": true });
        const done = await closed(visited, session.requestId);
        const chain = await expectOk<{ events: Array<{ kind: string }>; state: string }>(
          c.op[home].call("GET", `/v1/roaming/requests/${session.requestId}/events`),
        );
        assert.deepEqual(
          chain.events.map((e) => e.kind),
          ["request", "answer", "activation"],
        );
        assert.equal(chain.state, "activated");
        assert.ok(done.times.requestMinedAt && done.times.decidedAt && done.times.closingMinedAt);
      }
    }
  });
});

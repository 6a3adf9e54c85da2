// The home agent's per-visited-operator quota (issue 11, item 18): a visited operator over its quota gets "throttled"
// answers, the same for a subscriber that exists and one that does not, while another visited operator is still
// served; /metrics counts accepted and throttled requests per visited operator.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  expectOk,
  imsiOf,
  NETWORKS,
  type OperatorName,
  type RoamingConsortium,
  startRoamingConsortium,
} from "../../testkit/roaming.ts";

// Set before the agents start (they read their settings once): three requests per visited operator per hour.
const QUOTA = 3;
process.env.TELCO_ROAMING_VPMN_QUOTA = String(QUOTA);
process.env.TELCO_ROAMING_VPMN_QUOTA_WINDOW = "3600";

interface Session {
  requestId: string;
  state: string;
  outcome: string | null;
}

/** The value of one sample of the agent's Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf("}"));
    const found = Object.fromEntries(
      [...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string] as const),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(line.indexOf("}") + 1));
  }
  return 0;
}

describe("home agent quota per visited operator", () => {
  let c: RoamingConsortium;
  before(async () => {
    c = await startRoamingConsortium({ subscribers: 10 });
  });
  after(async () => {
    await c?.stop();
    delete process.env.TELCO_ROAMING_VPMN_QUOTA;
    delete process.env.TELCO_ROAMING_VPMN_QUOTA_WINDOW;
  });

  const attach = (visited: OperatorName, imsi: string) =>
    expectOk<Session>(c.op[visited].call("POST", "/v1/roaming/attach", { imsi, waitMs: 15_000 }), 201);
  const metrics = async () => {
    const response = await fetch(`${c.op.south.url}/metrics`, {
      headers: { authorization: `Bearer ${c.op.south.adminKey}` },
    });
    assert.equal(response.status, 200);
    return response.text();
  };

  it("throttles the visited operator over its quota, whatever the IMSI, and still serves another", async () => {
    const north = c.op.north.agent.config.memberAccount.toLowerCase();
    const east = c.op.east.agent.config.memberAccount.toLowerCase();
    for (let n = 1; n <= QUOTA; n++) {
      const s = await attach("north", imsiOf(NETWORKS.south, n));
      assert.equal(s.state, "active", JSON.stringify(s));
    }
    // Over the quota: a subscriber in the register and one that is not get the very same refusal.
    const known = await attach("north", imsiOf(NETWORKS.south, QUOTA + 1));
    const unknown = await attach("north", imsiOf(NETWORKS.south, 99_999));
    for (const s of [known, unknown]) {
      assert.equal(s.state, "refused", JSON.stringify(s));
      assert.equal(s.outcome, "home-throttled");
    }
    // East has its own quota: still served.
    const served = await attach("east", imsiOf(NETWORKS.south, 1));
    assert.equal(served.state, "active", JSON.stringify(served));
    // The home side recorded the throttled requests without reading them (no masked IMSI, no visited network).
    const { items } = await expectOk<{
      items: Array<{ requestId: string; outcome: string; imsiMasked: string | null }>;
    }>(c.op.south.call("GET", "/v1/roaming/requests?state=all&limit=100"));
    for (const s of [known, unknown]) {
      const row = items.find((r) => r.requestId === s.requestId);
      assert.equal(row?.outcome, "throttled", JSON.stringify(row));
      assert.equal(row?.imsiMasked, null);
    }

    const text = await metrics();
    const name = "roaming_home_requests_total";
    assert.equal(sample(text, name, { vpmn: north, result: "accepted" }), QUOTA, text);
    assert.equal(sample(text, name, { vpmn: north, result: "throttled" }), 2);
    assert.equal(sample(text, name, { vpmn: east, result: "accepted" }), 1);
    assert.equal(sample(text, name, { vpmn: east, result: "throttled" }), 0);
  });
});

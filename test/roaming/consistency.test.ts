// Roaming's consistency check through the agents' API: after the network claims, approvals and identities of a real
// roaming consortium every agent's read model equals the OperatorRegistry; a forged network row and a lost proposal
// are each named with both sides.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TestAgent } from "../../testkit/consortium.ts";
import { NETWORKS, type RoamingConsortium, startRoamingConsortium } from "../../testkit/roaming.ts";

interface Report {
  consistent: boolean;
  checked: string[];
  differences: Array<{ domain: string; table: string; key: string; readModel: unknown; chain: unknown }>;
  differenceCount: number;
}

describe("roaming consistency check", () => {
  let consortium: RoamingConsortium<TestAgent>;

  before(async () => {
    consortium = await startRoamingConsortium({ subscribers: 1 });
  });
  after(async () => {
    await consortium?.stop();
  });

  const check = async (agent: TestAgent) => {
    const answer = await agent.call<Report>("GET", "/v1/agent/consistency");
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };

  it("finds every agent's roaming read model equal to the OperatorRegistry", async () => {
    for (const agent of Object.values(consortium.op)) {
      const report = await check(agent);
      assert.ok(report.checked.includes("roaming"));
      assert.deepEqual(report.differences, []);
    }
  });

  it("names a network row that disagrees with the chain and a proposal the read model lost", async () => {
    const north = consortium.op.north;
    await north.agent.store.exec("UPDATE roaming_networks SET operator = $2 WHERE plmn = $1", [
      NETWORKS.south,
      "0x00000000000000000000000000000000000000bb",
    ]);
    await north.agent.store.exec("DELETE FROM roaming_claims WHERE id = 1");
    const report = await check(north);
    assert.equal(report.consistent, false);
    const network = report.differences.find((d) => d.table === "roaming_networks");
    assert.ok(network, "the forged network is named");
    assert.equal(network.key, NETWORKS.south);
    assert.equal((network.readModel as { operator: string }).operator, "0x00000000000000000000000000000000000000bb");
    assert.match((network.chain as { operator: string }).operator, /^0x[0-9a-f]{40}$/);
    const claim = report.differences.find((d) => d.table === "roaming_claims");
    assert.ok(claim, "the lost proposal is named");
    assert.equal(claim.key, "1");
    assert.equal(claim.readModel, null, "the read model lost it");
    assert.equal((claim.chain as { state: string }).state, "executed");
    assert.equal(report.differenceCount, 2);
  });
});

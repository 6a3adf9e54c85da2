// Identity's consistency check through the agent's API: every hosted DID is controlled on chain by the controller the
// agent holds, also after a controller change; a row naming another controller is reported with both sides.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

interface Report {
  consistent: boolean;
  checked: string[];
  differences: Array<{ domain: string; table: string; key: string; readModel: unknown; chain: unknown }>;
  differenceCount: number;
}

describe("identity consistency check", () => {
  let consortium: TestConsortium;
  let agent: TestAgent;

  before(async () => {
    consortium = await startTestConsortium([{ name: "solo", roles: ["TNSP"] }]);
    agent = consortium.agents.solo as TestAgent;
  });
  after(async () => {
    await consortium?.stop();
  });

  const check = async () => {
    const answer = await agent.call<Report>("GET", "/v1/agent/consistency");
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };

  it("finds every hosted DID controlled on chain by its recorded controller, before and after a change", async () => {
    const created = await agent.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Consistent Org" });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const did = created.body.did;
    const rotated = await agent.call("POST", `/v1/identity/dids/${did}/controller/rotate`);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const report = await check();
    assert.ok(report.checked.includes("identity"));
    assert.deepEqual(report.differences, []);
  });

  it("names a hosted DID whose recorded controller is not the chain's", async () => {
    const [hosted] = await agent.agent.dids.list();
    assert.ok(hosted);
    await agent.agent.store.exec("UPDATE identity_hosted_dids SET controller = $2 WHERE did = $1", [
      hosted.did,
      "0x00000000000000000000000000000000000000cc",
    ]);
    const report = await check();
    assert.equal(report.differenceCount, 1);
    const [difference] = report.differences;
    assert.ok(difference);
    assert.equal(difference.domain, "identity");
    assert.equal(difference.key, hosted.did);
    assert.deepEqual(difference.readModel, { controller: "0x00000000000000000000000000000000000000cc" });
    assert.match((difference.chain as { controller: string }).controller, /^0x[0-9a-f]{40}$/);
  });
});

// The consistency checker through an agent's API: a read model that follows the chain is reported equal; a row that
// disagrees with the chain, or one the chain does not have, is named with both sides.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestConsortium } from "../../testkit/consortium.ts";

interface Report {
  blockNumber: number;
  consistent: boolean;
  checked: string[];
  differences: Array<{ domain: string; table: string; key: string; readModel: unknown; chain: unknown }>;
  differenceCount: number;
}

describe("consistency checker", () => {
  let consortium: TestConsortium;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "authority", roles: ["TRUST_AUTHORITY"] },
      { name: "carrier", roles: ["TNSP"] },
    ]);
  });
  after(async () => {
    await consortium?.stop();
  });

  const check = async () => {
    const answer = await consortium.agents.carrier?.call<Report>("GET", "/v1/agent/consistency");
    assert.equal(answer?.status, 200, JSON.stringify(answer?.body));
    return answer?.body as Report;
  };

  it("finds the read model equal to the chain after the founders' admission", async () => {
    const report = await check();
    assert.equal(report.consistent, true, JSON.stringify(report.differences));
    assert.ok(report.checked.includes("membership"));
    assert.ok(report.blockNumber > 0);
  });

  it("names a member whose read-model row disagrees with the chain, and one the chain does not have", async () => {
    const store = consortium.agents.carrier?.agent.store;
    assert.ok(store);
    const authority = (await store.one<{ address: string }>(
      "SELECT address FROM membership_members WHERE name LIKE $1",
      ["%authority%"],
    )) as { address: string };
    await store.exec("UPDATE membership_members SET name = 'Forged Name' WHERE address = $1", [authority.address]);
    await store.exec(
      `INSERT INTO membership_members (address, name, active, roles, admitted_block)
       VALUES ('0x00000000000000000000000000000000000000aa', 'Ghost', 1, '[]', 1)`,
    );
    const report = await check();
    assert.equal(report.consistent, false);
    const forged = report.differences.find((d) => d.key === authority.address);
    assert.ok(forged, "the forged member is named");
    assert.equal((forged.readModel as { name: string }).name, "Forged Name");
    assert.notEqual((forged.chain as { name: string }).name, "Forged Name");
    const ghost = report.differences.find((d) => d.key === "0x00000000000000000000000000000000000000aa");
    assert.equal(ghost?.chain, null, "the chain has no such member");
    assert.equal(report.differenceCount, 2);
  });
});

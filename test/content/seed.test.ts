// The sandbox seed of the content domain, run twice against real agents named like the sandbox's members: the second
// run changes nothing (one film, one 30% share, one licence, one split).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SandboxMemberHandle } from "../../src/agent/domain.ts";
import { SANDBOX_FILM_FINGERPRINT, seedContentSandbox } from "../../src/content/seed.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

const MEMBERS = [
  { name: "osp", roles: ["OSP", "CSP"] },
  { name: "tnsp-beta", roles: ["TNSP", "OSP"] },
  { name: "mno-north", roles: ["MOBILE_OPERATOR"] },
  { name: "call-centre", roles: ["BPO"] },
];

describe("content sandbox seed", () => {
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

  it("seeds the film, the aggregator's share, the operator's licence and the split, once", async () => {
    const lines: string[] = [];
    await seedContentSandbox(handles, (line) => lines.push(line));
    assert.equal(lines.length, 4, lines.join("\n"));
    const again: string[] = [];
    await seedContentSandbox(handles, (line) => again.push(line));
    assert.deepEqual(again, [], "a second run changes nothing");

    const osp = consortium.agents.osp as TestAgent;
    const works = await osp.call<{ items: Array<{ tokenId: string; fingerprint: string }> }>(
      "GET",
      "/v1/content/works",
    );
    assert.equal(works.body.items.length, 1);
    assert.equal(works.body.items[0]?.fingerprint, SANDBOX_FILM_FINGERPRINT.toLowerCase());
    const work = await osp.call<{ holderBps: number; splitId: string | null }>(
      "GET",
      `/v1/content/works/${works.body.items[0]?.tokenId}`,
    );
    assert.equal(work.body.holderBps, 7000);
    assert.match(work.body.splitId ?? "", /^0x[0-9a-f]{64}$/);
    const north = consortium.agents["mno-north"] as TestAgent;
    const licences = await north.call<{ items: Array<{ licenceId: string; territories: string[] }> }>(
      "GET",
      "/v1/content/licences",
    );
    assert.equal(licences.body.items.length, 1);
    assert.deepEqual(licences.body.items[0]?.territories, ["JP"]);
    const check = await north.call<{ allowed: boolean }>("POST", "/v1/content/check", {
      licenceId: licences.body.items[0]?.licenceId,
      territory: "JP",
    });
    assert.equal(check.body.allowed, true);
  });
});

// Triggers from external data through the agents on a real devnet: an asset's holder sets a trigger moving it to a
// buyer once 2 of 3 independent reporters report the fact a simulated data source (a flood gauge served over HTTP)
// shows; a single reporter cannot fire it, a repeated or foreign report is refused, the dispute window holds the
// move back, and after it the asset moves. Each refusal names the contract's reason.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

interface Trigger {
  triggerId: `0x${string}`;
  state: string;
  matching: number;
  threshold: number;
  firesAt: number;
  assetHolder: string;
}
interface Failure {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}

// The simulated external data source: a flood gauge whose reading the test sets.
let reading = "dry";
const gauge: Server = createServer((_request, response) => response.end(JSON.stringify({ field: 17, reading })));
const observe = async (url: string) => ((await (await fetch(url)).json()) as { reading: string }).reading;

describe("triggers from external data through the agents", () => {
  let c: TestConsortium;
  let holder: TestAgent;
  let reporters: TestAgent[];
  let outsider: TestAgent;
  let gaugeUrl: string;
  const account = (a: TestAgent) => a.agent.config.memberAccount;

  before(async () => {
    await new Promise<void>((resolve) => gauge.listen(0, "127.0.0.1", resolve));
    gaugeUrl = `http://127.0.0.1:${(gauge.address() as AddressInfo).port}/field-17`;
    c = await startTestConsortium([
      { name: "acme-brand", roles: ["ENTERPRISE"] },
      { name: "kyc-vetter", roles: ["KYC_VETTER"] },
      { name: "numbering-authority", roles: ["NUMBERING_AUTHORITY"] },
      { name: "tnsp-alpha", roles: ["TNSP"] },
      { name: "trust-authority", roles: ["TRUST_AUTHORITY"] },
    ]);
    const agent = (name: string) => c.agents[name] as TestAgent;
    holder = agent("acme-brand");
    reporters = [agent("kyc-vetter"), agent("numbering-authority"), agent("tnsp-alpha")];
    outsider = agent("trust-authority");
  });
  after(async () => {
    await c?.stop();
    gauge.close();
  });

  it("moves the asset when 2 of 3 reporters agree, after the dispute window; never on one reporter", async () => {
    const registered = await holder.call<{ assetId: `0x${string}`; holder: string }>("POST", "/v1/pki/assets", {});
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const { assetId } = registered.body;
    const buyer = account(outsider);
    const created = await holder.call<Trigger>("POST", "/v1/pki/triggers", {
      assetId,
      fact: "field-17 flood gauge 2026-11",
      expectedValue: "flooded",
      newHolder: buyer,
      reporters: reporters.map(account),
      threshold: 2,
      disputeWindowSeconds: 3,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.triggerId;
    assert.equal(created.body.state, "open");

    reading = "flooded";
    const [first, second] = reporters as [TestAgent, TestAgent, TestAgent];
    const one = await first.call<Trigger>("POST", `/v1/pki/triggers/${id}/report`, { value: await observe(gaugeUrl) });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.equal(one.body.matching, 1);
    // A single reporter trying to trigger: refused, the asset stays.
    const early = await first.call<Failure>("POST", `/v1/pki/triggers/${id}/execute`, {});
    assert.equal(early.body.code, "CHAIN_REVERTED", JSON.stringify(early.body));
    assert.match(early.body.message, /ThresholdNotReached/);
    const again = await first.call<Failure>("POST", `/v1/pki/triggers/${id}/report`, { value: "flooded" });
    assert.match(again.body.message, /AlreadyReported/, "one report per reporter");
    const foreign = await outsider.call<Failure>("POST", `/v1/pki/triggers/${id}/report`, { value: "flooded" });
    assert.match(foreign.body.message, /NotAReporter/, "only the trigger's reporters report");

    const armed = await second.call<Trigger>("POST", `/v1/pki/triggers/${id}/report`, {
      value: await observe(gaugeUrl),
    });
    assert.equal(armed.status, 200, JSON.stringify(armed.body));
    assert.equal(armed.body.state, "armed", "2 of 3 agree");
    const inWindow = await outsider.call<Failure>("POST", `/v1/pki/triggers/${id}/execute`, {});
    assert.match(inWindow.body.message, /DisputeWindowOpen/);
    assert.equal(
      (await holder.call<{ holder: string }>("GET", `/v1/pki/assets/${assetId}`)).body.holder,
      account(holder),
    );

    await new Promise((r) => setTimeout(r, (armed.body.firesAt - Math.floor(Date.now() / 1000) + 2) * 1000));
    const executed = await outsider.call<Trigger>("POST", `/v1/pki/triggers/${id}/execute`, {});
    assert.equal(executed.status, 200, JSON.stringify(executed.body));
    assert.equal(executed.body.state, "executed");
    assert.equal(executed.body.assetHolder.toLowerCase(), buyer.toLowerCase(), "the asset moved to the buyer");
  });

  it("lets the holder stop an armed trigger and refuses bad input naming the field", async () => {
    const { assetId } = (await holder.call<{ assetId: string }>("POST", "/v1/pki/assets", {})).body;
    const body = {
      assetId,
      fact: "field-18 flood gauge 2026-11",
      expectedValue: "flooded",
      newHolder: account(outsider),
      reporters: reporters.map(account),
      threshold: 2,
      disputeWindowSeconds: 3600,
    };
    const id = (await holder.call<Trigger>("POST", "/v1/pki/triggers", body)).body.triggerId;
    for (const r of reporters.slice(0, 2)) await r.call("POST", `/v1/pki/triggers/${id}/report`, { value: "flooded" });
    const disputed = await holder.call<Trigger>("POST", `/v1/pki/triggers/${id}/dispute`, {});
    assert.equal(disputed.status, 200, JSON.stringify(disputed.body));
    assert.equal(disputed.body.state, "disputed");
    assert.equal(disputed.body.assetHolder, account(holder));

    const single = await holder.call<Failure>("POST", "/v1/pki/triggers", { ...body, threshold: 1 });
    assert.equal(single.status, 400);
    assert.equal(single.body.details?.[0]?.field, "body.threshold");
    const missing = await holder.call<Failure>("GET", `/v1/pki/triggers/0x${"00".repeat(31)}01`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "PKI_TRIGGER_NOT_FOUND");
  });

  it("lists the projected triggers by state and asset, and keeps them consistent with the chain", async () => {
    const all = await outsider.call<{ items: Trigger[]; nextCursor: string | null }>("GET", "/v1/pki/triggers?limit=1");
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.equal(all.body.items.length, 1);
    assert.ok(all.body.nextCursor, "two triggers: a second page");
    const next = await outsider.call<{ items: Trigger[] }>(
      "GET",
      `/v1/pki/triggers?limit=1&cursor=${all.body.nextCursor}`,
    );
    assert.equal(next.body.items.length, 1);
    assert.notEqual(next.body.items[0]?.triggerId, all.body.items[0]?.triggerId);
    const executed = await outsider.call<{ items: Trigger[] }>("GET", "/v1/pki/triggers?state=executed");
    assert.equal(executed.body.items.length, 1);
    assert.equal(executed.body.items[0]?.assetHolder, account(outsider).toLowerCase(), "the projected holder moved");
    assert.equal(executed.body.items[0]?.matching, 2);
    const disputed = await holder.call<{ items: Trigger[] }>("GET", "/v1/pki/triggers?state=disputed");
    assert.equal(disputed.body.items.length, 1);
    const bad = await holder.call<Failure>("GET", "/v1/pki/triggers?state=fired");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.details?.[0]?.field, "query.state");
    for (const agent of [holder, outsider, ...reporters]) {
      const report = await agent.call<{ differences: unknown[] }>("GET", "/v1/agent/consistency");
      assert.equal(report.status, 200, JSON.stringify(report.body));
      assert.deepEqual(report.body.differences, [], JSON.stringify(report.body));
    }
  });
});

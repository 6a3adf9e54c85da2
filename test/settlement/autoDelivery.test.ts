// Automatic delivery (src/settlement/roaming/autoDelivery.ts) between two agent processes started by the real CLI on a
// devnet: north (visited) anchors a batch while south's (home) agent is down; north's agent keeps trying by itself,
// is killed and started again meanwhile (what is due is in its database, not its memory), and once south's agent is
// up again the batch is delivered and confirmed with no API call: received on both sides, south holds exactly the
// records north anchored, confirmed once on chain. A batch anchored while both are up is delivered at once.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { PERIOD, RECORDS, record, TARIFF, VALID_FROM, VALID_TO } from "./roamingFixtures.ts";

type Name = "north" | "south";
type Body = Record<string, unknown>;

describe("settlement: the visited agent delivers anchored batches by itself, until the home agent acknowledges", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  const agent = (name: Name) => consortium.agents[name] as TestAgentProcess;
  const ok = async (name: Name, method: string, path: string, body?: unknown, status = 200) => {
    const answer = await agent(name).call<Body>(method, path, body);
    assert.equal(answer.status, status, `${name} ${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  /** Polls a batch at `name` until its status is `status` (or fails after `seconds`). */
  async function until(name: Name, batchId: Hex, status: string, seconds: number): Promise<Body> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const view = await ok(name, "GET", `/v1/settlement/batches/${batchId}`);
      if (view.status === status) return view;
      if (Date.now() > deadline) assert.fail(`batch ${batchId} at ${name} is ${String(view.status)}, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  let agreementId: Hex;

  before(async () => {
    consortium = await startTestConsortium(
      ["north", "south"].map((name) => ({ name, roles: ["MOBILE_OPERATOR"] })),
      { agentProcesses: true },
    );
    for (const name of ["north", "south"] as const) {
      await ok(name, "POST", "/v1/identity/dids", { label: `${name} operator`, serviceEndpoint: agent(name).url }, 201);
      await ok(name, "POST", "/v1/roaming/keys/publish", {});
    }
    const account = async (name: Name) => (await ok(name, "GET", "/v1/agent")).memberAccount as string;
    const terms = {
      visited: await account("north"),
      home: await account("south"),
      validFrom: VALID_FROM,
      validTo: VALID_TO,
      periodSeconds: PERIOD,
      disputeWindowSeconds: 7 * 86_400,
      tariff: TARIFF,
    };
    agreementId = (await ok("north", "POST", "/v1/settlement/agreements", terms, 201)).agreementId as Hex;
    await ok("south", "POST", `/v1/settlement/agreements/${agreementId}/approve`, { terms });
  });
  after(async () => {
    await consortium?.stop();
  });

  it("retries while the home agent is down, across a restart of its own, and delivers once the home agent is up", async () => {
    await consortium.killAgent("south");
    const anchored = await ok(
      "north",
      "POST",
      `/v1/settlement/agreements/${agreementId}/batches`,
      { records: RECORDS },
      201,
    );
    const batchId = anchored.batchId as Hex;
    // South is down: several attempts fail (backoff from 1 s), the batch stays anchored.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    assert.equal((await ok("north", "GET", `/v1/settlement/batches/${batchId}`)).status, "anchored");
    // North's agent restarts: nothing in memory survives; the batch is still due from its database.
    await consortium.killAgent("north");
    await consortium.startAgent("north");
    assert.equal((await ok("north", "GET", `/v1/settlement/batches/${batchId}`)).status, "anchored");
    await consortium.startAgent("south");
    // No deliver call: north's agent delivers by itself (retries back off to at most 5 min; here a few seconds).
    await until("north", batchId, "received", 180);
    const atSouth = await until("south", batchId, "received", 60);
    assert.equal(atSouth.recordsHeld, true);
    const kept = await ok("south", "GET", `/v1/settlement/batches/${batchId}/records`);
    assert.deepEqual(kept.records, RECORDS);
    // Delivered: asking again is refused on north's side (nothing left to deliver).
    const again = await agent("north").call<Body>("POST", `/v1/settlement/batches/${batchId}/deliver`);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, "SETTLEMENT_WRONG_STATE");
  });

  it("delivers a batch anchored while both agents are up at once", async () => {
    const late = record("n-7", { startLocal: "20260303120000", startUtc: "2026-03-03T11:00:00Z" });
    const anchored = await ok(
      "north",
      "POST",
      `/v1/settlement/agreements/${agreementId}/batches`,
      { records: [late] },
      201,
    );
    const batchId = anchored.batchId as Hex;
    await until("south", batchId, "received", 60);
    const kept = await ok("south", "GET", `/v1/settlement/batches/${batchId}/records`);
    assert.deepEqual(kept.records, [late]);
  });
});

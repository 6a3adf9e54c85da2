// The benchmarks' measurements read everything from outside the agents (API pages, the devnet's blocks), so they
// work with every operator's agent in its own process. Proved here on a small run in that shape.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createChain } from "../../src/core/chain/client.ts";
import type { TestAgentProcess } from "../../testkit/consortium.ts";
import { expectOk, imsiOf, NETWORKS, type RoamingConsortium, startRoamingConsortium } from "../../testkit/roaming.ts";
import {
  blockActivity,
  onChainCost,
  openRequests,
  sessionsSince,
  waitAllRecorded,
} from "../../testkit/roamingMeasure.ts";

describe("roaming measurements with agent processes", () => {
  let c: RoamingConsortium<TestAgentProcess> | undefined;
  after(() => c?.stop());

  it("waits for every activation to be mined, pages all sessions through the API and names each block's calls", async () => {
    const count = 130; // more than one page of 100
    c = await startRoamingConsortium({ agentProcesses: true, blockTimeSeconds: 1, subscribers: count });
    const chain = await createChain({ rpcUrl: c.devnet.rpcUrl, chainId: c.devnet.chainId });
    const fromBlock = (await chain.getBlockNumber()) + 1n;
    const startedAtMs = Date.now();
    const since = new Date(startedAtMs - 1000).toISOString();
    const items = Array.from({ length: count }, (_, i) => ({ imsi: imsiOf(NETWORKS.south, i + 1) }));
    await expectOk(c.op.north.call("POST", "/v1/roaming/attach/batch", { items }), 202);

    await waitAllRecorded([c.op.north], since, performance.now() + 120_000);
    assert.equal(await openRequests([c.op.north]), 0);
    const sessions = await sessionsSince(c.op.north, since);
    assert.equal(sessions.length, count);
    assert.equal(new Set(sessions.map((s) => s.requestId)).size, count);
    for (const s of sessions) {
      assert.equal(s.state, "active");
      assert.ok(s.closingTx, `session ${s.requestId} has its activation mined`);
    }
    assert.equal((await sessionsSince(c.op.north, since, "active")).length, count);
    assert.equal((await sessionsSince(c.op.north, since, "refused")).length, 0);
    assert.equal((await sessionsSince(c.op.north, new Date(Date.now() + 60_000).toISOString())).length, 0);

    const toBlock = await chain.getBlockNumber();
    const blocks = await blockActivity(chain, c.exchange, fromBlock, toBlock, startedAtMs);
    assert.equal(blocks.length, Number(toBlock - fromBlock + 1n));
    const calls: Record<string, number> = {};
    for (const b of blocks) {
      assert.equal(
        Object.values(b.calls).reduce((n, v) => n + v, 0),
        b.transactions,
      );
      assert.ok(b.secondsSinceStart > -2 && b.secondsSinceStart < 120);
      for (const [name, n] of Object.entries(b.calls)) calls[name] = (calls[name] ?? 0) + n;
    }
    for (const name of ["submitRequests", "submitAnswers", "recordActivations"]) {
      assert.ok((calls[name] ?? 0) >= 1, `${name} seen in ${JSON.stringify(calls)}`);
    }
    const cost = await onChainCost(chain, [c.exchange], fromBlock, toBlock);
    const exchangeCalls = Object.entries(calls).filter(([name]) => name !== "other");
    assert.equal(
      cost.transactions,
      exchangeCalls.reduce((n, [, v]) => n + v, 0),
    );
  });
});

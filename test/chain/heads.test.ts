// New-head subscriptions against a real anvil: each mined block is announced, a node that goes away drops the
// subscription (waiters wake, so loops fall back to polling), and it comes back by itself when the node does.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type HeadWatcher, watchHeads, webSocketUrlOf } from "../../src/core/chain/heads.ts";
import { recordingLogger, type TestChain, testChain } from "../../testkit/chainEnv.ts";

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const mine = (env: TestChain) => env.client.request({ method: "evm_mine", params: [] } as never);

describe("new-head subscription", () => {
  let env: TestChain;
  let heads: HeadWatcher;
  const logger = recordingLogger();
  before(async () => {
    env = await testChain("heads");
    heads = watchHeads({ url: webSocketUrlOf(env.devnet.rpcUrl), logger, maxReconnectMs: 500 });
    await until("the subscription", () => heads.subscribed);
  });
  after(async () => {
    heads?.close();
    await env?.close();
  });

  it("announces each mined block and wakes a waiter at once", async () => {
    const since = heads.count;
    const woken = new Promise<number>((resolve) => {
      const started = performance.now();
      heads.wait(since, 10_000, () => resolve(performance.now() - started));
    });
    await mine(env);
    assert.ok((await woken) < 2000, "woken by the block, not by the 10 s timeout");
    await mine(env);
    await until("two announcements", () => heads.count >= since + 2);
  });

  it("wakes at once for a head already announced, and after maxWaitMs without one", async () => {
    let woke = false;
    heads.wait(heads.count - 1, 10_000, () => {
      woke = true;
    });
    assert.equal(woke, true);
    const started = performance.now();
    await new Promise<void>((resolve) => heads.wait(heads.count, 200, resolve));
    assert.ok(performance.now() - started >= 190);
  });

  it("drops when the node goes away and resubscribes when it is back", async () => {
    await env.devnet.kill9ForTest({ superviseRestart: false });
    await until("the drop", () => !heads.subscribed);
    assert.match(logger.text(), /no new-head subscription .*polling the node instead/);
    await env.devnet.restart();
    await until("the subscription again", () => heads.subscribed, 30_000);
    const since = heads.count;
    await mine(env);
    await until("an announcement after the restart", () => heads.count > since);
  });

  it("falls back when the URL serves no subscription", async () => {
    const nowhere = watchHeads({ url: "ws://127.0.0.1:9", logger: recordingLogger(), maxReconnectMs: 200 });
    try {
      const started = performance.now();
      await new Promise<void>((resolve) => nowhere.wait(nowhere.count, 300, resolve));
      assert.equal(nowhere.subscribed, false);
      assert.ok(performance.now() - started >= 290, "a waiter falls back to its timeout");
    } finally {
      nowhere.close();
    }
  });
});

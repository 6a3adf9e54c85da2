// The coalescing drain: a burst of events makes at most one running drain and one follow-up, a poke after a drain
// ends starts a new one, a failing drain does not stop the next, and settled() waits for the follow-up.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { CoalescingDrain } from "../../src/registries/drain.ts";

describe("registries coalescing drain", () => {
  it("a burst of 100 events causes at most 2 drains, and each event's work is drained", async () => {
    let drains = 0;
    let pendingWork = 0;
    let handled = 0;
    const drainer = new CoalescingDrain(
      async () => {
        drains += 1;
        await tick(); // a query takes time: the burst arrives while it runs
        handled += pendingWork;
        pendingWork = 0;
      },
      (error) => assert.fail(String(error)),
    );
    for (let i = 0; i < 100; i++) {
      pendingWork += 1;
      drainer.poke();
      if (i % 10 === 0) await Promise.resolve(); // events arrive across microtasks, as the indexer emits them
    }
    await drainer.settled();
    assert.ok(drains <= 2, `${drains} drains for a burst of 100 events`);
    assert.equal(drains, 2);
    assert.equal(handled, 100);

    // A poke after the burst was drained starts one new drain.
    pendingWork += 1;
    drainer.poke();
    await drainer.settled();
    assert.equal(drains, 3);
    assert.equal(handled, 101);
  });

  it("the old chained queue made one drain per event (the problem it replaces)", async () => {
    let drains = 0;
    let queue = Promise.resolve();
    for (let i = 0; i < 100; i++) {
      queue = queue.then(async () => {
        drains += 1;
        await tick();
      });
    }
    await queue;
    assert.equal(drains, 100);
  });

  it("a failing drain is reported and a later poke drains again; settled() never rejects", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const drainer = new CoalescingDrain(
      async () => {
        calls += 1;
        await tick();
        if (calls === 1) throw new Error("database busy");
      },
      (error) => errors.push(error),
    );
    drainer.poke();
    drainer.poke(); // during the failing drain: one follow-up
    await drainer.settled();
    assert.equal(calls, 2);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /database busy/);
    drainer.poke();
    await drainer.settled();
    assert.equal(calls, 3);
  });

  it("settled() resolves at once when nothing is pending", async () => {
    const drainer = new CoalescingDrain(
      async () => {},
      (error) => assert.fail(String(error)),
    );
    await drainer.settled();
  });
});

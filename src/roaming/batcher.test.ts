// The batching engine on its own: when a batch goes out (size, delay), that items keep joining a destination
// that waits for a free flush slot, failures confined to their batch, drain and close.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Batcher } from "./batcher.ts";

/** A flush that records each batch and, when gated, holds it until released. */
function recorder(options: { gated?: boolean; failOn?: number } = {}) {
  const batches: Array<{ destination: string; items: number[] }> = [];
  const gates: Array<() => void> = [];
  return {
    batches,
    release() {
      for (const open of gates.splice(0)) open();
    },
    async flush(destination: string, items: number[]) {
      batches.push({ destination, items: [...items] });
      if (options.gated) await new Promise<void>((resolve) => gates.push(resolve));
      if (options.failOn !== undefined && items.includes(options.failOn))
        throw new Error(`batch with ${options.failOn}`);
    },
  };
}

describe("roaming batcher", () => {
  it("sends a batch when it is full, and the rest after the delay", async () => {
    const r = recorder();
    const batcher = new Batcher<number>({ maxSize: 3, maxDelayMs: 40, flush: r.flush });
    const all = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add("hpmn-a", n));
    await sleep(5);
    assert.deepEqual(
      r.batches.map((b) => b.items),
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      "two full batches at once, the seventh item waits",
    );
    await Promise.all(all);
    assert.deepEqual(r.batches[2]?.items, [7]);
  });

  it("does not send a lone item before the delay", async () => {
    const r = recorder();
    const batcher = new Batcher<number>({ maxSize: 100, maxDelayMs: 60, flush: r.flush });
    const done = batcher.add("hpmn-a", 1);
    await sleep(20);
    assert.equal(r.batches.length, 0);
    assert.equal(batcher.queued, 1);
    await done;
    assert.equal(r.batches.length, 1);
    assert.equal(batcher.queued, 0);
  });

  it("keeps filling a due destination while every flush slot is busy, then sends it as one batch", async () => {
    const r = recorder({ gated: true });
    const batcher = new Batcher<number>({ maxSize: 50, maxDelayMs: 5, maxInFlight: 1, flush: r.flush });
    const first = batcher.add("hpmn-a", 1);
    await sleep(20);
    assert.equal(r.batches.length, 1, "the first batch holds the only slot");
    // Three waves, each older than maxDelayMs before a slot frees up.
    const later: Array<Promise<void>> = [];
    for (let wave = 0; wave < 3; wave++) {
      for (let i = 0; i < 10; i++) later.push(batcher.add("hpmn-a", 2 + wave * 10 + i));
      await sleep(15);
    }
    assert.equal(r.batches.length, 1, "nothing else goes out while the slot is busy");
    r.release();
    await first;
    await sleep(5);
    assert.deepEqual(
      r.batches[1]?.items,
      Array.from({ length: 30 }, (_, i) => 2 + i),
      "one batch of 30, not 30 timers",
    );
    r.release();
    await Promise.all(later);
  });

  it("keeps destinations apart and fails only the items of a failed batch", async () => {
    const r = recorder({ failOn: 3 });
    const batcher = new Batcher<number>({ maxSize: 2, maxDelayMs: 5, flush: r.flush });
    const results = await Promise.allSettled([
      batcher.add("hpmn-a", 1),
      batcher.add("hpmn-b", 2),
      batcher.add("hpmn-a", 3),
      batcher.add("hpmn-b", 4),
    ]);
    assert.deepEqual(
      results.map((x) => x.status),
      ["rejected", "fulfilled", "rejected", "fulfilled"],
    );
    assert.deepEqual(
      r.batches.map((b) => [b.destination, b.items]),
      [
        ["hpmn-a", [1, 3]],
        ["hpmn-b", [2, 4]],
      ],
    );
  });

  it("drains everything queued at once, then refuses items once closed", async () => {
    const r = recorder();
    const batcher = new Batcher<number>({ maxSize: 10, maxDelayMs: 60_000, flush: r.flush });
    const pending = [batcher.add("hpmn-a", 1), batcher.add("hpmn-b", 2)];
    await batcher.close();
    await Promise.all(pending);
    assert.equal(r.batches.length, 2);
    await assert.rejects(batcher.add("hpmn-a", 3), /the batcher is closed/);
  });

  it("refuses settings that would never send anything", () => {
    const flush = async () => {};
    assert.throws(() => new Batcher({ maxSize: 0, maxDelayMs: 1, flush }), /maxSize/);
    assert.throws(() => new Batcher({ maxSize: 1, maxDelayMs: -1, flush }), /maxDelayMs/);
    assert.throws(() => new Batcher({ maxSize: 1, maxDelayMs: 1, maxInFlight: 0, flush }), /maxInFlight/);
  });
});

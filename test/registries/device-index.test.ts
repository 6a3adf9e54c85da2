// The in-memory device index against a reference Set: blocking, unblocking and blocking again through several
// growths of the table, with inactive slots dropped on growth, answers exactly what the Set answers.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { DeviceIndex } from "../../src/registries/deviceIndex.ts";

const hash = () => `0x${randomBytes(32).toString("hex")}`;

describe("registries device index", () => {
  it("answers as a Set does through growth, clears and re-blocks", () => {
    const index = new DeviceIndex(16);
    const reference = new Set<string>();
    const known: string[] = [];
    for (let round = 0; round < 50_000; round++) {
      const pick = known.length && round % 3 === 0 ? (known[round % known.length] as string) : hash();
      if (!known.includes(pick) && known.length < 5_000) known.push(pick);
      const blocked = round % 5 !== 0;
      index.set(pick, blocked);
      if (blocked) reference.add(pick);
      else reference.delete(pick);
    }
    assert.equal(index.size, reference.size);
    for (const device of known) assert.equal(index.has(device), reference.has(device), device);
    for (let i = 0; i < 10_000; i++) assert.equal(index.has(hash()), false);
    // Case does not matter: the API lower-cases, an EIR may not.
    const upper = [...reference][0] as string;
    assert.equal(index.has(`0x${upper.slice(2).toUpperCase()}`), true);
  });

  it("setting the same state twice changes nothing, and clear empties it", () => {
    const index = new DeviceIndex();
    const device = hash();
    index.set(device, true);
    index.set(device, true);
    assert.equal(index.size, 1);
    index.set(device, false);
    index.set(device, false);
    assert.equal(index.size, 0);
    assert.equal(index.has(device), false);
    index.set(device, true);
    index.clear();
    assert.equal(index.has(device), false);
    assert.equal(index.size, 0);
  });
});

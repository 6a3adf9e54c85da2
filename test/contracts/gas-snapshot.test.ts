// Gas is a number we watch: the committed contracts/gas-snapshot.json must match a fresh measurement on anvil, so a
// change that moves gas also updates the table (and says why in its commit).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Anvil, GAS_SNAPSHOT_FILE, measureGas, startAnvil } from "../../scripts/gas-snapshot.ts";

describe("contracts/gas-snapshot.json", () => {
  let anvil: Anvil;
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil?.stop();
  });

  it("matches the gas measured on a fresh devnet", async () => {
    const measured = await measureGas(anvil.rpcUrl);
    const committed = JSON.parse(readFileSync(GAS_SNAPSHOT_FILE, "utf8"));
    assert.deepEqual(measured.operations, committed.operations, "gas drifted: run `node scripts/gas-snapshot.ts`");
  });

  it("keeps the DID operations under the 123456 gas limit ethr-did-resolver's controller sends", () => {
    const committed = JSON.parse(readFileSync(GAS_SNAPSHOT_FILE, "utf8")) as { operations: Record<string, number> };
    for (const op of [
      "EthereumDIDRegistry.setAttribute",
      "EthereumDIDRegistry.addDelegate",
      "EthereumDIDRegistry.changeOwner",
    ]) {
      const gas = committed.operations[op];
      assert.ok(gas !== undefined && gas < 123_456, `${op} uses ${gas}`);
    }
  });
});

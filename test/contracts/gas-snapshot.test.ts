// Gas is a number we watch: the committed contracts/gas-snapshot.json must match a fresh measurement of every contract
// on anvil, and the docs' gas tables must be the ones generated from it, so a change that moves gas also updates both
// (`npm run gas:snapshot`) and says why in its commit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  diffSnapshots,
  type GasSnapshot,
  measureGas,
  REGENERATE_COMMAND,
  readSnapshot,
  staleMessage,
} from "../../scripts/gas-snapshot.ts";
import { renderDocs, replaceSection, staleDocs } from "../../scripts/gas-snapshot-docs.ts";
import { ROAMING_BATCH_SIZES } from "../../scripts/gas-snapshot-roaming.ts";
import { contracts } from "../../src/generated/contracts.ts";

describe("contracts/gas-snapshot.json", () => {
  it("matches the gas measured on fresh devnets, operation by operation", async () => {
    const differences = diffSnapshots(readSnapshot(), await measureGas());
    if (differences.length > 0) assert.fail(staleMessage(differences));
  });

  it("measures every contract, and every RoamingExchange batch at every batch size", () => {
    const operations = Object.keys(readSnapshot().operations);
    for (const name of Object.keys(contracts)) {
      assert.ok(
        operations.some((op) => op.startsWith(`${name}.`)),
        `${name} has no operation in the snapshot`,
      );
      assert.ok(operations.includes(`${name}.deploy`), `${name}'s deployment is not measured`);
    }
    for (const fn of ["submitRequests", "submitAnswers", "recordActivations", "expire"]) {
      for (const size of ROAMING_BATCH_SIZES) {
        assert.ok(operations.includes(`RoamingExchange.${fn}/x${size}`), `RoamingExchange.${fn} x${size} missing`);
      }
    }
  });

  it("is what the docs' gas tables show, and every operation has a row", () => {
    const snapshot = readSnapshot();
    assert.deepEqual(
      staleDocs(snapshot),
      [],
      `docs gas tables differ from the snapshot: run \`${REGENERATE_COMMAND}\``,
    );
    assert.deepEqual(renderDocs(snapshot).undocumented, [], "operations without a row in scripts/gas-snapshot-docs.ts");
  });

  it("keeps the DID operations under the 123456 gas limit ethr-did-resolver's controller sends", () => {
    const { operations } = readSnapshot();
    for (const op of [
      "EthereumDIDRegistry.setAttribute",
      "EthereumDIDRegistry.addDelegate",
      "EthereumDIDRegistry.changeOwner",
    ]) {
      const gas = operations[op];
      assert.ok(gas !== undefined && gas < 123_456, `${op} uses ${gas}`);
    }
  });
});

describe("gas snapshot drift report", () => {
  const snapshot = (operations: Record<string, number>, sizes: GasSnapshot["sizes"] = {}): GasSnapshot => ({
    note: "",
    operations,
    sizes,
  });

  it("names each drifted operation with its committed and measured gas, and new and vanished ones", () => {
    const committed = snapshot(
      { "TnAuthority.revoke": 51_063, "A.kept": 1, "A.gone": 7 },
      { "R.x10": { calldataBytes: 10, logBytes: 20 } },
    );
    const measured = snapshot(
      { "TnAuthority.revoke": 51_120, "A.kept": 1, "A.new": 9 },
      { "R.x10": { calldataBytes: 10, logBytes: 21 } },
    );
    assert.deepEqual(diffSnapshots(committed, measured), [
      "A.gone: no longer measured (snapshot has 7 gas)",
      "A.new: new operation, 9 gas (not in the snapshot)",
      "TnAuthority.revoke: 51063 -> 51120 gas (+57)",
      'R.x10: sizes {"calldataBytes":10,"logBytes":20} -> {"calldataBytes":10,"logBytes":21}',
    ]);
    assert.deepEqual(diffSnapshots(committed, committed), []);
    const message = staleMessage(diffSnapshots(committed, measured));
    assert.match(message, /TnAuthority\.revoke: 51063 -> 51120 gas \(\+57\)/);
    assert.match(message, /npm run gas:snapshot/);
  });

  it("replaces only the marked table and refuses a doc without its markers", () => {
    const doc = "intro\n<!-- gas-snapshot:t (generated) -->\nold\n<!-- /gas-snapshot:t -->\nafter\n";
    assert.equal(
      replaceSection(doc, "t", "new table"),
      "intro\n<!-- gas-snapshot:t (generated) -->\nnew table\n<!-- /gas-snapshot:t -->\nafter\n",
    );
    assert.throws(() => replaceSection("no markers", "t", "x", "docs/x.md"), /docs\/x\.md lacks the gas table markers/);
  });
});

// Our ERC-1056 registry must expose every function and event the stock ethr-did-resolver calls or decodes, with the
// same types, indexing and parameter names (the resolver finds `previousChange` by name in decoded events).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EthereumDIDRegistry as resolverArtifact } from "ethr-did-resolver";
import { type AbiEvent, type AbiFunction, toEventSignature, toFunctionSignature } from "viem";
import { EthereumDIDRegistry } from "../../src/generated/contracts.ts";

const ours = EthereumDIDRegistry.abi;
const theirs = resolverArtifact.abi as readonly (AbiFunction | AbiEvent | { type: string })[];

describe("EthereumDIDRegistry ABI compatibility with ethr-did-resolver", () => {
  it("has every function of the resolver's ABI with the same inputs, outputs and mutability", () => {
    const functions = theirs.filter((e): e is AbiFunction => e.type === "function");
    assert.ok(functions.length >= 16);
    for (const fn of functions) {
      const match = ours.find(
        (e): e is Extract<(typeof ours)[number], { type: "function" }> =>
          e.type === "function" && toFunctionSignature(e) === toFunctionSignature(fn),
      );
      assert.ok(match, `missing function ${toFunctionSignature(fn)}`);
      assert.deepEqual(
        match.outputs.map((o) => o.type),
        fn.outputs.map((o) => o.type),
        `${fn.name} outputs`,
      );
      assert.equal(match.stateMutability, fn.stateMutability, `${fn.name} mutability`);
    }
  });

  it("emits every event of the resolver's ABI with the same names, types and indexing", () => {
    const events = theirs.filter((e): e is AbiEvent => e.type === "event");
    assert.deepEqual(events.map((e) => e.name).sort(), [
      "DIDAttributeChanged",
      "DIDDelegateChanged",
      "DIDOwnerChanged",
    ]);
    for (const event of events) {
      const match = ours.find((e) => e.type === "event" && e.name === event.name) as AbiEvent | undefined;
      assert.ok(match, `missing event ${event.name}`);
      assert.equal(toEventSignature(match), toEventSignature(event));
      assert.deepEqual(
        match.inputs.map((i) => [i.name, i.type, i.indexed ?? false]),
        event.inputs.map((i) => [i.name, i.type, i.indexed ?? false]),
        `${event.name} inputs`,
      );
    }
  });
});

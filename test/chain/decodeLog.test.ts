// The indexer's event decoder must give exactly what viem's decodeEventLog gives, for every event of the platform
// and domain contracts, with indexed values of every kind, and refuse a log whose topics do not fit the event.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AbiEvent,
  type AbiParameter,
  decodeEventLog,
  encodeAbiParameters,
  encodeEventTopics,
  type Hex,
  pad,
  toHex,
} from "viem";
import { eventDecoder } from "../../src/core/chain/indexer/decodeLog.ts";
import { allContractArtifacts } from "../../src/ledger/deploymentPlan.ts";

// A deterministic sample value for an ABI type.
function sample(param: AbiParameter, seed: number): unknown {
  const type = param.type;
  if (type.endsWith("[]")) return [0, 1].map((i) => sample({ ...param, type: type.slice(0, -2) }, seed + i));
  if (type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    return Object.fromEntries(components.map((c, i) => [c.name, sample(c, seed + i)]));
  }
  if (type === "address") return pad(toHex(seed + 1), { size: 20 });
  if (type === "bool") return seed % 2 === 0;
  if (type === "string") return `value ${seed}`;
  if (type === "bytes") return toHex(`payload ${seed}`);
  if (type.startsWith("bytes")) return pad(toHex(seed + 7), { size: Number(type.slice(5)) });
  if (type.startsWith("uint")) return BigInt((seed * 7 + 3) % 120);
  if (type.startsWith("int")) return BigInt(-((seed * 7 + 3) % 120));
  throw new Error(`no sample for ${type}`);
}

describe("event decoder", () => {
  // Every event of our contracts, and one with the signed integers and mixed layouts none of them uses yet.
  const synthetic: AbiEvent = {
    type: "event",
    name: "Synthetic",
    inputs: [
      { name: "a", type: "int256", indexed: true },
      { name: "b", type: "int64", indexed: false },
      { name: "c", type: "string", indexed: false },
      { name: "d", type: "int32", indexed: false },
      { name: "e", type: "bytes", indexed: false },
      { name: "f", type: "bool", indexed: false },
      { name: "g", type: "bytes6", indexed: false },
    ],
  };
  const events = [
    ...Object.values(allContractArtifacts()).flatMap((artifact) =>
      artifact.abi.filter((item): item is AbiEvent => item.type === "event"),
    ),
    synthetic,
  ];

  it("decodes every event of every deployable contract exactly as viem does", () => {
    assert.ok(events.length > 30, `found ${events.length} events`);
    events.forEach((event, n) => {
      const values = Object.fromEntries(event.inputs.map((input, i) => [input.name, sample(input, n + i)]));
      const topics = encodeEventTopics({
        abi: [event],
        eventName: event.name,
        args: Object.fromEntries(event.inputs.filter((i) => i.indexed).map((i) => [i.name, values[i.name as string]])),
      } as never) as Hex[];
      const plain = event.inputs.filter((i) => !i.indexed);
      const data = encodeAbiParameters(
        plain,
        plain.map((i) => values[i.name as string]),
      );
      assert.deepEqual(
        eventDecoder(event)(topics, data),
        decodeEventLog({ abi: [event], topics: topics as [Hex, ...Hex[]], data }),
        event.name,
      );
    });
  });

  it("refuses a log with the wrong number of topics or truncated data", () => {
    const event = events.find((e) => e.inputs.some((i) => i.indexed) && e.inputs.some((i) => !i.indexed));
    assert.ok(event);
    const decode = eventDecoder(event);
    assert.throws(() => decode([pad("0x01")], "0x"), /indexed arguments/);
    const topics = [pad("0x01"), ...event.inputs.filter((i) => i.indexed).map(() => pad("0x02"))];
    assert.throws(() => decode(topics, "0x1234"));
  });
});

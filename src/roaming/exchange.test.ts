import assert from "node:assert/strict";
import { test } from "node:test";
import { type Address, encodeAbiParameters, encodeEventTopics, type Hex, type Log } from "viem";
import { roamingExchangeAbi, skippedItems } from "./exchange.ts";

const EXCHANGE: Address = "0x00000000000000000000000000000000000000e1";
const OTHER: Address = "0x00000000000000000000000000000000000000e2";
const id = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

// The log an exchange at `address` emits when it skips item `index` of a batch (BatchKind 2 = Activations,
// SkipReason 3 = AlreadyClosed: the values do not matter to the parser, the request id and the address do).
function skipLog(address: Address, requestId: Hex, index: number): Log {
  return {
    address,
    topics: encodeEventTopics({
      abi: roamingExchangeAbi,
      eventName: "ItemSkipped",
      args: { requestId },
    }) as Log["topics"],
    data: encodeAbiParameters([{ type: "uint8" }, { type: "uint256" }, { type: "uint8" }], [2, BigInt(index), 3]),
    blockHash: null,
    blockNumber: null,
    logIndex: null,
    transactionHash: null,
    transactionIndex: null,
    removed: false,
  };
}

test("skippedItems names the request ids the exchange skipped, lower-cased, and only this exchange's", () => {
  const upper = `0x${"AB".repeat(32)}` as Hex;
  const skipped = skippedItems(
    [skipLog(EXCHANGE, id(7), 1), skipLog(OTHER, id(8), 0), skipLog(EXCHANGE, upper, 2)],
    EXCHANGE,
  );
  assert.deepEqual([...skipped].sort(), [id(7), upper.toLowerCase()].sort());
});

test("skippedItems ignores a batch's other events and answers an empty set when nothing was skipped", () => {
  const other: Log = { ...skipLog(EXCHANGE, id(9), 0), topics: [id(1), id(9)] };
  assert.equal(skippedItems([other], EXCHANGE).size, 0);
  assert.equal(skippedItems([], EXCHANGE).size, 0);
});

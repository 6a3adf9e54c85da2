// Decodes a log with the one ABI event its topic0 names. viem's decodeEventLog hashes the event signature again on
// every call to find the item, which showed up in profiles of busy roaming agents; the indexer has already found
// the item by topic0 through a per-source map built once, so it only needs the ABI decoding.
import { type AbiEvent, type AbiParameter, decodeAbiParameters, decodeEventLog, type Hex } from "viem";
import { hexToBytes } from "../hexBytes.ts";

export type EventDecoder = (topics: readonly Hex[], data: Hex) => { eventName: string; args?: Record<string, unknown> };

// Indexed values of dynamic types are stored as their Keccak hash: the topic is all there is to return.
const hashedWhenIndexed = (input: AbiParameter) =>
  input.type === "string" || input.type === "bytes" || input.type.endsWith("]") || input.type.startsWith("tuple");

/** A decoder for logs of `event`, with viem's result shape (args by name). */
export function eventDecoder(event: AbiEvent): EventDecoder {
  // Unnamed arguments (viem returns an array then) and anonymous events keep viem's general path.
  if (event.anonymous || event.inputs.some((input) => !input.name)) {
    return (topics, data) =>
      decodeEventLog({ abi: [event], topics: topics as [Hex, ...Hex[]], data }) as ReturnType<EventDecoder>;
  }
  const indexed = event.inputs.filter((input) => input.indexed);
  const plain = event.inputs.filter((input) => !input.indexed);
  return (topics, data) => {
    if (topics.length !== indexed.length + 1) {
      throw new Error(`${event.name} has ${indexed.length} indexed arguments, the log ${topics.length - 1} topics`);
    }
    const args: Record<string, unknown> = {};
    indexed.forEach((input, i) => {
      const topic = topics[i + 1] as Hex;
      args[input.name as string] = hashedWhenIndexed(input) ? topic : decodeAbiParameters([input], topic)[0];
    });
    if (plain.length > 0) {
      // Bytes, not hex: viem's own hex decoding of every log's data was a profile hotspot.
      const values = decodeAbiParameters(plain, hexToBytes(data));
      plain.forEach((input, i) => {
        args[input.name as string] = values[i];
      });
    }
    // viem gives no args at all for an event without arguments.
    return { eventName: event.name, args: event.inputs.length === 0 ? undefined : args };
  };
}

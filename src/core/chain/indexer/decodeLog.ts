// Decodes a log with the one ABI event its topic0 names. viem's decodeEventLog hashes the event signature again on
// every call to find the item, and decodes through a generic cursor that builds hex strings a digit pair at a time;
// at a thousand roaming authentications a second both showed up in agents' profiles. The indexer has already found
// the item by topic0 (a per-source map built once), so this reads the words of the common ABI types directly from
// the log's bytes, and falls back to viem for everything else (arrays, tuples, unnamed arguments).
import { type AbiEvent, type AbiParameter, decodeAbiParameters, decodeEventLog, getAddress, type Hex } from "viem";
import { hexToBytes } from "../hexBytes.ts";

export type EventDecoder = (topics: readonly Hex[], data: Hex) => { eventName: string; args?: Record<string, unknown> };

// Indexed values of dynamic types are stored as their Keccak hash: the topic is all there is to return.
const hashedWhenIndexed = (input: AbiParameter) =>
  input.type === "string" || input.type === "bytes" || input.type.endsWith("]") || input.type.startsWith("tuple");

/** Reads one value whose head word starts at `at` in `data` (an ABI-encoded tuple); as viem would return it. */
type WordReader = (data: Buffer, at: number) => unknown;

const word = (data: Buffer, at: number): bigint => {
  if (at + 32 > data.length) throw new RangeError(`the log data ends before byte ${at + 32}`);
  return BigInt(`0x${data.toString("hex", at, at + 32)}`);
};

const tail = (data: Buffer, at: number): [number, number] => {
  const offset = Number(word(data, at));
  const length = Number(word(data, offset));
  const start = offset + 32;
  if (start + length > data.length)
    throw new RangeError(`a dynamic value runs past the log data (${data.length} bytes)`);
  return [start, start + length];
};

/** A reader for the types viem decodes to plain values; undefined for the rest. */
function readerFor(type: string): WordReader | undefined {
  if (type === "address") {
    return (data, at) => {
      word(data, at);
      return getAddress(`0x${data.toString("hex", at + 12, at + 32)}`);
    };
  }
  if (type === "bool") return (data, at) => word(data, at) !== 0n;
  if (type === "bytes") return (data, at) => `0x${data.toString("hex", ...tail(data, at))}`;
  if (type === "string") return (data, at) => data.toString("utf8", ...tail(data, at));
  const fixed = /^bytes([1-9]|[12][0-9]|3[0-2])$/.exec(type);
  if (fixed) {
    const size = Number(fixed[1]);
    return (data, at) => {
      word(data, at);
      return `0x${data.toString("hex", at, at + size)}`;
    };
  }
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer) {
    const bits = Number(integer[2] || 256);
    const signed = integer[1] === "";
    // viem returns numbers for integers up to 48 bits, bigints above.
    return (data, at) => {
      const raw = word(data, at);
      const value = signed ? BigInt.asIntN(256, raw) : raw;
      return bits <= 48 ? Number(value) : value;
    };
  }
  return undefined;
}

/** A decoder for logs of `event`, with viem's result shape (args by name). */
export function eventDecoder(event: AbiEvent): EventDecoder {
  // Unnamed arguments (viem returns an array then) and anonymous events keep viem's general path.
  if (event.anonymous || event.inputs.some((input) => !input.name)) {
    return (topics, data) =>
      decodeEventLog({ abi: [event], topics: topics as [Hex, ...Hex[]], data }) as ReturnType<EventDecoder>;
  }
  const indexed = event.inputs.filter((input) => input.indexed);
  const plain = event.inputs.filter((input) => !input.indexed);
  const topicReaders = indexed.map((input) => (hashedWhenIndexed(input) ? undefined : readerFor(input.type)));
  const dataReaders = plain.map((input) => readerFor(input.type));
  const fast = dataReaders.every((reader) => reader !== undefined);
  return (topics, data) => {
    if (topics.length !== indexed.length + 1) {
      throw new Error(`${event.name} has ${indexed.length} indexed arguments, the log ${topics.length - 1} topics`);
    }
    const args: Record<string, unknown> = {};
    indexed.forEach((input, i) => {
      const topic = topics[i + 1] as Hex;
      const reader = topicReaders[i];
      args[input.name as string] = hashedWhenIndexed(input)
        ? topic
        : reader
          ? reader(hexToBytes(topic), 0)
          : decodeAbiParameters([input], topic)[0];
    });
    if (plain.length > 0) {
      const bytes = hexToBytes(data);
      const values = fast
        ? dataReaders.map((reader, i) => (reader as WordReader)(bytes, i * 32))
        : decodeAbiParameters(plain, bytes);
      plain.forEach((input, i) => {
        args[input.name as string] = values[i];
      });
    }
    // viem gives no args at all for an event without arguments.
    return { eventName: event.name, args: event.inputs.length === 0 ? undefined : args };
  };
}

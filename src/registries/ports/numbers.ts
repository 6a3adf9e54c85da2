// Numbers of a port as PortClearing has them: E.164 numbers as integers (1 to 15 digits), a range expanded to its
// numbers, the digest the contract binds a port's numbers with, and the whole blocks (10^k consecutive numbers
// under one prefix) the EIDL side ports as one prefix grant each.
import { concat, type Hex, keccak256, numberToHex } from "viem";

/** The first integer of 16 digits: an E.164 number is below it. */
export const E164_LIMIT = 10n ** 15n;

/** A range of a port request: `start + i * step` for i < count. */
export interface PortRange {
  start: string;
  count: number;
  step: number;
}

/** The range's numbers, as decimal strings. */
export function expandRange(range: PortRange): string[] {
  const start = BigInt(range.start);
  return Array.from({ length: range.count }, (_, i) => String(start + BigInt(i) * BigInt(range.step)));
}

/** keccak256(abi.encodePacked(uint64[] numbers)): each number as 32 bytes, as PortClearing digests them. */
export const numbersDigestOf = (numbers: readonly (string | bigint)[]): Hex =>
  keccak256(
    numbers.length === 0 ? "0x" : concat(numbers.map((n) => numberToHex(BigInt(n), { size: 32 }))),
  ).toLowerCase() as Hex;

/**
 * The numbers grouped into whole blocks: ten numbers (or blocks) covering numbers of one length that differ only in
 * their last digit become their common prefix, repeatedly, so a port of 13125550200..13125550299 is the one prefix
 * 131255502. A prefix that is also named as a number of its own stops its block from collapsing (it would name two
 * things).
 */
export function wholeBlocksOf(numbers: readonly string[]): string[] {
  return blocksOf(numbers).map((b) => b.prefix);
}

/** A whole block (or a single number) and the numbers of the list it covers. */
export interface NumberBlock {
  prefix: string;
  numbers: string[];
}

/** `wholeBlocksOf`, each block with the numbers it covers. */
export function blocksOf(numbers: readonly string[]): NumberBlock[] {
  let entries = new Map(numbers.map((n) => [n, { covered: n.length, numbers: [n] }]));
  for (;;) {
    const children = new Map<string, string[]>();
    for (const [entry, { covered }] of entries) {
      if (entry.length < 2) continue;
      const key = `${entry.slice(0, -1)}/${covered}`;
      const list = children.get(key) ?? [];
      list.push(entry);
      children.set(key, list);
    }
    const whole = [...children].filter(([key, list]) => list.length === 10 && !entries.has(key.split("/")[0] ?? ""));
    if (whole.length === 0) {
      return [...entries]
        .map(([prefix, e]) => ({ prefix, numbers: e.numbers.sort() }))
        .sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
    }
    const next = new Map(entries);
    for (const [key, list] of whole) {
      const [parent = "", covered] = key.split("/");
      next.set(parent, {
        covered: Number(covered),
        numbers: list.flatMap((child) => entries.get(child)?.numbers ?? []),
      });
      for (const child of list) next.delete(child);
    }
    entries = next;
  }
}

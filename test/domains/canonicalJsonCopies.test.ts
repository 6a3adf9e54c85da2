// The four domains that kept a hand-written canonical JSON (datausage fingerprints, IoT data hashes, STIR PASSporT
// signing input, settlement agreement terms) now use the core's RFC 8785 one. Their hashes are on chain, so the move
// is allowed only if both produce the same bytes for every value those domains hash: JSON values (objects, arrays,
// strings with any code point, integers and fractions, booleans, null, members set to undefined). This test keeps the
// old function as the reference and compares on 20,000 seeded random values and on hand-picked edge cases.
import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson } from "../../src/core/canonicalJson.ts";

/** The function the four domains had, verbatim. */
function handWritten(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(handWritten).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${handWritten(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** mulberry32: a small seeded generator, so a failing value can be made again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ["a", "B", "z", "0", "_", "é", "€", "\u0000", "\n", '"', "\\", "\u2028", "😀", "\ud800", "ß", "Ω"];

function randomString(next: () => number): string {
  let text = "";
  const length = Math.floor(next() * 8);
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

function randomNumber(next: () => number): number {
  const kind = Math.floor(next() * 5);
  if (kind === 0) return Math.floor(next() * 1e6) - 5e5;
  if (kind === 1) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
  if (kind === 2) return Number.MAX_SAFE_INTEGER - Math.floor(next() * 10);
  if (kind === 3) return -0;
  return Math.round(next() * 1e4) / 100;
}

function randomValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 3 ? 4 : 6));
  if (kind === 0) return randomString(next);
  if (kind === 1) return randomNumber(next);
  if (kind === 2) return next() < 0.5;
  if (kind === 3) return null;
  if (kind === 4) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  const size = Math.floor(next() * 5);
  for (let i = 0; i < size; i++) object[randomString(next)] = next() < 0.1 ? undefined : randomValue(next, depth + 1);
  return object;
}

test("the core's RFC 8785 canonical JSON equals the domains' former hand-written one on 20,000 random JSON values", () => {
  const next = random(20261201);
  for (let i = 0; i < 20_000; i++) {
    const value = randomValue(next, 0);
    assert.equal(canonicalJson(value), handWritten(value), `value #${i}: ${JSON.stringify(value)}`);
  }
});

test("and on edge cases: key order by UTF-16 code units, escapes, lone surrogates, numbers, undefined members", () => {
  const cases: unknown[] = [
    { b: 1, a: 2, A: 3, é: 4, "€": 5, "😀": 6, "\ufb01": 7 },
    { text: '\u0000\u001f"\\/\u2028\u2029\ud800\udfff' },
    [1e21, 1e-7, 0.1, -0, 5e-324, 1.7976931348623157e308, 123456789012345680000],
    { nested: { z: [{ y: null, x: true }], a: undefined } },
    "plain",
    42,
    [],
    {},
  ];
  for (const value of cases) assert.equal(canonicalJson(value), handWritten(value), JSON.stringify(value));
});

// THE PRIVACY TEST: take every on-chain record of a roaming run (all logs of the roaming contracts and the calldata
// of every transaction sent to them) and try to match it against an enumeration of a whole MSIN range of the home
// network (1,000,000 candidate IMSIs around the ones used), with every unkeyed derivation an attacker would try. It
// must find nothing. A positive control proves the matcher finds a derivation when one is there.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type Hex, hexToBytes, keccak256 } from "viem";

const keccak_256 = (bytes: Uint8Array) => keccak256(bytes, "bytes");

import { readManifest } from "../../src/core/chain/manifest.ts";
import {
  expectOk,
  imsiOf,
  NETWORKS,
  type RoamingConsortium,
  startRoamingConsortium,
  subscriber,
} from "../../testkit/roaming.ts";

const RANGE = 1_000_000;

/** Every unkeyed encoding of an IMSI an attacker could look for: raw forms and their SHA-256 / Keccak-256. */
function derivations(imsi: string): Buffer[] {
  const ascii = Buffer.from(imsi, "ascii");
  const tbcd = Buffer.alloc(8, 0xff); // 3GPP TS 29.002 TBCD: swapped nibbles, 0xF filler
  for (let i = 0; i < imsi.length; i++) {
    const d = imsi.charCodeAt(i) - 48;
    const byte = tbcd[i >> 1] as number;
    tbcd[i >> 1] = i % 2 === 0 ? (byte & 0xf0) | d : (byte & 0x0f) | (d << 4);
  }
  const uint = Buffer.alloc(8);
  uint.writeBigUInt64BE(BigInt(imsi));
  const msin = Buffer.from(imsi.slice(5), "ascii");
  const raw = [
    ascii,
    tbcd,
    uint,
    Buffer.from(ascii.toString("base64url"), "ascii"),
    Buffer.from(ascii.toString("hex"), "ascii"),
  ];
  const hashed = [ascii, tbcd, uint, msin].flatMap((b) => [
    createHash("sha256").update(b).digest(),
    Buffer.from(keccak_256(b)),
  ]);
  return [...raw, ...hashed];
}

/** Every window of the on-chain bytes with the lengths the derivations have. */
function windows(blob: Buffer, lengths: readonly number[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const len of lengths) {
    const set = new Set<string>();
    for (let i = 0; i + len <= blob.length; i++) set.add(blob.toString("latin1", i, i + len));
    out.set(len, set);
  }
  return out;
}

function search(blob: Buffer, candidates: Iterable<string>): string[] {
  const lengths = [...new Set(derivations("001020000000001").map((d) => d.length))];
  const index = windows(blob, lengths);
  const found: string[] = [];
  for (const imsi of candidates) {
    for (const d of derivations(imsi)) {
      if (index.get(d.length)?.has(d.toString("latin1"))) found.push(imsi);
    }
  }
  return found;
}

describe("privacy: nothing on chain lets a third party learn or test an IMSI", () => {
  let c: RoamingConsortium;
  const used: string[] = [];
  before(async () => {
    c = await startRoamingConsortium({ subscribers: 50 });
    await expectOk(
      c.op.south.call("PUT", "/v1/roaming/subscribers", {
        items: [subscriber(imsiOf(NETWORKS.south, 40), { status: "barred" })],
      }),
    );
    // A run with every kind of outcome: grants, refusals, an unknown subscriber, requests from two visited networks.
    for (const n of [1, 2, 3, 40, 77_777]) {
      for (const visited of ["north", "east"] as const) {
        const imsi = imsiOf(NETWORKS.south, n);
        used.push(imsi);
        const r = await expectOk<{ state: string }>(
          c.op[visited].call("POST", "/v1/roaming/attach", { imsi, waitMs: 15_000 }),
          201,
        );
        assert.notEqual(r.state, "queued");
      }
    }
    await c.op.north.call("GET", "/v1/roaming/sessions/stats");
  });
  after(async () => {
    await c?.stop();
  });

  it(`finds none of ${RANGE.toLocaleString()} candidate IMSIs in any log or calldata of the roaming contracts`, async () => {
    const manifest = await readManifest(c.manifestPath);
    const addresses = ["OperatorRegistry", "RoamingExchange"].map((n) => manifest.contracts[n]!.address.toLowerCase());
    const chain = c.op.north.agent.chain;
    const head = await chain.getBlockNumber();
    const logs = await chain.getLogs({ address: addresses as Hex[], fromBlock: 0n, toBlock: head });
    const parts: Buffer[] = [];
    let requests = 0;
    for (const log of logs) {
      parts.push(Buffer.from(hexToBytes(log.data)));
      for (const topic of log.topics) if (topic) parts.push(Buffer.from(hexToBytes(topic)));
    }
    for (let b = 0n; b <= head; b++) {
      const block = await chain.getBlock({ blockNumber: b, includeTransactions: true });
      for (const tx of block.transactions) {
        if (tx.to && addresses.includes(tx.to.toLowerCase())) {
          parts.push(Buffer.from(hexToBytes(tx.input)));
          requests++;
        }
      }
    }
    const blob = Buffer.concat(parts);
    assert.ok(requests >= 10 && logs.length >= 30, `a real run was recorded (${requests} txs, ${logs.length} logs)`);

    // The IMSIs of the run lie inside the enumerated range.
    const first = 0;
    const candidates = function* () {
      for (let msin = first; msin < first + RANGE; msin++) yield imsiOf(NETWORKS.south, msin);
    };
    for (const imsi of used) assert.ok(Number(imsi.slice(NETWORKS.south.length)) < first + RANGE);

    // Positive control: the same matcher finds an IMSI whose Keccak, TBCD or text form is in the data.
    const control = Buffer.concat([blob, Buffer.from(keccak_256(Buffer.from(used[0]!)))]);
    assert.deepEqual(search(control, [used[0]!, used[2]!]), [used[0]!]);
    const tbcdControl = Buffer.concat([blob, derivations(used[2]!)[1]!]);
    assert.deepEqual(search(tbcdControl, [used[0]!, used[2]!]), [used[2]!]);

    const found = search(blob, candidates());
    assert.deepEqual(found, [], `on-chain data matched candidate IMSIs: ${found.slice(0, 5).join(", ")}`);
  });
});

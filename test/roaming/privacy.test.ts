// THE PRIVACY TEST: take every on-chain record of a roaming run (every log of every contract, the calldata of every
// transaction and every storage slot those transactions touched, in the run's blocks) and try to learn something
// about the subscribers from it:
//   - match it against an enumeration of a whole MSIN range of the home network (1,000,000 candidate IMSIs around the
//     ones used), with every unkeyed derivation an attacker would try;
//   - read the outcome or the service set from a ciphertext's length (issue 11, item 1: answers had one length per
//     outcome);
//   - link two attaches of one IMSI through a 32-byte word both left on chain;
//   - find anything an attacker computes from public inputs alone (both operators' public keys, PLMNs, kids, the
//     request id), with or without an IMSI guess, e.g. a pairwise key derived without a private key.
// Each must find nothing; a positive control per check proves the matcher finds what it looks for.
import assert from "node:assert/strict";
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { decodeEventLog, type Hex, hexToBytes, keccak256, toHex } from "viem";
import { RoamingExchange } from "../../src/generated/contracts.ts";
import { ciphertextOf } from "../../src/roaming/ciphertexts.ts";
import { eventually } from "../../testkit/eventually.ts";
import {
  expectOk,
  imsiOf,
  NETWORKS,
  type OperatorName,
  type RoamingConsortium,
  startRoamingConsortium,
  subscriber,
} from "../../testkit/roaming.ts";

const keccak_256 = (bytes: Uint8Array) => keccak256(bytes, "bytes");
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest();
const hmac = (key: Uint8Array | string, data: Uint8Array | string) => createHmac("sha256", key).update(data).digest();

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
  const hashed = [ascii, tbcd, uint, msin].flatMap((b) => [sha256(b), Buffer.from(keccak_256(b))]);
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

/** A 32-byte secret as it could sit on chain: raw, or as hex or base64url text inside a string or a ciphertext. */
const encodings = (secret: Buffer) => [
  secret,
  Buffer.from(secret.toString("hex"), "ascii"),
  Buffer.from(secret.toString("base64url"), "ascii"),
];

/** Names of the `derived` values (each 32 bytes, in any of its encodings) found in the blob. */
function searchDerived(blob: Buffer, derived: ReadonlyMap<string, Buffer>): string[] {
  const index = windows(blob, [32, 43, 64]);
  return [...derived].flatMap(([name, secret]) =>
    encodings(secret).some((e) => index.get(e.length)?.has(e.toString("latin1"))) ? [name] : [],
  );
}

/** Everything a block range left on chain: as one blob, and as the 32-byte words of logs, calldata and storage. */
interface OnChain {
  blob: Buffer;
  words: Set<string>;
  txs: number;
  logs: Array<{ topics: Hex[]; data: Hex; address: string }>;
}

const wordsOf = (bytes: Uint8Array, from = 0) => {
  const out: string[] = [];
  for (let i = from; i + 32 <= bytes.length; i += 32) out.push(toHex(bytes.subarray(i, i + 32)));
  return out;
};

type Prestate = Record<string, { storage?: Record<string, Hex> }>;

async function onChain(c: RoamingConsortium, from: bigint, to: bigint): Promise<OnChain> {
  const chain = c.op.north.agent.chain;
  const parts: Buffer[] = [];
  const words = new Set<string>();
  const add = (hex: Hex, wordsFrom = 0) => {
    const bytes = hexToBytes(hex);
    parts.push(Buffer.from(bytes));
    for (const w of wordsOf(bytes, wordsFrom)) words.add(w);
  };
  // Every contract's logs, not only the roaming ones.
  const logs = await chain.getLogs({ fromBlock: from, toBlock: to });
  for (const log of logs) {
    add(log.data);
    for (const topic of log.topics) if (topic) add(topic);
  }
  let txs = 0;
  for (let b = from; b <= to; b++) {
    const block = await chain.getBlock({ blockNumber: b, includeTransactions: true });
    for (const tx of block.transactions) {
      txs++;
      add(tx.input, 4);
      // Every storage slot the transaction read or wrote (key and value before), and every value it wrote.
      for (const tracerConfig of [{ diffMode: false }, { diffMode: true }]) {
        const trace = (await chain.request({
          method: "debug_traceTransaction",
          params: [tx.hash, { tracer: "prestateTracer", tracerConfig }],
        } as never)) as Prestate | { pre: Prestate; post: Prestate };
        const states = tracerConfig.diffMode ? [(trace as { post: Prestate }).post] : [trace as Prestate];
        for (const state of states) {
          for (const account of Object.values(state)) {
            for (const [slot, value] of Object.entries(account.storage ?? {})) {
              add(slot as Hex);
              add(value);
            }
          }
        }
      }
    }
  }
  return {
    blob: Buffer.concat(parts),
    words,
    txs,
    logs: logs.map((l) => ({ topics: l.topics as Hex[], data: l.data, address: l.address })),
  };
}

interface Session {
  requestId: string;
  state: string;
  outcome: string | null;
  closingTx: string | null;
}

describe("privacy: nothing on chain lets a third party learn, test or link an IMSI", () => {
  let c: RoamingConsortium;
  let startBlock: bigint;
  const used: string[] = [];
  const attaches: Array<{ requestId: string; imsi: string; visited: OperatorName; outcome: string }> = [];
  /** Block ranges of two attaches of one IMSI (same1, same2) and of another IMSI between them (other). */
  const ranges: Record<"same1" | "same2" | "other", [bigint, bigint]> = {} as never;
  const ALL = ["voice", "sms", "data", "volte", "5g"];
  const SERVICE_SETS = [ALL, ["voice"], ["data", "5g"], ["sms", "volte", "voice"], []];

  const attach = async (visited: OperatorName, imsi: string, services?: string[]) => {
    const r = await expectOk<Session>(
      c.op[visited].call("POST", "/v1/roaming/attach", {
        imsi,
        waitMs: 15_000,
        ...(services === undefined ? {} : { services }),
      }),
      201,
    );
    assert.notEqual(r.state, "queued");
    used.push(imsi);
    attaches.push({ requestId: r.requestId, imsi, visited, outcome: r.outcome ?? "" });
    return r;
  };
  /** Attaches and waits until its last record (activation or refusal) is mined: the blocks it used. */
  const attachAlone = async (imsi: string): Promise<[bigint, bigint]> => {
    const chain = c.op.north.agent.chain;
    const from = (await chain.getBlockNumber()) + 1n;
    const { requestId } = await attach("north", imsi);
    await eventually(async () => {
      const s = await expectOk<Session>(c.op.north.call("GET", `/v1/roaming/sessions/${requestId}`));
      assert.ok(s.closingTx, `session ${requestId} has no closing record yet (${s.state})`);
    }, 20_000);
    const receipt = await chain.getTransactionReceipt({ hash: (await sessionOf(requestId)).closingTx as Hex });
    return [from, receipt.blockNumber];
  };
  const sessionOf = (id: string) => expectOk<Session>(c.op.north.call("GET", `/v1/roaming/sessions/${id}`));

  before(async () => {
    c = await startRoamingConsortium({ subscribers: 50 });
    await expectOk(
      c.op.south.call("PUT", "/v1/roaming/subscribers", {
        items: [
          subscriber(imsiOf(NETWORKS.south, 40), { status: "barred" }),
          subscriber(imsiOf(NETWORKS.south, 41), { status: "suspended" }),
          subscriber(imsiOf(NETWORKS.south, 42), { roamingAllowed: false }),
        ],
      }),
    );
    startBlock = (await c.op.north.agent.chain.getBlockNumber()) + 1n;
    // A run with every kind of outcome (grants, each refusal, an unknown subscriber), every kind of service set,
    // requests from two visited networks.
    let i = 0;
    for (const n of [1, 2, 3, 40, 41, 42, 77_777]) {
      for (const visited of ["north", "east"] as const) {
        await attach(visited, imsiOf(NETWORKS.south, n), SERVICE_SETS[i++ % SERVICE_SETS.length]);
      }
    }
    // No roaming agreement with east (for one request).
    const east = c.op.east.agent.config.memberAccount;
    await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { refusedVisitedOperators: [east] }));
    await attach("east", imsiOf(NETWORKS.south, 4));
    await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { refusedVisitedOperators: [] }));
    // One IMSI attaching twice through the same pair, another IMSI in between (so a counter the contract keeps
    // passes through the other attach's blocks too): each alone in its blocks.
    ranges.same1 = await attachAlone(imsiOf(NETWORKS.south, 5));
    ranges.other = await attachAlone(imsiOf(NETWORKS.south, 6));
    ranges.same2 = await attachAlone(imsiOf(NETWORKS.south, 5));
  });
  after(async () => {
    await c?.stop();
  });

  it(`finds none of ${RANGE.toLocaleString()} candidate IMSIs in any log, calldata or storage slot of the run`, async () => {
    const head = await c.op.north.agent.chain.getBlockNumber();
    const { blob, txs, logs } = await onChain(c, startBlock, head);
    assert.ok(
      txs >= 20 && logs.length >= 3 * attaches.length,
      `a real run was recorded (${txs} txs, ${logs.length} logs)`,
    );

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

  it("every request ciphertext has one length and every answer ciphertext another, whatever the services or outcome", async () => {
    // The run did cover every outcome and several service sets.
    const outcomes = new Set(attaches.map((a) => a.outcome));
    for (const o of [
      "activated",
      "home-unknown-subscriber",
      "home-barred",
      "home-suspended",
      "home-roaming-not-allowed",
      "home-no-agreement",
    ]) {
      assert.ok(outcomes.has(o), `the run has an attach with outcome ${o}: ${[...outcomes].join(", ")}`);
    }
    const head = await c.op.north.agent.chain.getBlockNumber();
    const { logs } = await onChain(c, startBlock, head);
    const lengths = { RequestSubmitted: new Map<number, number>(), AnswerSubmitted: new Map<number, number>() };
    for (const log of logs) {
      let decoded: { eventName: string; args: unknown };
      try {
        decoded = decodeEventLog({ abi: RoamingExchange.abi, topics: log.topics as never, data: log.data });
      } catch {
        continue;
      }
      if (decoded.eventName !== "RequestSubmitted" && decoded.eventName !== "AnswerSubmitted") continue;
      const map = lengths[decoded.eventName];
      const length = ciphertextOf(decoded.args as Record<string, unknown>).length;
      map.set(length, (map.get(length) ?? 0) + 1);
    }
    assert.equal(lengths.RequestSubmitted.size, 1, `request lengths: ${JSON.stringify([...lengths.RequestSubmitted])}`);
    assert.equal(lengths.AnswerSubmitted.size, 1, `answer lengths: ${JSON.stringify([...lengths.AnswerSubmitted])}`);
    const answers = [...lengths.AnswerSubmitted.values()].reduce((a, b) => a + b, 0);
    assert.equal(answers, attaches.length, "every attach of the run was answered on chain");
  });

  it("two attaches of one IMSI share no 32-byte word that an attach of another IMSI does not share too", async () => {
    const [s1, s2, o] = await Promise.all(
      [ranges.same1, ranges.same2, ranges.other].map(([from, to]) => onChain(c, from, to)),
    );
    // Words common to any two attaches of the pair (selectors, the operators' addresses, offsets, the pair's
    // storage) are no link; a word the two attaches of one IMSI share and the other IMSI's attach lacks would be.
    const linking = (a: Set<string>, b: Set<string>, control: Set<string>) =>
      [...a].filter((w) => b.has(w) && !control.has(w));
    assert.ok(s1!.txs >= 3 && s2!.txs >= 3 && o!.txs >= 3, "each attach left its request, answer and activation");
    // Positive control: a stable pseudonym in both attaches of the IMSI is found.
    const stable = toHex(sha256("stable pseudonym"));
    assert.deepEqual(linking(new Set([...s1!.words, stable]), new Set([...s2!.words, stable]), o!.words), [stable]);
    assert.deepEqual(linking(s1!.words, s2!.words, o!.words), [], "a word links two attaches of one IMSI");
  });

  it("nothing on chain is computable from public inputs (keys, PLMNs, kids, request ids), with or without the IMSI", async () => {
    const keysOf = async (name: OperatorName) => {
      const { items } = await expectOk<{ items: Array<{ kid: string; publicKeyHex: string }> }>(
        c.op[name].call("GET", "/v1/roaming/keys"),
      );
      return items;
    };
    const keys = { north: await keysOf("north"), south: await keysOf("south"), east: await keysOf("east") };
    const points = Object.values(keys)
      .flat()
      .map((k) => Buffer.from(k.publicKeyHex.slice(2), "hex"));
    const kids = Object.values(keys)
      .flat()
      .map((k) => k.kid);
    // Public byte strings an attacker holds, and their combinations as key material.
    const publics: Buffer[] = [
      ...points,
      ...points.map((p) => p.subarray(1, 33)),
      ...kids.map((k) => Buffer.from(k)),
      ...Object.values(NETWORKS).map((p) => Buffer.from(p)),
    ];
    for (const a of points) for (const b of points) if (a !== b) publics.push(Buffer.concat([a, b]));
    const derived = new Map<string, Buffer>();
    const salt = Buffer.from("telco-ledger/roaming/pairwise/v1");
    for (const [i, p] of publics.entries()) {
      derived.set(`sha256(public ${i})`, sha256(p));
      derived.set(`keccak(public ${i})`, Buffer.from(keccak_256(p)));
    }
    // A "pairwise key" derived without a private key, as a broken implementation would: HKDF over public material.
    const pairKeys = new Map<string, Buffer>();
    for (const [visited, home] of [
      ["north", "south"],
      ["east", "south"],
    ] as const) {
      for (const vk of keys[visited]) {
        for (const hk of keys[home]) {
          const info = `${NETWORKS[visited]}|${NETWORKS[home]}|${vk.kid}|${hk.kid}`;
          const ikms = [
            Buffer.alloc(0),
            Buffer.from(vk.publicKeyHex.slice(2) + hk.publicKeyHex.slice(2), "hex"),
            Buffer.from(hk.publicKeyHex.slice(2) + vk.publicKeyHex.slice(2), "hex"),
            Buffer.from(`${vk.kid}${hk.kid}`),
          ];
          for (const [j, ikm] of ikms.entries()) {
            pairKeys.set(`hkdf(${info}, ikm ${j})`, Buffer.from(hkdfSync("sha256", ikm, salt, info, 32)));
          }
          pairKeys.set(`sha256(${info})`, sha256(info));
        }
      }
    }
    for (const [name, key] of pairKeys) derived.set(name, key);
    // With the IMSI (an attacker's guess) and the request id: tags under those keys, and unkeyed combinations.
    for (const { requestId, imsi } of attaches) {
      const rid = Buffer.from(requestId.slice(2), "hex");
      for (const [name, key] of pairKeys) {
        derived.set(`tag(${name}, ${requestId})`, hmac(key, `request|${requestId}|${imsi}`));
        derived.set(`pseudonym(${name}, ${imsi})`, hmac(key, `subscriber|${imsi}`));
      }
      for (const [name, value] of [
        ["request|id|imsi", Buffer.from(`request|${requestId}|${imsi}`)],
        ["id||imsi", Buffer.concat([rid, Buffer.from(imsi)])],
        ["imsi||id", Buffer.concat([Buffer.from(imsi), rid])],
        ["id text + imsi", Buffer.from(`${requestId}${imsi}`)],
      ] as const) {
        derived.set(`sha256(${name}) ${requestId}`, sha256(value));
        derived.set(`keccak(${name}) ${requestId}`, Buffer.from(keccak_256(value)));
      }
      derived.set(`hmac(id, imsi) ${requestId}`, hmac(rid, imsi));
      derived.set(`hmac(imsi, id) ${requestId}`, hmac(imsi, rid));
    }

    const head = await c.op.north.agent.chain.getBlockNumber();
    const { blob } = await onChain(c, startBlock, head);
    // Positive control: a request tag under a public-only key, hex-encoded somewhere in the data, is found.
    const [controlName, controlValue] = [...derived].find(([n]) => n.startsWith("tag("))!;
    const control = Buffer.concat([blob, Buffer.from(controlValue.toString("hex"))]);
    assert.deepEqual(searchDerived(control, new Map([[controlName, controlValue]])), [controlName]);

    assert.ok(derived.size > 400, `${derived.size} derivations tried`);
    const found = searchDerived(blob, derived);
    assert.deepEqual(found, [], `on-chain data holds derivations of public inputs: ${found.slice(0, 5).join(", ")}`);
  });
});

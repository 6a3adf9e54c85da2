// TAP 3.12 / RAP import against independent reference decodings (test/fixtures/tap3, see its README), the
// invalid samples, damaged files, and the export round trip. No network, no chain: pure decoding.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { importTap, newSummary } from "../../src/settlement/tap/import.ts";
import { readRap } from "../../src/settlement/tap/rap.ts";
import { bytesSource, readTap } from "../../src/settlement/tap/reader.ts";
import { decodeTapTree, TapFormatError, type TapNode } from "../../src/settlement/tap/tree.ts";
import { exportTap, type TapExportBatch } from "../../src/settlement/tap/writer.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";
import { parseReference, type RefNode } from "./tapReference.ts";

const DIR = process.env.TAP3_TESTDATA ?? new URL("../fixtures/tap3", import.meta.url).pathname;
const VALID = [
  "tap_3_12_valid",
  "tap_3_12_valid_att",
  "sample-DataInterChange-1",
  "tap_notification",
  "rap_mini",
  "rap_ack",
];
const file = (name: string) => new Uint8Array(readFileSync(join(DIR, `${name}.ber`)));

/** Every element, offset, length and value the reference decoder printed, in order. */
function assertMatches(node: TapNode, ref: RefNode, path: string): void {
  const here = `${path}/${ref.name}`;
  assert.equal(node.name, ref.name, `element name at ${here}`);
  if (ref.offset !== undefined) assert.equal(node.offset, ref.offset, `offset of ${here}`);
  if (ref.length !== undefined && !node.indefinite) assert.equal(node.length, ref.length, `length of ${here}`);
  if (node.children) {
    assert.equal(node.children.length, ref.children.length, `number of children of ${here}`);
    for (const [i, c] of node.children.entries()) assertMatches(c, ref.children[i] as RefNode, here);
    return;
  }
  if (node.kind === "octets") assert.equal(node.hex, ref.hex, `content of ${here}`);
  else assert.equal(String(node.value), ref.text ?? "", `value of ${here}`);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<UsageRecord[]> {
  const out: UsageRecord[] = [];
  for await (const r of importTap(source)) out.push(r);
  return out;
}

async function rejection(bytes: Uint8Array | AsyncIterable<Uint8Array>): Promise<TapFormatError> {
  try {
    const source = bytes instanceof Uint8Array ? bytesSource(bytes, 3) : bytes;
    for await (const _ of importTap(source)) {
      // draining: the error comes from the stream
    }
  } catch (error) {
    assert.ok(error instanceof TapFormatError, `expected TapFormatError, got ${String(error)}`);
    return error;
  }
  assert.fail("the file was accepted");
}

describe("TAP 3.12 import: reference decodings", () => {
  for (const name of VALID) {
    it(`${name}: every element, offset, length and value equals the reference`, () => {
      const ref = parseReference(readFileSync(join(DIR, `${name}.reference.xml`), "utf8"));
      assertMatches(decodeTapTree(file(name)), ref, "");
    });
    it(`${name}: streamed in 1-byte chunks, the groups and records equal the whole-file decoding`, async () => {
      const tree = decodeTapTree(file(name));
      const expected = (tree.children ?? []).flatMap((c) =>
        c.name === "CallEventDetailList" ? (c.children ?? []) : [c],
      );
      const streamed: TapNode[] = [];
      for await (const e of readTap(bytesSource(file(name), 1))) {
        if (e.type === "group" || e.type === "record") streamed.push(e.node);
      }
      assert.deepEqual(streamed, expected);
    });
  }

  it("tap_3_12_valid: canonical records with UTC times, durations, volumes, location and the visited charge", async () => {
    const summary = newSummary();
    const records: UsageRecord[] = [];
    for await (const r of importTap(bytesSource(file("tap_3_12_valid")), summary)) records.push(r);
    assert.deepEqual(
      records.map((r) => [r.kind, r.startUtc, r.durationSeconds, r.charge]),
      [
        ["MTC", "2014-03-01T12:03:42Z", 153, 2300],
        ["MOC", "2014-03-01T13:02:00Z", 213, 2300],
        ["GPRS", "2014-03-01T13:08:00Z", 500, 66600],
        ["SUPPL", "2014-03-02T13:08:00Z", 0, 0],
      ],
    );
    const gprs = records[2] as UsageRecord;
    assert.equal(gprs.volumeIncomingBytes, 1_200_000_000);
    assert.equal(gprs.volumeOutgoingBytes, 2_200_000_000);
    assert.equal(gprs.apn, "foo.example.net");
    assert.equal(records[0]?.imsi, "133713371337133");
    assert.equal(records[0]?.recEntityId, "foo");
    assert.equal(records[0]?.locationArea, 3505);
    assert.equal(records[0]?.utcOffset, "+0200");
    assert.equal(summary.batch.currency, "EUR");
    assert.equal(summary.batch.tapDecimalPlaces, 3);
    // The README's note: the audit total (2300) is not the sum of the record charges.
    assert.deepEqual(summary.auditDiscrepancies, ["TotalCharge 2300 but the records sum to 71200"]);
  });

  it("the indefinite-length file (tap_3_12_valid_att) gives the same records as the definite one", async () => {
    const definite = await collect(bytesSource(file("tap_3_12_valid")));
    const indefinite = await collect(bytesSource(file("tap_3_12_valid_att"), 2));
    assert.deepEqual(indefinite, definite);
  });
});

describe("TAP 3.12 import: invalid files are rejected with the byte offset and the problem", () => {
  it("tap_3_12_trailing_eoc_invalid: the stray end-of-contents marker at byte 819", async () => {
    const error = await rejection(file("tap_3_12_trailing_eoc_invalid"));
    assert.equal(error.offset, 819);
    assert.match(
      error.message,
      /byte 819: a stray end-of-contents marker \(00 00\) after the end of the TransferBatch/,
    );
  });

  it("tap_3_12_negative_volume: the negative DataVolumeIncoming at byte 360 is not billed", async () => {
    const error = await rejection(file("tap_3_12_negative_volume"));
    assert.equal(error.offset, 360);
    assert.match(error.message, /DataVolumeIncoming is negative \(-2\)/);
  });

  it("sample-DataInterChange-1: decodes, but its MTC lacks the mandatory start time and is refused at byte 235", async () => {
    const error = await rejection(file("sample-DataInterChange-1"));
    assert.equal(error.offset, 235);
    assert.match(error.message, /MobileTerminatedCall has no start time stamp/);
  });

  it("a truncated file names where it ends", async () => {
    const error = await rejection(file("tap_3_12_valid").subarray(0, 400));
    assert.match(error.message, /ends inside/);
    assert.ok(error.offset >= 383 && error.offset <= 400, `offset ${error.offset}`);
  });

  it("a record whose length does not fit its content is refused at that record", async () => {
    const bytes = file("tap_3_12_valid").slice();
    bytes[384] = 0x7f; // MobileOriginatedCall at 383: length 123 -> 127, its children no longer line up
    const error = await rejection(bytes);
    assert.equal(error.offset, 383);
    assert.match(error.message, /BER decoding failed/);
  });

  it("a record whose length overruns the call event list is refused at that record", async () => {
    const bytes = file("tap_3_12_valid").slice();
    bytes[656] = 0x60; // SupplServiceEvent at 655, the list's last record: length 83 -> 96, past the list's end (740)
    const error = await rejection(bytes);
    assert.equal(error.offset, 655);
    assert.match(error.message, /overruns its enclosing element \(ends at 740\)/);
  });

  it("a universal tag where a TAP element must be is refused with its offset", async () => {
    const bytes = file("tap_3_12_valid").slice();
    bytes[258] = 0x30; // MobileTerminatedCall (APPLICATION 10, 6a) -> universal SEQUENCE
    const error = await rejection(bytes);
    assert.equal(error.offset, 258);
    assert.match(error.message, /TAP uses APPLICATION tags/);
  });

  it("a file that is not a batch is refused at byte 0", async () => {
    const error = await rejection(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05));
    assert.equal(error.offset, 0);
  });
});

/** The identifier octets of the element at `at` (tag numbers above 30 take several). */
function identifierLength(bytes: Uint8Array, at: number): number {
  if (((bytes[at] ?? 0) & 0x1f) !== 0x1f) return 1;
  let i = at + 1;
  while ((bytes[i] ?? 0) & 0x80) i++;
  return i - at + 1;
}

/** Re-encodes a decoded element with the indefinite length form on every constructed element, at every depth. */
function indefiniteEverywhere(bytes: Uint8Array, node: TapNode): Buffer {
  const end = node.offset + node.headerLength + node.length;
  if (!node.children) return Buffer.from(bytes.subarray(node.offset, end));
  const id = bytes.subarray(node.offset, node.offset + identifierLength(bytes, node.offset));
  const inner = node.children.map((c) => indefiniteEverywhere(bytes, c));
  return Buffer.concat([id, Uint8Array.of(0x80), ...inner, Uint8Array.of(0, 0)]);
}

/** A stream that counts how many chunks were pulled from it: the given bytes, then filler without end. */
function endless(bytes: Uint8Array, pulled: { chunks: number }): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      pulled.chunks++;
      yield bytes;
      for (;;) {
        pulled.chunks++;
        yield new Uint8Array(65536).fill(0x5f);
      }
    },
  };
}

describe("TAP 3.12 import: indefinite lengths inside the records", () => {
  const definite = file("tap_3_12_valid");
  const all = indefiniteEverywhere(definite, decodeTapTree(definite));

  it("every constructed element in the indefinite form (records, groups, their children) gives the same records", async () => {
    assert.ok(all.length > definite.length, "the re-encoded file is longer: two end-of-contents octets per element");
    const expected = await collect(bytesSource(definite));
    for (const chunk of [1, 3, 64, 65536])
      assert.deepEqual(await collect(bytesSource(all, chunk)), expected, `chunk ${chunk}`);
    const tree = decodeTapTree(all);
    assert.equal(tree.indefinite, true);
    const list = tree.children?.find((c) => c.name === "CallEventDetailList");
    assert.deepEqual(
      list?.children?.map((r) => [r.name, r.indefinite, r.children?.every((c) => c.indefinite)]),
      [
        ["MobileTerminatedCall", true, true],
        ["MobileOriginatedCall", true, true],
        ["GprsCall", true, true],
        ["SupplServiceEvent", true, true],
      ],
    );
  });

  it("streamed, an indefinite record's elements carry their offsets in the re-encoded file", async () => {
    const tree = decodeTapTree(all);
    const records: TapNode[] = [];
    for await (const e of readTap(bytesSource(all, 7))) if (e.type === "record") records.push(e.node);
    const list = tree.children?.find((c) => c.name === "CallEventDetailList");
    assert.deepEqual(records, list?.children);
    // Each record starts right after the previous one and its end-of-contents marker.
    for (let i = 1; i < records.length; i++) {
      const prev = records[i - 1] as TapNode;
      assert.equal((records[i] as TapNode).offset, prev.offset + prev.headerLength + prev.length + 2);
    }
  });

  it("a malformed indefinite record is refused at once, without reading the rest of the stream", async () => {
    const tree = decodeTapTree(all);
    const first = tree.children?.find((c) => c.name === "CallEventDetailList")?.children?.[0] as TapNode;
    // Its first primitive (an IMSI, deep inside) given the indefinite form, which BER forbids for a primitive.
    let leaf = first;
    while (leaf.children?.[0]) leaf = leaf.children[0];
    const bad = Buffer.from(all);
    const lengthAt = leaf.offset + identifierLength(bad, leaf.offset);
    bad[lengthAt] = 0x80;
    const pulled = { chunks: 0 };
    const error = await rejection(endless(bad.subarray(0, first.offset + 300), pulled));
    assert.equal(error.offset, first.offset);
    assert.match(error.message, /BER decoding failed: .*undefined length/);
    assert.ok(pulled.chunks <= 2, `pulled ${pulled.chunks} chunks`);
  });

  it("BER errors name offsets in the file, not in the record's bytes", async () => {
    const bytes = definite.slice();
    bytes[388] = 0x7f; // MoBasicCallInformation at 385 (7f 81 13, content from 389): length 50 -> 127, past the record
    const error = await rejection(bytes);
    assert.equal(error.offset, 383);
    assert.match(error.message, /Element at offset 389 has a length of 127, which runs past the end of its enclosing/);
  });
});

describe("TAP 3.12 export", () => {
  const batch: TapExportBatch = {
    sender: "WERFD",
    recipient: "XLKJE",
    fileSequenceNumber: "31707",
    currency: "EUR",
    tapDecimalPlaces: 3,
    utcOffsets: ["+0200"],
    recEntities: ["foo"],
    createdLocal: "20140301000000",
    createdOffset: "+0200",
  };

  it("round trip: export then import gives the same records, with matching audit totals", async () => {
    const records = await collect(bytesSource(file("tap_3_12_valid")));
    const chunks: Uint8Array[] = [];
    for await (const c of exportTap(records, batch)) chunks.push(c);
    const summary = newSummary();
    const back: UsageRecord[] = [];
    for await (const r of importTap(bytesSource(Buffer.concat(chunks), 5), summary)) back.push(r);
    assert.deepEqual(back, records);
    assert.deepEqual(summary.auditDiscrepancies, []);
    assert.equal(summary.batch.auditCount, 4);
  });

  it("refuses a record whose UTC offset is not in the batch's table", async () => {
    const records = await collect(bytesSource(file("tap_3_12_valid")));
    const wrong = { ...(records[0] as UsageRecord), utcOffset: "+0100" };
    await assert.rejects(async () => {
      for await (const _ of exportTap([wrong], batch)) {
        // drain
      }
    }, /UTC offset \+0100 not in the batch/);
  });
});

describe("RAP files", () => {
  it("rap_ack: the acknowledgement's sender, recipient, RAP sequence number and time stamps", async () => {
    const rap = await readRap(bytesSource(file("rap_ack")));
    assert.deepEqual(rap, {
      acknowledgement: {
        sender: "DGS01",
        recipient: "XYZ02",
        rapFileSequenceNumber: "123",
        created: { local: "20160501222324", utcOffset: "+0002" },
        available: { local: "20160501232324", utcOffset: "+0002" },
      },
    });
  });

  it("rap_mini: the returned batch's control information", async () => {
    const rap = await readRap(bytesSource(file("rap_mini")));
    assert.deepEqual(rap, {
      returnBatch: {
        sender: "ABC08",
        recipient: "DEF15",
        rapFileSequenceNumber: "00023",
        created: { local: "20160520101500", utcOffset: "-0200" },
        available: { local: "20160520101600", utcOffset: "-0200" },
        tapVersion: "3.12",
        rapVersion: "1.5",
        tapDecimalPlaces: null,
        tapCurrency: null,
        operatorSpec: [],
      },
      returns: [],
      otherReturns: [],
      audit: null,
    });
  });

  it("a TAP file is not a RAP file", async () => {
    await assert.rejects(readRap(bytesSource(file("tap_notification"))), /a Notification is not a RAP file/);
  });
});

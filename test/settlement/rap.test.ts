// RAP 1.5 generation (GSMA TD.32): returned records written as a ReturnBatch read back through rap.ts to the same
// values (records, reasons, error context and code, totals), the file decodes element by element with the TAP
// reader, and the acknowledgement writer reproduces the independent sample rap_ack.ber byte for byte.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type RapReturnBatch, readRap } from "../../src/settlement/tap/rap.ts";
import { RAP_RETURN_CODES, RETURN_REASONS } from "../../src/settlement/tap/rapCodes.ts";
import {
  collect,
  exportRap,
  type RapExportBatch,
  type RapReturn,
  rapAcknowledgement,
} from "../../src/settlement/tap/rapWriter.ts";
import { bytesSource } from "../../src/settlement/tap/reader.ts";
import { decodeTapTree, TapFormatError } from "../../src/settlement/tap/tree.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";

const DIR = process.env.TAP3_TESTDATA ?? new URL("../fixtures/tap3", import.meta.url).pathname;

const base: UsageRecord = {
  ref: "NORTH-SOUTH-00007-2",
  kind: "MOC",
  sender: "NORTH",
  recipient: "SOUTH",
  imsi: "262011234567890",
  msisdn: "491701234567",
  startLocal: "20260301120000",
  utcOffset: "+0100",
  startUtc: "2026-03-01T11:00:00Z",
  durationSeconds: 61,
  volumeIncomingBytes: 0,
  volumeOutgoingBytes: 0,
  calledNumber: "4412345678",
  serviceCode: "11",
  apn: null,
  recEntityId: "msc-1",
  locationArea: 1001,
  cellId: 17,
  charge: 240,
  chargeDecimals: 2,
  currency: "EUR",
};

const RECORDS: UsageRecord[] = [
  base,
  {
    ...base,
    ref: "r-2",
    kind: "MTC",
    msisdn: null,
    startLocal: "20260301141500",
    utcOffset: "+0200",
    startUtc: "2026-03-01T12:15:00Z",
    durationSeconds: 153,
    charge: 26,
  },
  {
    ...base,
    ref: "NORTH-SOUTH-00008-0",
    kind: "GPRS",
    msisdn: null,
    calledNumber: null,
    serviceCode: null,
    apn: "internet",
    volumeIncomingBytes: 1_048_576,
    volumeOutgoingBytes: 2048,
    durationSeconds: 600,
    recEntityId: "ggsn-2",
    charge: 2,
  },
  { ...base, ref: "r-4", kind: "SMS_MO", calledNumber: "4477", serviceCode: "22", durationSeconds: 0, charge: 8 },
  {
    ...base,
    ref: "r-5",
    kind: "SUPPL",
    calledNumber: null,
    serviceCode: "21",
    durationSeconds: 0,
    recEntityId: null,
    locationArea: null,
    cellId: null,
    charge: 5,
  },
  { ...base, ref: "r-6", charge: 240 },
];
const RETURNS: RapReturn[] = RECORDS.map((record, i) => ({
  record,
  reason: RETURN_REASONS[i] as RapReturn["reason"],
  notes: [`dispute:0x${String(i).repeat(4)}`],
}));
const BATCH: RapExportBatch = {
  sender: "SOUTH",
  recipient: "NORTH",
  rapFileSequenceNumber: "00042",
  createdLocal: "20260405103000",
  createdOffset: "+0000",
  tapDecimalPlaces: 2,
  tapCurrency: "EUR",
};

async function written(returns = RETURNS, batch = BATCH): Promise<Uint8Array> {
  return collect(exportRap(returns, batch));
}

describe("RAP return batches", () => {
  it("reads back every returned record, its reason and notes, and the batch's control and audit totals", async () => {
    const rap = (await readRap(bytesSource(await written(), 7))) as RapReturnBatch;
    assert.deepEqual(rap.returnBatch, {
      sender: "SOUTH",
      recipient: "NORTH",
      rapFileSequenceNumber: "00042",
      created: { local: "20260405103000", utcOffset: "+0000" },
      available: { local: "20260405103000", utcOffset: "+0000" },
      tapVersion: "3.12",
      rapVersion: "1.5",
      tapDecimalPlaces: 2,
      tapCurrency: "EUR",
      operatorSpec: ["tables:utc=+0100,+0200;rec=ggsn-2,msc-1"],
    });
    assert.equal(rap.returns.length, RECORDS.length);
    for (const [i, back] of rap.returns.entries()) {
      assert.deepEqual(back.record, RECORDS[i], `record ${i} reads back the same`);
      assert.equal(back.reason, RETURN_REASONS[i]);
      assert.deepEqual(back.notes, [`dispute:0x${String(i).repeat(4)}`]);
      assert.equal(back.errors[0]?.errorCode, RAP_RETURN_CODES[RETURN_REASONS[i] as RapReturn["reason"]].errorCode);
    }
    assert.deepEqual(
      rap.returns.map((r) => r.fileSequenceNumber),
      ["00007", "00000", "00008", "00000", "00000", "00000"],
      "the TAP file a record came in, when its reference names it",
    );
    assert.deepEqual(rap.audit, {
      totalSevereReturnValue: RECORDS.reduce((s, r) => s + r.charge, 0),
      returnDetailsCount: RECORDS.length,
    });
    assert.deepEqual(rap.otherReturns, []);
  });

  it("points the error context at the element in error: the Charge for a wrong rate, the IMSI for another subscriber", async () => {
    const rap = (await readRap(bytesSource(await written()))) as RapReturnBatch;
    const path = (i: number) =>
      rap.returns[i]?.errors[0]?.context.map((c) => `${c.level}:${c.item}:${c.occurrence ?? ""}`);
    // Duplicate on the MOC that was record 3 (index 2) of TAP file 00007: the call event.
    assert.deepEqual(path(0), ["1:TransferBatch:", "2:CallEventDetailList:", "3:MobileOriginatedCall:3"]);
    // WrongRate on the GPRS call that was record 1 of TAP file 00008: down to its Charge.
    assert.deepEqual(path(2), [
      "1:TransferBatch:",
      "2:CallEventDetailList:",
      "3:GprsCall:1",
      "4:GprsServiceUsed:",
      "5:ChargeInformationList:",
      "6:ChargeInformation:1",
      "7:ChargeDetailList:",
      "8:ChargeDetail:1",
      "9:Charge:",
    ]);
    // OutsideAgreement on an MTC whose file is unknown: the call event, no occurrence.
    assert.deepEqual(path(1), ["1:TransferBatch:", "2:CallEventDetailList:", "3:MobileTerminatedCall:"]);
    // NotOurSubscriber on the SUPPL record: the IMSI.
    assert.deepEqual(path(4), [
      "1:TransferBatch:",
      "2:CallEventDetailList:",
      "3:SupplServiceEvent:",
      "4:ChargeableSubscriber:",
      "5:SimChargeableSubscriber:",
      "6:Imsi:",
    ]);
  });

  it("decodes element by element with the TAP reader: control, return list, audit control", async () => {
    const tree = decodeTapTree(await written());
    assert.equal(tree.name, "ReturnBatch");
    assert.equal(tree.indefinite, true);
    assert.deepEqual(
      tree.children?.map((c) => c.name),
      ["RapBatchControlInfo", "ReturnDetailList", "RapAuditControlInfo"],
    );
    const list = tree.children?.[1];
    assert.deepEqual(
      list?.children?.map((c) => c.children?.map((g) => g.name).join(",")),
      [
        "FileSequenceNumber,MobileOriginatedCall,ErrorDetailList,OperatorSpecList",
        "FileSequenceNumber,MobileTerminatedCall,ErrorDetailList,OperatorSpecList",
        "FileSequenceNumber,GprsCall,ErrorDetailList,OperatorSpecList",
        "FileSequenceNumber,MobileOriginatedCall,ErrorDetailList,OperatorSpecList",
        "FileSequenceNumber,SupplServiceEvent,ErrorDetailList,OperatorSpecList",
        "FileSequenceNumber,MobileOriginatedCall,ErrorDetailList,OperatorSpecList",
      ],
    );
    assert.ok(list?.children?.every((c) => c.name === "SevereReturn"));
  });

  it("reads the control information of the independent sample rap_mini as its reference decoding", async () => {
    const rap = (await readRap(bytesSource(readFileSync(`${DIR}/rap_mini.ber`)))) as RapReturnBatch;
    assert.equal(rap.returnBatch.sender, "ABC08");
    assert.equal(rap.returnBatch.rapFileSequenceNumber, "00023");
    assert.deepEqual(rap.returns, []);
    assert.equal(rap.audit, null);
  });

  it("refuses what it cannot write, and a return without its error detail", async () => {
    await assert.rejects(written([]), /at least one returned record/);
    await assert.rejects(
      written([{ record: { ...base, chargeDecimals: 3 }, reason: "WrongRate" }]),
      /charges in EUR with 3 decimals, the batch in EUR with 2/,
    );
    // Drop the ErrorDetailList from a written file: the reader names the SevereReturn's offset.
    const bytes = Buffer.from(await written([RETURNS[0] as RapReturn]));
    const at = bytes.indexOf(Buffer.from([0x7f, 0x84, 0x08])); // [APPLICATION 520] ErrorDetailList
    assert.ok(at > 0);
    const length = (bytes[at + 3] ?? 0) + 4;
    const patched = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
    // The SevereReturn's own length shrinks by the same number of bytes.
    const severe = patched.indexOf(Buffer.from([0x7f, 0x84, 0x1c])); // [APPLICATION 540]
    const lengthOctets = (patched[severe + 3] ?? 0) & 0x7f;
    const old = patched.readUIntBE(severe + 4, lengthOctets);
    patched.writeUIntBE(old - length, severe + 4, lengthOctets);
    await assert.rejects(readRap(bytesSource(patched)), (e: unknown) => {
      assert.ok(e instanceof TapFormatError);
      assert.equal(e.offset, severe);
      assert.match(e.problem, /SevereReturn has no ErrorDetail/);
      return true;
    });
  });
});

describe("RAP acknowledgements", () => {
  it("writes the acknowledgement of the sample rap_ack.ber byte for byte", () => {
    const ack = rapAcknowledgement({
      sender: "DGS01",
      recipient: "XYZ02",
      rapFileSequenceNumber: "123",
      createdLocal: "20160501222324",
      createdOffset: "+0002",
      availableLocal: "20160501232324",
      availableOffset: "+0002",
    });
    assert.deepEqual(Buffer.from(ack), readFileSync(`${DIR}/rap_ack.ber`));
  });

  it("acknowledges a written return batch: sender and recipient swapped, its RAP sequence number", async () => {
    const rap = (await readRap(bytesSource(await written()))) as RapReturnBatch;
    const ack = rapAcknowledgement({
      sender: rap.returnBatch.recipient,
      recipient: rap.returnBatch.sender,
      rapFileSequenceNumber: rap.returnBatch.rapFileSequenceNumber,
      createdLocal: "20260406090000",
      createdOffset: "+0000",
    });
    assert.deepEqual(await readRap(bytesSource(ack)), {
      acknowledgement: {
        sender: "NORTH",
        recipient: "SOUTH",
        rapFileSequenceNumber: "00042",
        created: { local: "20260406090000", utcOffset: "+0000" },
        available: { local: "20260406090000", utcOffset: "+0000" },
      },
    });
  });
});

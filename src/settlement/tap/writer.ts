// Canonical usage records -> a TAP 3.12 TransferBatch in BER, streamed: the batch and its call event list use the
// indefinite length form (as streaming TAP writers do), so records are written as they come, each encoded by asn1js.
// Importing the output gives back the same records (test/settlement/tap.test.ts round-trips it).
import * as asn1js from "asn1js";
import type { UsageRecord } from "../usage/record.ts";
import { tagOf } from "./tags.ts";

export interface TapExportBatch {
  sender: string;
  recipient: string;
  fileSequenceNumber: string;
  currency: string;
  tapDecimalPlaces: number;
  /** Every UTC offset the records use (the NetworkInfo table precedes the records). */
  utcOffsets: string[];
  /** Every recording entity id the records use. */
  recEntities: string[];
  /** Creation time stamp of the file, CCYYMMDDhhmmss and offset. */
  createdLocal: string;
  createdOffset: string;
}

export type Node = asn1js.Constructed | asn1js.Primitive;

function app(name: string) {
  return { tagClass: 2, tagNumber: tagOf(name) };
}

export function seq(name: string, children: Array<Node | null>, indefinite = false): asn1js.Constructed {
  return new asn1js.Constructed({
    idBlock: app(name),
    lenBlock: { isIndefiniteForm: indefinite },
    value: children.filter((c): c is Node => c !== null),
  });
}

export function ascii(name: string, value: string | null): asn1js.Primitive | null {
  if (value === null) return null;
  return new asn1js.Primitive({ idBlock: app(name), valueHex: new Uint8Array(Buffer.from(value, "latin1")) });
}

export function integer(name: string, value: number | null): asn1js.Primitive | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value)) throw new Error(`${name} ${value} is not an integer`);
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(((v % 256) + 256) % 256);
    v = Math.floor(v / 256);
  } while (!(v === 0 && ((bytes[0] ?? 0) & 0x80) === 0) && !(v === -1 && ((bytes[0] ?? 0) & 0x80) !== 0));
  return new asn1js.Primitive({ idBlock: app(name), valueHex: new Uint8Array(bytes) });
}

function bcd(name: string, digits: string | null): asn1js.Primitive | null {
  if (digits === null) return null;
  if (!/^[0-9a-e]*$/i.test(digits)) throw new Error(`${name} must be BCD digits, got ${digits}`);
  const padded = digits.length % 2 ? `${digits}f` : digits;
  return new asn1js.Primitive({ idBlock: app(name), valueHex: new Uint8Array(Buffer.from(padded, "hex")) });
}

export function longTime(name: string, local: string, offset: string): asn1js.Constructed {
  return seq(name, [ascii("LocalTimeStamp", local), ascii("UtcTimeOffset", offset)]);
}

/** The encoder's view of a batch's code tables (the RAP writer builds its own from the returned records). */
export class Tables {
  private readonly offsets: Map<string, number>;
  private readonly entities: Map<string, number>;
  constructor(batch: Pick<TapExportBatch, "utcOffsets" | "recEntities">) {
    this.offsets = new Map(batch.utcOffsets.map((o, i) => [o, i + 1]));
    this.entities = new Map(batch.recEntities.map((e, i) => [e, i + 1]));
  }
  offsetCode(record: UsageRecord): number {
    const code = this.offsets.get(record.utcOffset);
    if (code === undefined) throw new Error(`record ${record.ref}: UTC offset ${record.utcOffset} not in the batch`);
    return code;
  }
  entityCode(record: UsageRecord): number | null {
    if (record.recEntityId === null) return null;
    const code = this.entities.get(record.recEntityId);
    if (code === undefined) throw new Error(`record ${record.ref}: entity ${record.recEntityId} not in the batch`);
    return code;
  }
}

function chargeInformation(record: UsageRecord, item: string): asn1js.Constructed {
  return seq("ChargeInformationList", [
    seq("ChargeInformation", [
      ascii("ChargedItem", item),
      seq("ChargeDetailList", [seq("ChargeDetail", [ascii("ChargeType", "00"), integer("Charge", record.charge)])]),
    ]),
  ]);
}

function subscriber(record: UsageRecord): asn1js.Constructed {
  return seq("ChargeableSubscriber", [
    seq("SimChargeableSubscriber", [bcd("Imsi", record.imsi), bcd("Msisdn", record.msisdn)]),
  ]);
}

function startTime(record: UsageRecord, tables: Tables, name = "CallEventStartTimeStamp"): asn1js.Constructed {
  return seq(name, [
    ascii("LocalTimeStamp", record.startLocal),
    integer("UtcTimeOffsetCode", tables.offsetCode(record)),
  ]);
}

function networkLocation(record: UsageRecord, tables: Tables): asn1js.Constructed {
  return seq("LocationInformation", [
    seq("NetworkLocation", [
      integer("RecEntityCode", tables.entityCode(record)),
      integer("LocationArea", record.locationArea),
      integer("CellId", record.cellId),
    ]),
  ]);
}

/** One canonical record as its TAP call event element. A wholesale VOICE CDR has no TAP record of its own: it is
 * written as a mobile originated call (and reads back as MOC). */
export function encodeRecord(record: UsageRecord, tables: Tables): Node {
  switch (record.kind) {
    case "MOC":
    case "MTC":
    case "SMS_MO":
    case "SMS_MT":
    case "VOICE": {
      const mo = record.kind !== "MTC" && record.kind !== "SMS_MT";
      const party = mo
        ? seq("Destination", [bcd("CalledNumber", record.calledNumber)])
        : seq("CallOriginator", [bcd("CallingNumber", record.calledNumber)]);
      return seq(mo ? "MobileOriginatedCall" : "MobileTerminatedCall", [
        seq(mo ? "MoBasicCallInformation" : "MtBasicCallInformation", [
          subscriber(record),
          record.calledNumber === null ? null : party,
          startTime(record, tables),
          integer("TotalCallEventDuration", record.durationSeconds),
        ]),
        networkLocation(record, tables),
        seq("BasicServiceUsedList", [
          seq("BasicServiceUsed", [
            seq("BasicService", [seq("BasicServiceCode", [ascii("TeleServiceCode", record.serviceCode ?? "11")])]),
            chargeInformation(record, "D"),
          ]),
        ]),
      ]);
    }
    case "GPRS": {
      const code = tables.entityCode(record);
      return seq("GprsCall", [
        seq("GprsBasicCallInformation", [
          seq("GprsChargeableSubscriber", [subscriber(record)]),
          record.apn === null ? null : seq("GprsDestination", [ascii("AccessPointNameNI", record.apn)]),
          startTime(record, tables),
          integer("TotalCallEventDuration", record.durationSeconds),
          integer("ChargingId", 0),
        ]),
        seq("GprsLocationInformation", [
          seq("GprsNetworkLocation", [
            code === null ? null : seq("RecEntityCodeList", [integer("RecEntityCode", code)]),
            integer("LocationArea", record.locationArea),
            integer("CellId", record.cellId),
          ]),
        ]),
        seq("GprsServiceUsed", [
          integer("DataVolumeIncoming", record.volumeIncomingBytes),
          integer("DataVolumeOutgoing", record.volumeOutgoingBytes),
          chargeInformation(record, "X"),
        ]),
      ]);
    }
    case "SUPPL":
      return seq("SupplServiceEvent", [
        subscriber(record),
        networkLocation(record, tables),
        seq("SupplServiceUsed", [
          ascii("SupplServiceCode", record.serviceCode),
          integer("SupplServiceActionCode", 1),
          startTime(record, tables, "ChargingTimeStamp"),
          seq("ChargeInformation", [
            ascii("ChargedItem", "E"),
            seq("ChargeDetailList", [
              seq("ChargeDetail", [ascii("ChargeType", "00"), integer("Charge", record.charge)]),
            ]),
          ]),
        ]),
      ]);
  }
}

export function ber(node: Node): Uint8Array {
  return new Uint8Array(node.toBER());
}

/** Writes the batch: header groups, the records as they come, then audit control with their count and total. */
export async function* exportTap(
  records: AsyncIterable<UsageRecord> | Iterable<UsageRecord>,
  batch: TapExportBatch,
): AsyncGenerator<Uint8Array> {
  const tables = new Tables(batch);
  const created = longTime("FileCreationTimeStamp", batch.createdLocal, batch.createdOffset);
  // The two containers are open (indefinite length): identifier octets then 0x80, closed by 00 00 at the end.
  yield Uint8Array.of(0x61, 0x80);
  yield ber(
    seq("BatchControlInfo", [
      ascii("Sender", batch.sender),
      ascii("Recipient", batch.recipient),
      ascii("FileSequenceNumber", batch.fileSequenceNumber),
      created,
      longTime("TransferCutOffTimeStamp", batch.createdLocal, batch.createdOffset),
      longTime("FileAvailableTimeStamp", batch.createdLocal, batch.createdOffset),
      integer("SpecificationVersionNumber", 3),
      integer("ReleaseVersionNumber", 12),
    ]),
  );
  yield ber(
    seq("AccountingInfo", [
      ascii("LocalCurrency", batch.currency),
      integer("TapDecimalPlaces", batch.tapDecimalPlaces),
    ]),
  );
  yield ber(
    seq("NetworkInfo", [
      seq(
        "UtcTimeOffsetInfoList",
        batch.utcOffsets.map((o, i) =>
          seq("UtcTimeOffsetInfo", [integer("UtcTimeOffsetCode", i + 1), ascii("UtcTimeOffset", o)]),
        ),
      ),
      batch.recEntities.length === 0
        ? null
        : seq(
            "RecEntityInfoList",
            batch.recEntities.map((e, i) =>
              seq("RecEntityInformation", [
                integer("RecEntityCode", i + 1),
                integer("RecEntityType", 1),
                ascii("RecEntityId", e),
              ]),
            ),
          ),
    ]),
  );
  yield Uint8Array.of(0x63, 0x80);
  let count = 0;
  let total = 0;
  for await (const record of records) {
    count++;
    total += record.charge;
    yield ber(encodeRecord(record, tables));
  }
  yield Uint8Array.of(0, 0);
  yield auditControlInfo(count, total);
  yield Uint8Array.of(0, 0);
}

/** The AuditControlInfo group closing a batch of `count` records charging `total`. */
export function auditControlInfo(count: number, total: number): Uint8Array {
  return ber(
    seq("AuditControlInfo", [
      integer("TotalCharge", total),
      integer("TotalTaxValue", 0),
      integer("TotalDiscountValue", 0),
      integer("CallEventDetailsCount", count),
    ]),
  );
}

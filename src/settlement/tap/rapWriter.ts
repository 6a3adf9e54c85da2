// Returned records -> a RAP 1.5 ReturnBatch (GSMA TD.32) in BER, and the Acknowledgement of a received RAP file.
// Each returned record is a SevereReturn: the TAP file sequence number it came in, the call event re-encoded as in TAP
// (writer.ts), an ErrorDetail whose ErrorContext leads from the TransferBatch to the element in error with the code
// of rapCodes.ts, and OperatorSpecInformation with the record's reference and the reason. The call events' UTC offset
// and recording entity codes refer to a code table, which a RAP file has no place for (it refers to the TAP file's);
// the agent keeps canonical records, not the original file, so the writer numbers its own table and states it in the
// batch control's OperatorSpecList (`tables:utc=+0100,+0200;rec=msc-1`), and rap.ts reads the file on its own.
// Encoded with asn1js like the TAP writer: the batch and its return list are open (indefinite length) containers.
import type * as asn1js from "asn1js";
import type { UsageRecord } from "../usage/record.ts";
import { RAP_RETURN_CODES, type ReturnReason } from "./rapCodes.ts";
import { tagInfo, tagOf } from "./tags.ts";
import { ascii, ber, encodeRecord, integer, longTime, type Node, seq, Tables } from "./writer.ts";

export interface RapReturn {
  record: UsageRecord;
  reason: ReturnReason;
  /** Further OperatorSpecInformation for the visited operator (e.g. the dispute id); plain ASCII. */
  notes?: string[];
}

export interface RapExportBatch {
  /** The home operator, returning records (the TAP files' recipient). */
  sender: string;
  /** The visited operator that sent them. */
  recipient: string;
  rapFileSequenceNumber: string;
  /** CCYYMMDDhhmmss and its UTC offset; the file is available when created. */
  createdLocal: string;
  createdOffset: string;
  tapDecimalPlaces: number;
  tapCurrency: string;
}

export const RAP_VERSION = { specification: 1, release: 5 } as const;
const TAP_VERSION = { specification: 3, release: 12 } as const;
const TABLES_PREFIX = "tables:";

/** `tables:utc=+0100,+0200;rec=msc-1`: the code tables the returned call events use (codes from 1 in list order). */
export function tablesSpec(utcOffsets: string[], recEntities: string[]): string {
  return `${TABLES_PREFIX}utc=${utcOffsets.join(",")};rec=${recEntities.join(",")}`;
}

export function parseTablesSpec(spec: readonly string[]): { utcOffsets: string[]; recEntities: string[] } | null {
  const line = spec.find((s) => s.startsWith(TABLES_PREFIX));
  if (!line) return null;
  const parts = new Map(
    line
      .slice(TABLES_PREFIX.length)
      .split(";")
      .map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)] as const),
  );
  const list = (key: string) => (parts.get(key) ? (parts.get(key) as string).split(",") : []);
  return { utcOffsets: list("utc"), recEntities: list("rec") };
}

/** The TAP file sequence number and position a record's reference names (`SENDR-RECPT-00001-3`), if it names them. */
export function tapOrigin(ref: string): { fileSequenceNumber: string; index: number } | null {
  const m = /-(\d{5})-(\d+)$/.exec(ref);
  return m ? { fileSequenceNumber: m[1] as string, index: Number(m[2]) } : null;
}

interface ContextItem {
  tag: number;
  occurrence: number | null;
}

/** The path of [APPLICATION n] tags from a call event to the first element named `target`, with the occurrence of
 * each element that is one of a list (1-based). */
function pathTo(node: asn1js.AsnType, target: string, occurrence: number | null): ContextItem[] | null {
  const here: ContextItem = { tag: node.idBlock.tagNumber, occurrence };
  if (tagInfo(node.idBlock.tagNumber).name === target) return [here];
  if (!node.idBlock.isConstructed) return null;
  const isList = tagInfo(node.idBlock.tagNumber).name.endsWith("List");
  const children = (node as asn1js.Constructed).valueBlock.value;
  for (const [i, c] of children.entries()) {
    const rest = pathTo(c, target, isList ? i + 1 : null);
    if (rest) return [here, ...rest];
  }
  return null;
}

function errorDetail(event: Node, reason: ReturnReason, eventOccurrence: number | null): asn1js.Constructed {
  const code = RAP_RETURN_CODES[reason];
  const inEvent = (code.element && pathTo(event, code.element, eventOccurrence)) || [
    { tag: event.idBlock.tagNumber, occurrence: eventOccurrence },
  ];
  const path: ContextItem[] = [
    { tag: tagOf("TransferBatch"), occurrence: null },
    { tag: tagOf("CallEventDetailList"), occurrence: null },
    ...inEvent,
  ];
  return seq("ErrorDetailList", [
    seq("ErrorDetail", [
      seq(
        "ErrorContextList",
        path.map((item, level) =>
          seq("ErrorContext", [
            integer("PathItemId", item.tag),
            integer("ItemOccurrence", item.occurrence),
            integer("ItemLevel", level + 1),
          ]),
        ),
      ),
      integer("ErrorCode", code.errorCode),
    ]),
  ]);
}

function operatorSpec(lines: string[]): asn1js.Constructed {
  for (const line of lines) {
    if (!/^[\x20-\x7e]*$/.test(line)) throw new Error(`OperatorSpecInformation must be printable ASCII: ${line}`);
  }
  return seq(
    "OperatorSpecList",
    lines.map((l) => ascii("OperatorSpecInformation", l)),
  );
}

/** Writes the return batch: control information, one SevereReturn per returned record, audit control. */
export async function* exportRap(returns: readonly RapReturn[], batch: RapExportBatch): AsyncGenerator<Uint8Array> {
  if (returns.length === 0) throw new Error("a RAP return batch needs at least one returned record");
  for (const { record } of returns) {
    if (record.chargeDecimals !== batch.tapDecimalPlaces || record.currency !== batch.tapCurrency) {
      throw new Error(
        `record ${record.ref} charges in ${record.currency} with ${record.chargeDecimals} decimals, the batch in ${batch.tapCurrency} with ${batch.tapDecimalPlaces}`,
      );
    }
  }
  const utcOffsets = [...new Set(returns.map((r) => r.record.utcOffset))].sort();
  const recEntities = [
    ...new Set(returns.flatMap((r) => (r.record.recEntityId === null ? [] : [r.record.recEntityId]))),
  ].sort();
  const tables = new Tables({ utcOffsets, recEntities });
  yield Uint8Array.of(0x7f, 0x84, 0x16, 0x80); // [APPLICATION 534] ReturnBatch, open
  yield ber(
    seq("RapBatchControlInfo", [
      ascii("Sender", batch.sender),
      ascii("Recipient", batch.recipient),
      ascii("RapFileSequenceNumber", batch.rapFileSequenceNumber),
      longTime("RapFileCreationTimeStamp", batch.createdLocal, batch.createdOffset),
      longTime("RapFileAvailableTimeStamp", batch.createdLocal, batch.createdOffset),
      integer("TapDecimalPlaces", batch.tapDecimalPlaces),
      ascii("TapCurrency", batch.tapCurrency),
      integer("SpecificationVersionNumber", TAP_VERSION.specification),
      integer("ReleaseVersionNumber", TAP_VERSION.release),
      integer("RapSpecificationVersionNumber", RAP_VERSION.specification),
      integer("RapReleaseVersionNumber", RAP_VERSION.release),
      operatorSpec([tablesSpec(utcOffsets, recEntities)]),
    ]),
  );
  yield Uint8Array.of(0x7f, 0x84, 0x18, 0x80); // [APPLICATION 536] ReturnDetailList, open
  let total = 0;
  for (const { record, reason, notes } of returns) {
    total += record.charge;
    const origin = tapOrigin(record.ref);
    const event = encodeRecord(record, tables);
    yield ber(
      seq("SevereReturn", [
        ascii("FileSequenceNumber", origin?.fileSequenceNumber ?? "00000"),
        event,
        errorDetail(event, reason, origin ? origin.index + 1 : null),
        operatorSpec([`ref:${record.ref}`, `reason:${reason}`, ...(notes ?? [])]),
      ]),
    );
  }
  yield Uint8Array.of(0, 0);
  yield ber(
    seq("RapAuditControlInfo", [
      integer("TotalSevereReturnValue", total),
      integer("ReturnDetailsCount", returns.length),
    ]),
  );
  yield Uint8Array.of(0, 0);
}

export interface RapAcknowledgementOut {
  /** The operator acknowledging: the RAP file's recipient. */
  sender: string;
  /** The RAP file's sender. */
  recipient: string;
  rapFileSequenceNumber: string;
  createdLocal: string;
  createdOffset: string;
  /** When the acknowledgement was made available; the creation time if absent. */
  availableLocal?: string;
  availableOffset?: string;
}

/** The Acknowledgement of a received RAP file (definite length: it is a handful of bytes). */
export function rapAcknowledgement(ack: RapAcknowledgementOut): Uint8Array {
  return ber(
    seq("Acknowledgement", [
      ascii("Sender", ack.sender),
      ascii("Recipient", ack.recipient),
      ascii("RapFileSequenceNumber", ack.rapFileSequenceNumber),
      longTime("AckFileCreationTimeStamp", ack.createdLocal, ack.createdOffset),
      longTime(
        "AckFileAvailableTimeStamp",
        ack.availableLocal ?? ack.createdLocal,
        ack.availableOffset ?? ack.createdOffset,
      ),
    ]),
  );
}

/** A time as TAP writes it: CCYYMMDDhhmmss in UTC with offset +0000. */
export function tapTimeUtc(at: Date): { local: string; offset: string } {
  return { local: at.toISOString().slice(0, 19).replace(/[-:T]/g, ""), offset: "+0000" };
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return new Uint8Array(Buffer.concat(parts));
}

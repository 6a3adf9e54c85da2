// Reading RAP files (GSMA TD.32): a return batch (its control information, each severe return with the returned call
// event as a canonical usage record, the error context and code, and the audit totals) and a RAP acknowledgement,
// which the sender of a RAP file receives to confirm its returns arrived. Decoded with the same streaming reader as
// TAP: the return list is read one return at a time.

import type { UsageRecord } from "../usage/record.ts";
import { newSummary, type TapRecordContext, toUsageRecord } from "./import.ts";
import { type ReturnReason, reasonOfReturn } from "./rapCodes.ts";
import { parseTablesSpec } from "./rapWriter.ts";
import { readTap } from "./reader.ts";
import { tagInfo } from "./tags.ts";
import { all, child, TapFormatError, type TapNode } from "./tree.ts";

export interface RapTimeStamp {
  local: string;
  utcOffset: string;
}

export interface RapAcknowledgement {
  sender: string;
  recipient: string;
  rapFileSequenceNumber: string;
  created: RapTimeStamp | null;
  available: RapTimeStamp;
}

export interface RapBatchControl {
  sender: string;
  recipient: string;
  rapFileSequenceNumber: string;
  created: RapTimeStamp | null;
  available: RapTimeStamp | null;
  tapVersion: string;
  rapVersion: string;
  tapDecimalPlaces: number | null;
  tapCurrency: string | null;
  operatorSpec: string[];
}

export interface RapErrorContext {
  /** The element's name ([APPLICATION n] tag of TAP or RAP). */
  item: string;
  occurrence: number | null;
  level: number;
}

export interface RapSevereReturn {
  /** Byte offset of the SevereReturn in the file. */
  offset: number;
  fileSequenceNumber: string;
  /** The returned call event; its ref is the one the sender named (`ref:`), else derived like the TAP importer's. */
  record: UsageRecord;
  errors: Array<{ errorCode: number; context: RapErrorContext[] }>;
  /** The dispute reason, from `reason:` or the first error code. */
  reason: ReturnReason | null;
  /** The OperatorSpecInformation lines other than `ref:` and `reason:`. */
  notes: string[];
}

export interface RapReturnBatch {
  returnBatch: RapBatchControl;
  returns: RapSevereReturn[];
  /** Returns of other kinds (FatalReturn, MissingReturn, ...), by name and offset: listed, not decoded. */
  otherReturns: Array<{ kind: string; offset: number }>;
  audit: { totalSevereReturnValue: number; returnDetailsCount: number } | null;
}

function text(node: TapNode | undefined): string | null {
  return node?.value === undefined ? null : String(node.value).trim();
}

function int(node: TapNode | undefined): number | null {
  return typeof node?.value === "number" ? node.value : null;
}

function required(node: TapNode | undefined, name: string, at: number): string {
  const value = text(child(node, name));
  if (value === null) throw new TapFormatError(at, `${name} is missing`);
  return value;
}

function requiredInt(node: TapNode | undefined, name: string, at: number): number {
  const value = int(child(node, name));
  if (value === null) throw new TapFormatError(at, `${name} is missing`);
  return value;
}

function time(node: TapNode | undefined): RapTimeStamp | null {
  if (!node) return null;
  return {
    local: required(node, "LocalTimeStamp", node.offset),
    utcOffset: required(node, "UtcTimeOffset", node.offset),
  };
}

function specLines(node: TapNode | undefined): string[] {
  return all(child(node, "OperatorSpecList"), "OperatorSpecInformation").map((n) => text(n) ?? "");
}

function batchControl(control: TapNode): RapBatchControl {
  return {
    sender: required(control, "Sender", control.offset),
    recipient: required(control, "Recipient", control.offset),
    rapFileSequenceNumber: required(control, "RapFileSequenceNumber", control.offset),
    created: time(child(control, "RapFileCreationTimeStamp")),
    available: time(child(control, "RapFileAvailableTimeStamp")),
    tapVersion: `${required(control, "SpecificationVersionNumber", control.offset)}.${required(control, "ReleaseVersionNumber", control.offset)}`,
    rapVersion: `${required(control, "RapSpecificationVersionNumber", control.offset)}.${required(control, "RapReleaseVersionNumber", control.offset)}`,
    tapDecimalPlaces: int(child(control, "TapDecimalPlaces")),
    tapCurrency: text(child(control, "TapCurrency")),
    operatorSpec: specLines(control),
  };
}

/** A SevereReturn's parts; the call event is its one element that is neither of the RAP items around it. */
function severeReturn(node: TapNode, ctx: TapRecordContext): RapSevereReturn {
  const fileSequenceNumber = required(node, "FileSequenceNumber", node.offset);
  const framing = new Set(["FileSequenceNumber", "ErrorDetailList", "OperatorSpecList"]);
  const event = node.children?.find((c) => !framing.has(c.name));
  if (!event) throw new TapFormatError(node.offset, "SevereReturn has no call event");
  const errors = all(child(node, "ErrorDetailList"), "ErrorDetail").map((detail) => ({
    errorCode: requiredInt(detail, "ErrorCode", detail.offset),
    context: all(child(detail, "ErrorContextList"), "ErrorContext").map((c) => ({
      item: tagInfo(requiredInt(c, "PathItemId", c.offset)).name,
      occurrence: int(child(c, "ItemOccurrence")),
      level: requiredInt(c, "ItemLevel", c.offset),
    })),
  }));
  if (errors.length === 0) throw new TapFormatError(node.offset, "SevereReturn has no ErrorDetail");
  const spec = specLines(node);
  const named = spec.find((s) => s.startsWith("ref:"))?.slice("ref:".length);
  ctx.batch.fileSequenceNumber = fileSequenceNumber;
  // Without a `ref:` line the reference is derived like the TAP importer's, from the event's position in its file.
  const occurrence = errors[0]?.context.find((c) => c.level === 3)?.occurrence ?? 1;
  const decoded = toUsageRecord(event, Math.max(0, occurrence - 1), ctx);
  return {
    offset: node.offset,
    fileSequenceNumber,
    record: named ? { ...decoded, ref: named } : decoded,
    errors,
    reason: reasonOfReturn(errors[0]?.errorCode ?? -1, spec),
    notes: spec.filter((s) => !s.startsWith("ref:") && !s.startsWith("reason:")),
  };
}

/** Reads a RAP file: its acknowledgement, or its return batch. */
export async function readRap(
  source: AsyncIterable<Uint8Array>,
): Promise<{ acknowledgement: RapAcknowledgement } | RapReturnBatch> {
  let root = "";
  const items: TapNode[] = [];
  let control: RapBatchControl | null = null;
  let ctx: TapRecordContext | null = null;
  const returns: RapSevereReturn[] = [];
  const otherReturns: RapReturnBatch["otherReturns"] = [];
  for await (const event of readTap(source)) {
    if (event.type === "root") root = event.name;
    else if (event.type === "group") {
      items.push(event.node);
      if (event.node.name === "RapBatchControlInfo") {
        control = batchControl(event.node);
        const tables = parseTablesSpec(control.operatorSpec);
        const batch = newSummary().batch;
        // The returned events were sent by the RAP's recipient (visited) to its sender (home).
        batch.sender = control.recipient;
        batch.recipient = control.sender;
        batch.currency = control.tapCurrency;
        batch.tapDecimalPlaces = control.tapDecimalPlaces;
        ctx = {
          offsets: new Map(tables?.utcOffsets.map((o, i) => [i + 1, o])),
          entities: new Map(tables?.recEntities.map((e, i) => [i + 1, e])),
          batch,
        };
      }
    } else if (event.type === "record") {
      if (event.node.name !== "SevereReturn") {
        otherReturns.push({ kind: event.node.name, offset: event.node.offset });
        continue;
      }
      if (!control || !ctx) throw new TapFormatError(event.node.offset, "a return before the RapBatchControlInfo");
      returns.push(severeReturn(event.node, ctx));
    }
  }
  // An Acknowledgement's items sit directly under the root; wrap them to read them like a group.
  const group: TapNode = {
    name: root,
    tag: 0,
    offset: 0,
    headerLength: 0,
    length: 0,
    indefinite: false,
    kind: "constructed",
    children: items,
  };
  if (root === "Acknowledgement") {
    const available = time(child(group, "AckFileAvailableTimeStamp"));
    if (!available) throw new TapFormatError(0, "AckFileAvailableTimeStamp is missing");
    return {
      acknowledgement: {
        sender: required(group, "Sender", 0),
        recipient: required(group, "Recipient", 0),
        rapFileSequenceNumber: required(group, "RapFileSequenceNumber", 0),
        created: time(child(group, "AckFileCreationTimeStamp")),
        available,
      },
    };
  }
  if (root === "ReturnBatch") {
    if (!control) throw new TapFormatError(0, "RapBatchControlInfo is missing");
    const audit = child(group, "RapAuditControlInfo");
    return {
      returnBatch: control,
      returns,
      otherReturns,
      audit: audit
        ? {
            totalSevereReturnValue: requiredInt(audit, "TotalSevereReturnValue", audit.offset),
            returnDetailsCount: requiredInt(audit, "ReturnDetailsCount", audit.offset),
          }
        : null,
    };
  }
  throw new TapFormatError(0, `a ${root} is not a RAP file`);
}

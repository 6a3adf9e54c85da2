// TAP 3.12 file -> canonical usage records, streamed. The batch's own tables (UTC offsets, recording entities, decimal
// places, currency) are read from the groups that precede the call event list, and each record is converted as soon
// as it is decoded. Values TAP forbids (negative volumes, charges or durations, an offset code not in the table) are
// refused with the byte offset of the offending element: a visited operator must not be paid for them.
import type { ServiceKind, UsageRecord } from "../usage/record.ts";
import { toUtc } from "../usage/record.ts";
import { readTap } from "./reader.ts";
import { all, at, child, TapFormatError, type TapNode } from "./tree.ts";

export interface TapBatchInfo {
  root: string;
  sender: string | null;
  recipient: string | null;
  fileSequenceNumber: string | null;
  currency: string | null;
  tapDecimalPlaces: number | null;
  /** From AuditControlInfo, when present. */
  auditCount: number | null;
  auditTotalCharge: number | null;
}

export interface TapImportSummary {
  batch: TapBatchInfo;
  records: number;
  totalCharge: number;
  bytes: number;
  /** Differences between the audit control totals and the records (reported, not fatal, as a reconciler would). */
  auditDiscrepancies: string[];
}

/** What converting a call event needs from its batch: the code tables and the batch's parties and currency. */
export interface TapRecordContext {
  offsets: Map<number, string>;
  entities: Map<number, string>;
  batch: TapBatchInfo;
}

function text(node: TapNode | undefined): string | null {
  return node?.value === undefined ? null : String(node.value).trim();
}

function int(node: TapNode | undefined): number | null {
  return typeof node?.value === "number" ? node.value : null;
}

function unsigned(node: TapNode | undefined, fallback = 0): number {
  const value = int(node);
  if (value === null) return fallback;
  if (value < 0 && node) throw new TapFormatError(node.offset, `${node.name} is negative (${value}); it must be >= 0`);
  return value;
}

function readNetworkInfo(node: TapNode, ctx: TapRecordContext): void {
  for (const info of all(child(node, "UtcTimeOffsetInfoList"), "UtcTimeOffsetInfo")) {
    const code = int(child(info, "UtcTimeOffsetCode"));
    const offset = text(child(info, "UtcTimeOffset"));
    if (code !== null && offset) ctx.offsets.set(code, offset);
  }
  for (const info of all(child(node, "RecEntityInfoList"), "RecEntityInformation")) {
    const code = int(child(info, "RecEntityCode"));
    const id = text(child(info, "RecEntityId"));
    if (code !== null && id) ctx.entities.set(code, id);
  }
}

/** Reads a group that precedes (or follows) the call event list into the batch info and code tables. */
export function readGroup(node: TapNode, ctx: TapRecordContext): void {
  const b = ctx.batch;
  switch (node.name) {
    case "BatchControlInfo":
      b.sender = text(child(node, "Sender"));
      b.recipient = text(child(node, "Recipient"));
      b.fileSequenceNumber = text(child(node, "FileSequenceNumber"));
      return;
    case "AccountingInfo":
      b.currency = text(child(node, "TapCurrency")) ?? text(child(node, "LocalCurrency"));
      b.tapDecimalPlaces = int(child(node, "TapDecimalPlaces"));
      return;
    case "NetworkInfo":
      readNetworkInfo(node, ctx);
      return;
    case "AuditControlInfo":
      b.auditCount = int(child(node, "CallEventDetailsCount"));
      b.auditTotalCharge = int(child(node, "TotalCharge"));
      return;
    case "Sender":
      b.sender = text(node);
      return;
    case "Recipient":
      b.recipient = text(node);
      return;
    case "FileSequenceNumber":
      b.fileSequenceNumber = text(node);
      return;
  }
}

/** Sum of the total charges (ChargeType "00") under a node, wherever its ChargeInformation groups are. */
function totalCharge(node: TapNode | undefined): number {
  if (!node) return 0;
  if (node.name === "ChargeDetail") {
    return text(child(node, "ChargeType")) === "00" ? unsigned(child(node, "Charge")) : 0;
  }
  let sum = 0;
  for (const c of node.children ?? []) sum += totalCharge(c);
  return sum;
}

function timestamp(
  node: TapNode | undefined,
  ctx: TapRecordContext,
): { local: string; offset: string; utc: string } | null {
  if (!node) return null;
  const local = text(child(node, "LocalTimeStamp"));
  const codeNode = child(node, "UtcTimeOffsetCode");
  const code = int(codeNode);
  const offset = text(child(node, "UtcTimeOffset")) ?? (code === null ? null : (ctx.offsets.get(code) ?? null));
  if (codeNode && code !== null && offset === null) {
    throw new TapFormatError(codeNode.offset, `UtcTimeOffsetCode ${code} is not in the NetworkInfo offset table`);
  }
  if (!local || !offset) throw new TapFormatError(node.offset, `${node.name} lacks its local time or UTC offset`);
  const utc = toUtc(local, offset);
  if (!utc) throw new TapFormatError(node.offset, `${node.name} ${local}${offset} is not a valid time`);
  return { local, offset, utc };
}

/** The SIM (or GSM) chargeable subscriber under a ChargeableSubscriber. */
function sim(node: TapNode | undefined): TapNode | undefined {
  return child(node, "SimChargeableSubscriber") ?? child(node, "GsmChargeableSubscriber");
}

function serviceCode(node: TapNode): string | null {
  const code = at(node, "BasicServiceUsedList", "BasicServiceUsed", "BasicService", "BasicServiceCode");
  return text(child(code, "TeleServiceCode")) ?? text(child(code, "BearerServiceCode"));
}

/**
 * A canonical record with the fields every kind has (subscriber, start time, location, batch) and the others zero or
 * null, built as one object literal (the same shape for every record): the callers then set the kind's own fields.
 */
function usage(
  ctx: TapRecordContext,
  index: number,
  kind: ServiceKind,
  subscriber: TapNode | undefined,
  time: { local: string; offset: string; utc: string },
  place: TapNode | undefined,
): UsageRecord {
  const b = ctx.batch;
  const code = int(child(place, "RecEntityCode")) ?? int(at(place, "RecEntityCodeList", "RecEntityCode"));
  return {
    ref: `${b.sender ?? "?"}-${b.recipient ?? "?"}-${b.fileSequenceNumber ?? "?"}-${index}`,
    kind,
    sender: b.sender ?? "",
    recipient: b.recipient ?? "",
    imsi: text(child(subscriber, "Imsi")),
    msisdn: text(child(subscriber, "Msisdn")),
    startLocal: time.local,
    utcOffset: time.offset,
    startUtc: time.utc,
    durationSeconds: 0,
    volumeIncomingBytes: 0,
    volumeOutgoingBytes: 0,
    calledNumber: null,
    serviceCode: null,
    apn: null,
    recEntityId: code === null ? null : (ctx.entities.get(code) ?? String(code)),
    locationArea: int(child(place, "LocationArea")),
    cellId: int(child(place, "CellId")),
    charge: 0,
    chargeDecimals: b.tapDecimalPlaces ?? 0,
    currency: b.currency ?? "",
  };
}

/** One decoded call event record as a canonical usage record. */
export function toUsageRecord(node: TapNode, index: number, ctx: TapRecordContext): UsageRecord {
  const requireTime = (ts: ReturnType<typeof timestamp>) => {
    if (!ts) throw new TapFormatError(node.offset, `${node.name} has no start time stamp`);
    return ts;
  };
  // Checks run in a fixed order (time, then duration and volumes, then charges): the first problem is the one named.
  switch (node.name) {
    case "MobileOriginatedCall":
    case "MobileTerminatedCall": {
      const mo = node.name === "MobileOriginatedCall";
      const info = child(node, mo ? "MoBasicCallInformation" : "MtBasicCallInformation");
      const service = serviceCode(node);
      const sms = service === "20" || service === "21" || service === "22";
      const kind: ServiceKind = sms ? (mo ? "SMS_MO" : "SMS_MT") : mo ? "MOC" : "MTC";
      const time = requireTime(timestamp(child(info, "CallEventStartTimeStamp"), ctx));
      const place = at(node, "LocationInformation", "NetworkLocation");
      const record = usage(ctx, index, kind, sim(child(info, "ChargeableSubscriber")), time, place);
      record.durationSeconds = unsigned(child(info, "TotalCallEventDuration"));
      record.calledNumber = mo
        ? text(at(info, "Destination", "CalledNumber"))
        : text(at(info, "CallOriginator", "CallingNumber"));
      record.serviceCode = service;
      record.charge = totalCharge(child(node, "BasicServiceUsedList"));
      return record;
    }
    case "GprsCall": {
      const info = child(node, "GprsBasicCallInformation");
      const used = child(node, "GprsServiceUsed");
      const time = requireTime(timestamp(child(info, "CallEventStartTimeStamp"), ctx));
      const place = at(node, "GprsLocationInformation", "GprsNetworkLocation");
      const subscriber = sim(at(info, "GprsChargeableSubscriber", "ChargeableSubscriber"));
      const record = usage(ctx, index, "GPRS", subscriber, time, place);
      record.durationSeconds = unsigned(child(info, "TotalCallEventDuration"));
      record.volumeIncomingBytes = unsigned(child(used, "DataVolumeIncoming"));
      record.volumeOutgoingBytes = unsigned(child(used, "DataVolumeOutgoing"));
      record.apn = text(at(info, "GprsDestination", "AccessPointNameNI"));
      record.charge = totalCharge(used);
      return record;
    }
    case "SupplServiceEvent": {
      const used = child(node, "SupplServiceUsed");
      const time = requireTime(timestamp(child(used, "ChargingTimeStamp"), ctx));
      const place = at(node, "LocationInformation", "NetworkLocation");
      const record = usage(ctx, index, "SUPPL", sim(child(node, "ChargeableSubscriber")), time, place);
      record.serviceCode = text(child(used, "SupplServiceCode"));
      record.charge = totalCharge(used);
      return record;
    }
    default:
      throw new TapFormatError(node.offset, `${node.name} records are not supported by this importer`);
  }
}

/**
 * Streams a TAP file's usage records. Empty records (no content at all, as some samples carry) are skipped and
 * counted in summary.skipped. The summary is complete once the generator has finished.
 */
export async function* importTap(
  source: AsyncIterable<Uint8Array>,
  summary: TapImportSummary & { skipped?: number } = newSummary(),
): AsyncGenerator<UsageRecord> {
  const ctx: TapRecordContext = { offsets: new Map(), entities: new Map(), batch: summary.batch };
  summary.skipped = 0;
  for await (const event of readTap(source)) {
    if (event.type === "root") summary.batch.root = event.name;
    else if (event.type === "group") readGroup(event.node, ctx);
    else if (event.type === "record") {
      if ((event.node.children?.length ?? 0) === 0) {
        summary.skipped++;
        continue;
      }
      const record = toUsageRecord(event.node, event.index, ctx);
      summary.records++;
      summary.totalCharge += record.charge;
      yield record;
    } else if (event.type === "end") summary.bytes = event.bytes;
  }
  checkAudit(summary);
}

/** Compares the audit control totals with the records read, into summary.auditDiscrepancies. */
export function checkAudit(summary: TapImportSummary & { skipped?: number }): void {
  const b = summary.batch;
  if (b.auditCount !== null && b.auditCount !== summary.records + (summary.skipped ?? 0)) {
    summary.auditDiscrepancies.push(`CallEventDetailsCount ${b.auditCount} but ${summary.records} records`);
  }
  if (b.auditTotalCharge !== null && b.auditTotalCharge !== summary.totalCharge) {
    summary.auditDiscrepancies.push(`TotalCharge ${b.auditTotalCharge} but the records sum to ${summary.totalCharge}`);
  }
}

export function newSummary(): TapImportSummary {
  return {
    batch: {
      root: "",
      sender: null,
      recipient: null,
      fileSequenceNumber: null,
      currency: null,
      tapDecimalPlaces: null,
      auditCount: null,
      auditTotalCharge: null,
    },
    records: 0,
    totalCharge: 0,
    bytes: 0,
    auditDiscrepancies: [],
  };
}

// The canonical usage record both operators rate, anchor and dispute: one per call event, flat so it maps one to one
// onto CSV columns, JSON and the Merkle leaf. The chargeable subscriber (IMSI, MSISDN) is personal data: it stays in
// the two operators' agents and is never part of anything put on chain (see canonical.ts for the leaf).

/** What was used. SMS are the MOC/MTC records whose teleservice is a short message. */
export const SERVICE_KINDS = ["MOC", "MTC", "SMS_MO", "SMS_MT", "GPRS", "SUPPL", "VOICE"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface UsageRecord {
  /** Unique per record source: sender, recipient, file sequence number and position, or the CDR id. */
  ref: string;
  kind: ServiceKind;
  /** Visited (sending) and home (receiving) operator, as TAP PLMN codes or carrier ids. */
  sender: string;
  recipient: string;
  /** Chargeable subscriber: off chain only. */
  imsi: string | null;
  msisdn: string | null;
  /** Local start time CCYYMMDDhhmmss and its UTC offset (+hhmm), as in TAP. */
  startLocal: string;
  utcOffset: string;
  /** The same instant in UTC, ISO 8601. */
  startUtc: string;
  durationSeconds: number;
  volumeIncomingBytes: number;
  volumeOutgoingBytes: number;
  calledNumber: string | null;
  /** TeleServiceCode or BearerServiceCode ("11" telephony, "21"/"22" SMS MT/MO), or the supplementary service code. */
  serviceCode: string | null;
  apn: string | null;
  recEntityId: string | null;
  locationArea: number | null;
  cellId: number | null;
  /** The visited operator's charge in 10^-chargeDecimals of currency (TAP's TapDecimalPlaces). */
  charge: number;
  chargeDecimals: number;
  currency: string;
}

export const RECORD_FIELDS = [
  "ref",
  "kind",
  "sender",
  "recipient",
  "imsi",
  "msisdn",
  "startLocal",
  "utcOffset",
  "startUtc",
  "durationSeconds",
  "volumeIncomingBytes",
  "volumeOutgoingBytes",
  "calledNumber",
  "serviceCode",
  "apn",
  "recEntityId",
  "locationArea",
  "cellId",
  "charge",
  "chargeDecimals",
  "currency",
] as const satisfies ReadonlyArray<keyof UsageRecord>;

export const NUMERIC_FIELDS = new Set<keyof UsageRecord>([
  "durationSeconds",
  "volumeIncomingBytes",
  "volumeOutgoingBytes",
  "locationArea",
  "cellId",
  "charge",
  "chargeDecimals",
]);

/** Local TAP time and its UTC offset as an ISO 8601 UTC instant; null when either is malformed. */
export function toUtc(local: string, offset: string): string | null {
  const t = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(local);
  const o = /^([+-])(\d{2})(\d{2})$/.exec(offset);
  if (!t || !o) return null;
  const [, y, mo, d, h, mi, s] = t.map(Number) as number[];
  const sign = o[1] === "-" ? -1 : 1;
  const offsetMinutes = sign * (Number(o[2]) * 60 + Number(o[3]));
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s) - offsetMinutes * 60_000;
  const date = new Date(ms);
  if (Number.isNaN(ms) || date.getUTCFullYear() < 1990) return null;
  return date.toISOString().replace(".000Z", "Z");
}

// Shared fixtures of the roaming settlement API tests: the members they start, their agents' answers, an agreement's
// tariff and validity, and the walkthrough's four usage records (a 61-second call to the EU, 240 under 60/60 at 120 a minute; 153 seconds incoming, 26; 1 MiB of
// data, 2; an SMS, 8: 276 in all).
import type { Address } from "viem";
import { SAMPLE_TARIFF } from "../../src/settlement/rating/tariff.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";
import type { TestAgent, TestConsortium } from "../../testkit/consortium.ts";

/** The two operators of an agreement. */
export const OPERATORS = [
  { name: "north", roles: ["MOBILE_OPERATOR"] },
  { name: "south", roles: ["MOBILE_OPERATOR"] },
];
/** The operators and the settlement bank that mints what they pay with. */
export const OPERATORS_AND_BANK = [...OPERATORS, { name: "bank", roles: ["SETTLEMENT_BANK"] }];
export type MemberName = "north" | "south" | "bank";

/** An agent's JSON answer, as far as these tests read it. */
export type Answer = {
  code?: string;
  message?: string;
  details?: Array<{ field: string }>;
  items?: Array<Record<string, unknown>>;
  nextCursor?: string | null;
  [k: string]: unknown;
};

/** Each member's agent, account and API, once `consortium()` has started. */
export function membersOf(consortium: () => TestConsortium) {
  const agent = (name: MemberName) => consortium().agents[name] as TestAgent;
  return {
    agent,
    account: (name: MemberName): Address => agent(name).agent.config.memberAccount,
    call: (name: MemberName, method: string, path: string, body?: unknown) =>
      agent(name).call<Answer>(method, path, body),
  };
}

export const TARIFF = { ...SAMPLE_TARIFF, decimals: 2 };
export const VALID_FROM = Date.UTC(2026, 0, 1) / 1000;
export const VALID_TO = Date.UTC(2027, 0, 1) / 1000;
export const PERIOD = 31 * 86_400;

export const record = (ref: string, overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  ref,
  kind: "MOC",
  sender: "NORTH",
  recipient: "SOUTH",
  imsi: "262011234567890",
  msisdn: null,
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
  chargeDecimals: 3,
  currency: "EUR",
  ...overrides,
});

// The walkthrough's four records: a 61-second call to the EU (240 under 60/60 at 120 a minute), 153 seconds incoming
// (26), 1 MiB of data (2), an SMS (8): 276 in all.
export const RECORDS: UsageRecord[] = [
  record("n-1"),
  record("n-2", {
    kind: "MTC",
    startLocal: "20260301121500",
    startUtc: "2026-03-01T11:15:00Z",
    durationSeconds: 153,
    calledNumber: null,
    charge: 26,
  }),
  record("n-3", {
    kind: "GPRS",
    imsi: "262011234567891",
    startLocal: "20260301130000",
    startUtc: "2026-03-01T12:00:00Z",
    durationSeconds: 600,
    volumeIncomingBytes: 1_048_576,
    calledNumber: null,
    serviceCode: null,
    apn: "internet",
    cellId: 18,
    charge: 2,
  }),
  record("n-4", {
    kind: "SMS_MO",
    imsi: "262011234567891",
    startLocal: "20260301131000",
    startUtc: "2026-03-01T12:10:00Z",
    durationSeconds: 0,
    calledNumber: null,
    serviceCode: "22",
    cellId: 18,
    charge: 8,
  }),
];

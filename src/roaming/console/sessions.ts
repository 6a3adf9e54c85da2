// The Roaming page's figures, from the visited sessions the agent lists: how long each attach took to be decided
// (attach to services active or refused) and how many sessions were decided in each interval.
import type { ChartBar } from "../../../console/src/kit.ts";

export const SERVICES = ["voice", "sms", "data", "volte", "5g"] as const;
export type Service = (typeof SERVICES)[number];

export interface Session {
  requestId: string;
  imsi: string;
  visitedPlmn: string;
  homePlmn: string | null;
  state: string;
  outcome: string | null;
  requestedServices: Service[];
  activeServices: Record<Service, boolean> | null;
  times: {
    attachedAt: string;
    requestMinedAt: string | null;
    answeredAt: string | null;
    decidedAt: string | null;
    closingMinedAt: string | null;
  };
}

/** Milliseconds from attach to decision, or undefined while the session is undecided. */
export function latencyMs(s: Session): number | undefined {
  if (!s.times.decidedAt) return undefined;
  return Date.parse(s.times.decidedAt) - Date.parse(s.times.attachedAt);
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** The latest `count` decided sessions, oldest first, each bar its attach-to-decision time in ms. */
export function latencyBars(sessions: readonly Session[], count = 30): ChartBar[] {
  return sessions
    .filter((s) => s.times.decidedAt)
    .sort((a, b) => Date.parse(a.times.decidedAt ?? "") - Date.parse(b.times.decidedAt ?? ""))
    .slice(-count)
    .map((s) => ({ key: s.requestId, label: clock(Date.parse(s.times.decidedAt ?? "")), value: latencyMs(s) ?? 0 }));
}

/**
 * Sessions decided in each of the `buckets` intervals of `bucketSeconds` ending at `now`, oldest first (an interval
 * with none is a zero bar, so the time axis stays even).
 */
export function throughputBars(
  sessions: readonly Session[],
  now: number,
  bucketSeconds = 10,
  buckets = 30,
): ChartBar[] {
  const width = bucketSeconds * 1000;
  const end = Math.ceil(now / width) * width;
  const start = end - buckets * width;
  const counts = new Array<number>(buckets).fill(0);
  for (const s of sessions) {
    if (!s.times.decidedAt) continue;
    const at = Date.parse(s.times.decidedAt);
    if (at < start || at >= end) continue;
    const i = Math.floor((at - start) / width);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((value, i) => ({ key: String(start + i * width), label: clock(start + i * width), value }));
}

/** The services a session has active, e.g. "voice, data", or "none". */
export function activeList(s: Session): string {
  const on = SERVICES.filter((x) => s.activeServices?.[x]);
  return on.length ? on.join(", ") : "none";
}

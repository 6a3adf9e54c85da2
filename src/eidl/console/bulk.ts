// Bulk delegation, client side: the numbers a person typed (single numbers and ranges), and the run that sends them to
// POST /v1/tnallocation in chunks the API accepts. The agent makes a request's items in order and stops at the first
// it refuses, keeping the ones before it made (each is its own transaction). So after a refusal naming item i
// (details field body.tnAllocation[i]...), that item is marked failed with the code and message, the items before it
// are looked up in the subject's holdings (made, or sent again), and the items after it go into the next chunk. A
// refusal naming no item leaves its chunk's items unknown (a custody search shows which were made).
import { ApiFailure } from "../../../console/src/kit.ts";

/** The API takes up to 100 items a request; smaller chunks show progress sooner and lose less to one refusal. */
export const CHUNK = 20;
/** A range may span at most this many numbers (a typing slip must not queue a million delegations). */
export const MAX_NUMBERS = 1000;

export interface ParsedNumbers {
  numbers: string[];
  errors: string[];
}

/** "12155551300-12155551309, 12155551400" -> each number once, in order; what could not be read is named. */
export function parseNumbers(text: string): ParsedNumbers {
  const numbers: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const add = (tn: string) => {
    if (!seen.has(tn)) numbers.push(tn);
    seen.add(tn);
  };
  for (const raw of text.split(/[\s,;]+/)) {
    const token = raw.replace(/^\+/, "");
    if (!token) continue;
    const range = /^(\d{6,15})-\+?(\d{6,15})$/.exec(token);
    if (range) {
      const [, from = "", to = ""] = range;
      const span = BigInt(to) - BigInt(from);
      if (from.length !== to.length || span < 0n) errors.push(`${raw}: a range goes up between numbers of one length`);
      else if (span >= BigInt(MAX_NUMBERS)) errors.push(`${raw}: more than ${MAX_NUMBERS} numbers`);
      else for (let n = BigInt(from); n <= BigInt(to); n++) add(n.toString().padStart(from.length, "0"));
    } else if (/^\d{6,15}$/.test(token)) add(token);
    else errors.push(`${raw}: not a number (6 to 15 digits) or a range (first-last)`);
  }
  if (numbers.length > MAX_NUMBERS) errors.push(`${numbers.length} numbers: at most ${MAX_NUMBERS} at once`);
  return { numbers, errors };
}

export type ItemState =
  | { tn: string; state: "pending" }
  | { tn: string; state: "made"; grantId: string }
  | { tn: string; state: "failed" | "unknown"; code: string; message: string };

export interface BulkApi {
  /** Delegates these numbers in one request; answers their grant ids in order. */
  send(tns: readonly string[]): Promise<Array<{ grantId: string }>>;
  /** Which of these numbers the subject now holds from the issuer (active grants), with their grant ids. */
  heldAmong(tns: readonly string[]): Promise<Map<string, string>>;
}

/** The index of the item a refusal names (body.tnAllocation[3].tnId -> 3), or undefined. */
export function failedIndex(error: unknown): number | undefined {
  if (!(error instanceof ApiFailure)) return undefined;
  for (const d of error.details) {
    const m = /^body\.tnAllocation\[(\d+)\]/.exec(d.field);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Sends every number in chunks, reporting each item's state as it settles; resolves when none is pending. */
export async function runBulk(
  numbers: readonly string[],
  api: BulkApi,
  onProgress: (items: readonly ItemState[]) => void,
  chunk = CHUNK,
): Promise<ItemState[]> {
  const items: ItemState[] = numbers.map((tn) => ({ tn, state: "pending" }));
  const queue = numbers.map((_, i) => i);
  while (queue.length > 0) {
    const batch = queue.splice(0, chunk);
    try {
      const made = await api.send(batch.map((i) => numbers[i] ?? ""));
      batch.forEach((i, k) => {
        items[i] = { tn: numbers[i] ?? "", state: "made", grantId: made[k]?.grantId ?? "" };
      });
    } catch (error) {
      const failure =
        error instanceof ApiFailure ? error : new ApiFailure(0, "CONSOLE_ERROR", (error as Error)?.message ?? "");
      const at = failedIndex(error);
      const named = at === undefined ? undefined : batch[at];
      if (named !== undefined) {
        const detail = failure.details.find((d) => d.field.startsWith(`body.tnAllocation[${at}]`));
        items[named] = {
          tn: numbers[named] ?? "",
          state: "failed",
          code: failure.code,
          message:
            detail?.message && detail.message !== failure.message
              ? `${failure.message}: ${detail.message}`
              : failure.message,
        };
        // The items before it may have been made (or refused at the check, before anything was made).
        const before = batch.slice(0, at);
        const held = before.length ? await api.heldAmong(before.map((i) => numbers[i] ?? "")) : new Map();
        const again: number[] = [];
        for (const i of before) {
          const grantId = held.get(numbers[i] ?? "");
          if (grantId) items[i] = { tn: numbers[i] ?? "", state: "made", grantId };
          else again.push(i);
        }
        queue.unshift(...again, ...batch.slice((at ?? 0) + 1));
      } else {
        for (const i of batch) {
          items[i] = { tn: numbers[i] ?? "", state: "unknown", code: failure.code, message: failure.message };
        }
      }
    }
    onProgress([...items]);
  }
  return items;
}

// The visited operator's agent delivers each batch it anchored to the home operator's agent by itself (delivery.ts),
// retrying with exponential backoff until the home agent acknowledges it. What is due is read from the database, not
// from memory: a batch this member anchored as the visited operator, still `anchored` in the read model, whose records
// this agent holds, and whose next attempt (table settlement_deliveries: attempts, next attempt, last error) is due.
// So an agent restarted mid-way resumes where it stopped, and a batch the home agent confirmed while its answer was
// lost stops being due once the chain's BatchReceived is projected. The home agent's inbox is idempotent (a second
// copy of a confirmed batch is answered `duplicate`), so a retry never confirms twice. Tried at once when a
// BatchAnchored event of this member's is indexed, and every `scanMs` for the retries.
import type { Address, Hex } from "viem";
import type { ChainEvent, Indexer } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";
import { SettlementError } from "../errors.ts";
import type { BatchDelivery } from "./delivery.ts";
import { ROAMING_SETTLEMENT_SOURCE } from "./projection.ts";
import { type DueDelivery, deliveriesDue, recordDelivery } from "./repositoryDeliveries.ts";

export interface AutoDeliveryOptions {
  delivery: Pick<BatchDelivery, "deliver">;
  db: Queryable;
  memberAccount: Address;
  indexer: Pick<Indexer, "onEvent">;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** First retry after this long, doubling per failed attempt up to maxDelayMs (defaults 1 s and 5 min). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often due retries are looked for (default 1 s). */
  scanMs?: number;
  now?: () => number;
}

/** The delay before attempt `attempts + 1`: base × 2^(attempts − 1), at most max, with up to 10% jitter. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay * (1 + Math.random() * 0.1));
}

export async function startAutoDelivery(o: AutoDeliveryOptions): Promise<{ stop(): Promise<void> }> {
  const me = o.memberAccount.toLowerCase();
  const base = o.baseDelayMs ?? 1000;
  const max = o.maxDelayMs ?? 300_000;
  const now = o.now ?? Date.now;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const due = () => deliveriesDue(o.db, me, now());
  const record = (batchId: string, attempts: number, next: number, error: string | null, deliveredAt: number | null) =>
    recordDelivery(o.db, batchId, attempts, next, error, deliveredAt);

  async function attempt(row: DueDelivery): Promise<void> {
    const attempts = Number(row.attempts ?? 0) + 1;
    try {
      const result = await o.delivery.deliver(row.batch_id as Hex);
      await record(row.batch_id, attempts, now(), null, now());
      o.logger.info({ batchId: row.batch_id, attempts, txHash: result.txHash }, "batch delivered to the home agent");
    } catch (error) {
      if (error instanceof SettlementError && error.code === "SETTLEMENT_WRONG_STATE") {
        // Received meanwhile (the home agent confirmed, its answer was lost): nothing left to deliver.
        await record(row.batch_id, attempts, now(), null, now());
        return;
      }
      const message = error instanceof SettlementError ? `${error.code}: ${error.message}` : String(error);
      const next = now() + backoffMs(attempts, base, max);
      await record(row.batch_id, attempts, next, message.slice(0, 2000), null);
      o.logger.warn({ batchId: row.batch_id, attempts, retryAt: next, err: message }, "batch delivery failed");
    }
  }

  async function pass(): Promise<void> {
    do {
      again = false;
      for (const row of await due()) {
        if (stopped) return;
        await attempt(row);
      }
    } while (again && !stopped);
  }

  /** Runs a pass now, or once more after the one under way. */
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((error) => o.logger.warn({ err: error }, "automatic batch delivery pass failed"))
      .finally(() => {
        running = null;
      });
  };

  const unsubscribe = o.indexer.onEvent((event: ChainEvent) => {
    if (event.source === ROAMING_SETTLEMENT_SOURCE && event.eventName === "BatchAnchored") kick();
  });
  const timer = setInterval(kick, o.scanMs ?? 1000);
  timer.unref?.();
  kick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}

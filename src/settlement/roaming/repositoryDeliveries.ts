// SQL of the automatic batch delivery (autoDelivery.ts): which anchored batches are due for delivery to their home
// agent, and each attempt's outcome (table settlement_deliveries, migration 1405). No logic.
import type { Queryable } from "../../core/store/store.ts";

export interface DueDelivery {
  batch_id: string;
  attempts: number | string | null;
}

/** Batches `visited` anchored, still anchored, whose records are held here and whose next attempt is due at `now`. */
export function deliveriesDue(db: Queryable, visited: string, now: number): Promise<DueDelivery[]> {
  return db.query<DueDelivery>(
    `SELECT b.batch_id, d.attempts FROM settlement_batches b
       JOIN settlement_agreements a ON a.agreement_id = b.agreement_id
       JOIN settlement_batch_records r ON r.batch_id = b.batch_id
       LEFT JOIN settlement_deliveries d ON d.batch_id = b.batch_id
     WHERE b.status = 'anchored' AND a.visited = $1 AND d.delivered_at IS NULL
       AND (d.batch_id IS NULL OR d.next_attempt_at <= $2)
     ORDER BY b.anchored_block, b.batch_id LIMIT 50`,
    [visited, now],
  );
}

/** Records an attempt: its count, when the next is due, the error (null on success) and when it was delivered. */
export function recordDelivery(
  db: Queryable,
  batchId: string,
  attempts: number,
  next: number,
  error: string | null,
  deliveredAt: number | null,
): Promise<{ changes: number }> {
  return db.exec(
    `INSERT INTO settlement_deliveries (batch_id, attempts, next_attempt_at, last_error, delivered_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (batch_id) DO UPDATE SET attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
       last_error = excluded.last_error, delivered_at = excluded.delivered_at`,
    [batchId, attempts, next, error, deliveredAt],
  );
}

// The SIM-swap journal: an outbox of the register's re-bindings of an MSISDN to another IMSI. The register writes a
// row in the transaction that changes the binding, so a crash cannot keep the change and lose the swap; the domain
// that publishes it as a fraud signal (registries) takes the due rows and marks each published or failed. Only the
// swap id, the number and a salted commitment (the evidence) leave this file: the IMSIs stay in this agent's store.
import { createHash, randomBytes } from "node:crypto";
import type { Hex } from "viem";
import type { Queryable, Store } from "../../core/store/store.ts";
import type { SimSwapEvent, SimSwapJournal } from "../published.ts";

interface Row {
  swap_id: string;
  msisdn: string;
  evidence: string;
  swapped_at: string;
  attempts: number;
}

/** One swap as the register records it (inside its transaction). */
export interface SimSwapRecord {
  swapId: Hex;
  msisdn: string;
  previousImsi: string;
  imsi: string;
  swappedAt: string;
}

const hex32 = (): Hex => `0x${randomBytes(32).toString("hex")}`;

/**
 * The evidence of a swap: SHA-256 over its record and a random 32-byte nonce kept here, so the commitment cannot be
 * tested against guessed numbers and IMSIs, and the operator can open it (nonce and record) to whoever must check.
 */
export const swapEvidence = (nonce: Hex, swap: Omit<SimSwapRecord, "swapId">): Hex =>
  `0x${createHash("sha256")
    .update(JSON.stringify(["sim-swap/v1", nonce, swap.msisdn, swap.previousImsi, swap.imsi, swap.swappedAt]))
    .digest("hex")}`;

/** Journals a swap of `msisdn` from `previousImsi` to `imsi` inside the caller's transaction `tx`. */
export async function journalSwap(
  tx: Queryable,
  swap: { msisdn: string; previousImsi: string; imsi: string; swappedAt: string },
): Promise<SimSwapRecord> {
  const swapId = hex32();
  const nonce = hex32();
  await tx.exec(
    `INSERT INTO roaming_sim_swaps (swap_id, msisdn, previous_imsi, imsi, nonce, evidence, swapped_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [swapId, swap.msisdn, swap.previousImsi, swap.imsi, nonce, swapEvidence(nonce, swap), swap.swappedAt],
  );
  return { swapId, ...swap };
}

/** A swap as the operator guardian's feed lists it (identity's SimSwapFeed port): no IMSI, no evidence. */
export interface FedSimSwap {
  swapId: Hex;
  msisdn: string;
  swappedAt: string;
}

export class SqlSimSwapJournal implements SimSwapJournal {
  readonly #store: Store;
  readonly #listeners: Array<() => void> = [];

  constructor(store: Store) {
    this.#store = store;
  }

  onSwap(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Called by the register after a transaction that journalled swaps committed. */
  notify(): void {
    for (const listener of this.#listeners) listener();
  }

  async due(limit: number, now: Date = new Date()): Promise<SimSwapEvent[]> {
    const rows = await this.#store.query<Row>(
      `SELECT swap_id, msisdn, evidence, swapped_at, attempts FROM roaming_sim_swaps
       WHERE published_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
       ORDER BY swapped_at, swap_id LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => ({
      swapId: r.swap_id as Hex,
      msisdn: r.msisdn,
      evidence: r.evidence as Hex,
      swappedAt: r.swapped_at,
      attempts: Number(r.attempts),
    }));
  }

  /**
   * Every swap journalled at or after `from`, in (swapped_at, swap_id) order, after `after` when given: published or
   * not (identity's operator guardian reads with a cursor of its own).
   */
  async swapsFrom(
    from: string,
    after: { swappedAt: string; swapId: Hex } | undefined,
    limit: number,
  ): Promise<FedSimSwap[]> {
    const rows = after
      ? await this.#store.query<Row>(
          `SELECT swap_id, msisdn, swapped_at FROM roaming_sim_swaps
           WHERE swapped_at >= $1 AND (swapped_at > $2 OR (swapped_at = $2 AND swap_id > $3))
           ORDER BY swapped_at, swap_id LIMIT $4`,
          [from, after.swappedAt, after.swapId, limit],
        )
      : await this.#store.query<Row>(
          `SELECT swap_id, msisdn, swapped_at FROM roaming_sim_swaps WHERE swapped_at >= $1
           ORDER BY swapped_at, swap_id LIMIT $2`,
          [from, limit],
        );
    return rows.map((r) => ({ swapId: r.swap_id as Hex, msisdn: r.msisdn, swappedAt: r.swapped_at }));
  }

  async markPublished(swapId: Hex, reference: string): Promise<void> {
    await this.#store.exec(
      `UPDATE roaming_sim_swaps SET published_ref = $2, published_at = $3, last_error = NULL, next_attempt_at = NULL
       WHERE swap_id = $1`,
      [swapId, reference, new Date().toISOString()],
    );
  }

  async markFailed(swapId: Hex, error: string, retryAt: Date): Promise<void> {
    await this.#store.exec(
      `UPDATE roaming_sim_swaps SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
       WHERE swap_id = $1 AND published_at IS NULL`,
      [swapId, error.slice(0, 2000), retryAt.toISOString()],
    );
  }
}

const journals = new WeakMap<Store, SqlSimSwapJournal>();

/** The journal of an agent's store: one per store, shared by the register that writes and the domain that reads. */
export function simSwapJournal(store: Store): SqlSimSwapJournal {
  let journal = journals.get(store);
  if (!journal) {
    journal = new SqlSimSwapJournal(store);
    journals.set(store, journal);
  }
  return journal;
}

// SQL of the operator guardian's own records (migrations.ts 0219): enrolled numbers by keyed hash, the key of that
// hash, and the SIM swaps taken from the journal with their outcome. SQL only: the rules are in operatorGuardian.ts
// and simSwapRecorder.ts.
import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import type { Store } from "../../core/store/store.ts";

export interface EnrolledNumber {
  numberHash: Hex;
  identity: Address;
  enrolledAt: string;
}

/** What became of a swap: recorded on chain, nothing to do (number not enrolled), or refused by the contract. */
export type SimSwapOutcome = "pending" | "recorded" | "not-enrolled" | "refused";

export interface TakenSimSwap {
  swapId: Hex;
  swappedAt: string;
  identity: Address | null;
  state: SimSwapOutcome;
  attempts: number;
  /** Chain time (seconds) when the last attempt began; null before the first. */
  attemptFrom: bigint | null;
  /** The outbox ticket of the last attempt, once journalled. */
  txId: string | null;
  txHash: Hex | null;
  lastError: string | null;
  takenAt: string;
  doneAt: string | null;
}

interface NumberRow {
  number_hash: string;
  identity: string;
  enrolled_at: string;
}
interface SwapRow {
  swap_id: string;
  swapped_at: string;
  identity: string | null;
  state: string;
  attempts: number;
  attempt_from: string | number | null;
  tx_id: string | null;
  tx_hash: string | null;
  last_error: string | null;
  taken_at: string;
  done_at: string | null;
}

const toNumber = (r: NumberRow): EnrolledNumber => ({
  numberHash: r.number_hash as Hex,
  identity: r.identity as Address,
  enrolledAt: r.enrolled_at,
});
const toSwap = (r: SwapRow): TakenSimSwap => ({
  swapId: r.swap_id as Hex,
  swappedAt: r.swapped_at,
  identity: r.identity as Address | null,
  state: r.state as SimSwapOutcome,
  attempts: Number(r.attempts),
  attemptFrom: r.attempt_from === null ? null : BigInt(r.attempt_from),
  txId: r.tx_id,
  txHash: r.tx_hash as Hex | null,
  lastError: r.last_error,
  takenAt: r.taken_at,
  doneAt: r.done_at,
});
const SWAP_COLUMNS =
  "swap_id, swapped_at, identity, state, attempts, attempt_from, tx_id, tx_hash, last_error, taken_at, done_at";

export class OperatorGuardianRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The 32-byte key of the numbers' keyed hash: made once per agent (every replica reads the same row). */
  async numberKey(): Promise<Buffer> {
    await this.#store.exec(
      `INSERT INTO identity_recovery_number_key (id, key_hex, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
      [randomBytes(32).toString("hex"), new Date().toISOString()],
    );
    const row = await this.#store.one<{ key_hex: string }>(`SELECT key_hex FROM identity_recovery_number_key`);
    if (!row) throw new Error("identity_recovery_number_key: no key after insert");
    return Buffer.from(row.key_hex, "hex");
  }

  /** Enrols `numberHash` for `identity` unless it is enrolled already; answers the row that stands. */
  async enrol(numberHash: Hex, identity: Address): Promise<{ enrolled: EnrolledNumber; created: boolean }> {
    const { changes } = await this.#store.exec(
      `INSERT INTO identity_recovery_numbers (number_hash, identity, enrolled_at) VALUES ($1, $2, $3)
       ON CONFLICT (number_hash) DO NOTHING`,
      [numberHash, identity, new Date().toISOString()],
    );
    const enrolled = await this.numberOf(numberHash);
    if (!enrolled) throw new Error("identity_recovery_numbers: no row after insert");
    return { enrolled, created: changes > 0 };
  }

  async numberOf(numberHash: Hex): Promise<EnrolledNumber | undefined> {
    const row = await this.#store.one<NumberRow>(
      `SELECT number_hash, identity, enrolled_at FROM identity_recovery_numbers WHERE number_hash = $1`,
      [numberHash],
    );
    return row ? toNumber(row) : undefined;
  }

  /** By number hash, `limit` rows after `after`. */
  async numbers(limit: number, after?: string): Promise<EnrolledNumber[]> {
    const rows = await this.#store.query<NumberRow>(
      `SELECT number_hash, identity, enrolled_at FROM identity_recovery_numbers WHERE number_hash > $1
       ORDER BY number_hash LIMIT $2`,
      [after ?? "", limit],
    );
    return rows.map(toNumber);
  }

  async remove(numberHash: Hex): Promise<boolean> {
    const { changes } = await this.#store.exec(`DELETE FROM identity_recovery_numbers WHERE number_hash = $1`, [
      numberHash,
    ]);
    return changes > 0;
  }

  /** The newest journal time among the swaps taken so far (where the next read of the journal starts). */
  async lastTakenAt(): Promise<string | undefined> {
    const row = await this.#store.one<{ at: string | null }>(
      `SELECT MAX(swapped_at) AS at FROM identity_recovery_sim_swaps`,
    );
    return row?.at ?? undefined;
  }

  /** Which of `swapIds` were taken already. */
  async taken(swapIds: readonly Hex[]): Promise<Set<string>> {
    if (swapIds.length === 0) return new Set();
    const marks = swapIds.map((_, i) => `$${i + 1}`).join(", ");
    const rows = await this.#store.query<{ swap_id: string }>(
      `SELECT swap_id FROM identity_recovery_sim_swaps WHERE swap_id IN (${marks})`,
      swapIds,
    );
    return new Set(rows.map((r) => r.swap_id));
  }

  /** Takes a swap: pending for an enrolled number's identity, done at once (not-enrolled) otherwise. */
  async take(swap: { swapId: Hex; swappedAt: string }, identity: Address | null): Promise<void> {
    const now = new Date().toISOString();
    await this.#store.exec(
      `INSERT INTO identity_recovery_sim_swaps (swap_id, swapped_at, identity, state, taken_at, done_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (swap_id) DO NOTHING`,
      [swap.swapId, swap.swappedAt, identity, identity ? "pending" : "not-enrolled", now, identity ? null : now],
    );
  }

  /** Pending swaps due at `now`, oldest first. */
  async due(limit: number, now: Date = new Date()): Promise<TakenSimSwap[]> {
    const rows = await this.#store.query<SwapRow>(
      `SELECT ${SWAP_COLUMNS} FROM identity_recovery_sim_swaps
       WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
       ORDER BY swapped_at, swap_id LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map(toSwap);
  }

  async swap(swapId: Hex): Promise<TakenSimSwap | undefined> {
    const row = await this.#store.one<SwapRow>(
      `SELECT ${SWAP_COLUMNS} FROM identity_recovery_sim_swaps WHERE swap_id = $1`,
      [swapId],
    );
    return row ? toSwap(row) : undefined;
  }

  /** Newest first by (swapped_at, swap_id), `limit` rows after the cursor. */
  async swaps(limit: number, after?: readonly [string, string]): Promise<TakenSimSwap[]> {
    const rows = after
      ? await this.#store.query<SwapRow>(
          `SELECT ${SWAP_COLUMNS} FROM identity_recovery_sim_swaps
           WHERE swapped_at < $1 OR (swapped_at = $1 AND swap_id < $2)
           ORDER BY swapped_at DESC, swap_id DESC LIMIT $3`,
          [after[0], after[1], limit],
        )
      : await this.#store.query<SwapRow>(
          `SELECT ${SWAP_COLUMNS} FROM identity_recovery_sim_swaps ORDER BY swapped_at DESC, swap_id DESC LIMIT $1`,
          [limit],
        );
    return rows.map(toSwap);
  }

  /** An attempt begins at chain time `from` (committed before anything is sent). */
  async beginAttempt(swapId: Hex, from: bigint): Promise<void> {
    await this.#store.exec(
      `UPDATE identity_recovery_sim_swaps SET attempt_from = $2, tx_id = NULL, attempts = attempts + 1
       WHERE swap_id = $1 AND state = 'pending'`,
      [swapId, from.toString()],
    );
  }

  async journalled(swapId: Hex, txId: string): Promise<void> {
    await this.#store.exec(`UPDATE identity_recovery_sim_swaps SET tx_id = $2 WHERE swap_id = $1`, [swapId, txId]);
  }

  /** The attempt's transaction failed for sure (reverted, rejected): the next attempt starts afresh. */
  async attemptFailed(swapId: Hex, error: string, retryAt: Date): Promise<void> {
    await this.#store.exec(
      `UPDATE identity_recovery_sim_swaps SET attempt_from = NULL, tx_id = NULL, last_error = $2, next_attempt_at = $3
       WHERE swap_id = $1 AND state = 'pending'`,
      [swapId, error.slice(0, 2000), retryAt.toISOString()],
    );
  }

  /** The attempt's outcome is not known yet (the chain unreachable): asked again at `retryAt`, same attempt. */
  async retryLater(swapId: Hex, error: string, retryAt: Date): Promise<void> {
    await this.#store.exec(
      `UPDATE identity_recovery_sim_swaps SET last_error = $2, next_attempt_at = $3 WHERE swap_id = $1 AND state = 'pending'`,
      [swapId, error.slice(0, 2000), retryAt.toISOString()],
    );
  }

  async done(
    swapId: Hex,
    state: "recorded" | "refused",
    detail: { txHash?: Hex | null; error?: string },
  ): Promise<void> {
    await this.#store.exec(
      `UPDATE identity_recovery_sim_swaps SET state = $2, tx_hash = $3, last_error = $4, next_attempt_at = NULL,
       done_at = $5 WHERE swap_id = $1 AND state = 'pending'`,
      [swapId, state, detail.txHash ?? null, detail.error?.slice(0, 2000) ?? null, new Date().toISOString()],
    );
  }
}

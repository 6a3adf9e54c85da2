// Single use of received messages: a (sender, jti) pair is accepted once until the message expires. The memory guard
// serves a wallet (one process); an agent uses the SQL guard so replicas and restarts share what was received.
import type { Queryable } from "../../store/index.ts";

export interface ReplayGuard {
  /** True the first time `key` is seen before `expiresAt` (Unix seconds); false for a replay. */
  consume(key: string, expiresAt: number): Promise<boolean>;
}

export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new Map<string, number>();

  async consume(key: string, expiresAt: number): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000);
    // Expired entries can never be replayed (the message itself is refused as expired): forget them.
    for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, expiresAt);
    return true;
  }
}

/** Table `identity_received_messages` (migration 0211): the primary key makes concurrent consumers race safely. */
export class SqlReplayGuard implements ReplayGuard {
  readonly #store: Queryable;

  constructor(store: Queryable) {
    this.#store = store;
  }

  async consume(key: string, expiresAt: number): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000);
    await this.#store.exec("DELETE FROM identity_received_messages WHERE expires_at <= $1", [now]);
    const inserted = await this.#store.exec(
      "INSERT INTO identity_received_messages (message_key, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
      [key, expiresAt],
    );
    return inserted.changes === 1;
  }
}

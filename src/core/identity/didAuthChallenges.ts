// Where DID-Auth challenges live between opening and answer: the agent's SQL store (they survive a restart), or
// memory for in-process callers without a store. A challenge is kept by the SHA-256 of its value, so the table never
// holds an answerable challenge in clear; consuming it is one conditional UPDATE, so two answers cannot both win.
import { createHash } from "node:crypto";
import type { Queryable, Store } from "../store/store.ts";

export interface OpenChallengeRow {
  challenge: string;
  owner: string;
  audience: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface ChallengeLimits {
  perOwner: number;
  total: number;
}

/** Why a challenge could not be opened: the owner's or the agent's allowance is used up. */
export interface ChallengeRefusal {
  scope: "key" | "agent";
  held: number;
  limit: number;
}

export type ConsumeOutcome =
  | { outcome: "consumed"; audience: string }
  | { outcome: "used"; usedAt: Date }
  | { outcome: "expired"; expiredAt: Date }
  | { outcome: "unknown" };

export interface ChallengeStore {
  /** Records the challenge unless an allowance is used up (then answers why, recording nothing). */
  open(row: OpenChallengeRow, limits: ChallengeLimits): Promise<ChallengeRefusal | null>;
  /** Marks the challenge used if it is open at `now`; otherwise says why not. */
  consume(challenge: string, now: Date): Promise<ConsumeOutcome>;
  /** Open (unexpired, unanswered) challenges at `now`: of one owner, or of all. */
  countOpen(now: Date, owner?: string): Promise<number>;
}

export function challengeKeyOf(challenge: string): string {
  return createHash("sha256").update(challenge, "utf8").digest("hex");
}

/**
 * Used and expired rows are kept this long past their expiry, so that a replay is named as one ("already used")
 * rather than "unknown"; later they are deleted when a challenge is opened. Either answer refuses the replay.
 */
const KEEP_CLOSED_MS = 24 * 3_600_000;

interface ChallengeRowDb {
  audience: string;
  expires_at: string;
  used_at: string | null;
}

export class SqlChallengeStore implements ChallengeStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  open(row: OpenChallengeRow, limits: ChallengeLimits): Promise<ChallengeRefusal | null> {
    const now = row.createdAt.toISOString();
    return this.#store.transaction(async (tx) => {
      await tx.exec("DELETE FROM identity_did_auth_challenges WHERE expires_at < $1", [
        new Date(row.createdAt.getTime() - KEEP_CLOSED_MS).toISOString(),
      ]);
      const held = await countOpen(tx, now, row.owner);
      if (held >= limits.perOwner) return { scope: "key", held, limit: limits.perOwner };
      const total = await countOpen(tx, now);
      if (total >= limits.total) return { scope: "agent", held: total, limit: limits.total };
      await tx.exec(
        `INSERT INTO identity_did_auth_challenges (challenge_hash, owner, audience, created_at, expires_at, used_at)
         VALUES ($1, $2, $3, $4, $5, NULL)`,
        [challengeKeyOf(row.challenge), row.owner, row.audience, now, row.expiresAt.toISOString()],
      );
      return null;
    });
  }

  async consume(challenge: string, now: Date): Promise<ConsumeOutcome> {
    const key = challengeKeyOf(challenge);
    const at = now.toISOString();
    // The one statement that decides: only the answer whose UPDATE changes the row consumes the challenge.
    const { changes } = await this.#store.exec(
      `UPDATE identity_did_auth_challenges SET used_at = $2
       WHERE challenge_hash = $1 AND used_at IS NULL AND expires_at > $2`,
      [key, at],
    );
    const row = await this.#store.one<ChallengeRowDb>(
      "SELECT audience, expires_at, used_at FROM identity_did_auth_challenges WHERE challenge_hash = $1",
      [key],
    );
    if (row === undefined) return { outcome: "unknown" };
    if (changes === 1) return { outcome: "consumed", audience: row.audience };
    if (row.used_at !== null) return { outcome: "used", usedAt: new Date(row.used_at) };
    return { outcome: "expired", expiredAt: new Date(row.expires_at) };
  }

  countOpen(now: Date, owner?: string): Promise<number> {
    return countOpen(this.#store, now.toISOString(), owner);
  }
}

async function countOpen(db: Queryable, now: string, owner?: string): Promise<number> {
  const row =
    owner === undefined
      ? await db.one<{ n: number }>(
          "SELECT COUNT(*) AS n FROM identity_did_auth_challenges WHERE used_at IS NULL AND expires_at > $1",
          [now],
        )
      : await db.one<{ n: number }>(
          `SELECT COUNT(*) AS n FROM identity_did_auth_challenges
           WHERE owner = $2 AND used_at IS NULL AND expires_at > $1`,
          [now, owner],
        );
  return Number(row?.n ?? 0);
}

/** The same rules in memory: for in-process callers without a store (lost on restart). */
export class MemoryChallengeStore implements ChallengeStore {
  readonly #rows = new Map<string, { owner: string; audience: string; expiresAt: number; usedAt: number | null }>();

  async open(row: OpenChallengeRow, limits: ChallengeLimits): Promise<ChallengeRefusal | null> {
    const now = row.createdAt.getTime();
    for (const [key, r] of this.#rows) if (r.expiresAt < now - KEEP_CLOSED_MS) this.#rows.delete(key);
    const held = await this.countOpen(row.createdAt, row.owner);
    if (held >= limits.perOwner) return { scope: "key", held, limit: limits.perOwner };
    const total = await this.countOpen(row.createdAt);
    if (total >= limits.total) return { scope: "agent", held: total, limit: limits.total };
    this.#rows.set(challengeKeyOf(row.challenge), {
      owner: row.owner,
      audience: row.audience,
      expiresAt: row.expiresAt.getTime(),
      usedAt: null,
    });
    return null;
  }

  async consume(challenge: string, now: Date): Promise<ConsumeOutcome> {
    const row = this.#rows.get(challengeKeyOf(challenge));
    if (row === undefined) return { outcome: "unknown" };
    if (row.usedAt !== null) return { outcome: "used", usedAt: new Date(row.usedAt) };
    if (row.expiresAt <= now.getTime()) return { outcome: "expired", expiredAt: new Date(row.expiresAt) };
    row.usedAt = now.getTime();
    return { outcome: "consumed", audience: row.audience };
  }

  async countOpen(now: Date, owner?: string): Promise<number> {
    let n = 0;
    for (const r of this.#rows.values()) {
      if (r.usedAt === null && r.expiresAt > now.getTime() && (owner === undefined || r.owner === owner)) n++;
    }
    return n;
  }
}

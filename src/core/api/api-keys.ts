// API keys: one per user of this member, `tlk_<keyId>_<secret>`, stored as SHA-256 of the secret (the secret is 32
// random bytes, so a fast hash is enough) and compared in constant time. The plaintext is returned once, at creation.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import pg from "pg";
import { decodeCursor, encodeCursor } from "../paging.ts";
import type { Migration, Queryable } from "../store/index.ts";
import { ApiError, type ErrorDetail } from "./errors.ts";

export const ROLES = ["read-only", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];
const ROLE_RANK: Record<Role, number> = { "read-only": 1, operator: 2, admin: 3 };

/** admin > operator > read-only. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLE_RANK[held] >= ROLE_RANK[needed];
}

/** Who is calling: set on request.principal for every authenticated route. */
export interface Principal {
  memberId: string;
  keyId: string;
  userName: string;
  role: Role;
}

export interface ApiKeySummary {
  keyId: string;
  userName: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export const apiMigrations: Migration[] = [
  {
    id: "0001_core_api_keys",
    sql: `CREATE TABLE api_keys (
      key_id TEXT PRIMARY KEY,
      member_id TEXT NOT NULL,
      user_name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('read-only', 'operator', 'admin')),
      secret_hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT,
      last_used_at TEXT
    );
    CREATE INDEX api_keys_member ON api_keys (member_id, created_at, key_id);`,
  },
];

export const KEY_ID_PATTERN = "^[0-9a-f]{16}$";
const API_KEY = /^tlk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

interface ApiKeyRow {
  key_id: string;
  member_id: string;
  user_name: string;
  role: Role;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

function summary(row: ApiKeyRow): ApiKeySummary {
  return {
    keyId: row.key_id,
    userName: row.user_name,
    role: row.role,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export interface CreateApiKeyParams {
  memberId: string;
  userName: string;
  role: Role;
}

export async function createApiKey(
  store: Queryable,
  params: CreateApiKeyParams,
): Promise<{ keyId: string; key: string; summary: ApiKeySummary }> {
  const details: ErrorDetail[] = [];
  if (typeof params.memberId !== "string" || params.memberId.trim() === "" || params.memberId.length > 200) {
    details.push({ field: "memberId", message: "must be a non-empty string of at most 200 characters" });
  }
  if (typeof params.userName !== "string" || !/^[^\p{C}]{1,100}$/u.test(params.userName) || !params.userName.trim()) {
    details.push({ field: "userName", message: "must be 1 to 100 printable characters" });
  }
  if (!ROLES.includes(params.role)) details.push({ field: "role", message: `must be one of ${ROLES.join(", ")}` });
  if (details.length) throw new ApiError("VALIDATION_FAILED", "invalid API key parameters", { details });

  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const createdAt = new Date().toISOString();
  await store.exec(
    "INSERT INTO api_keys (key_id, member_id, user_name, role, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [keyId, params.memberId, params.userName, params.role, hashSecret(secret).toString("hex"), createdAt],
  );
  return {
    keyId,
    key: `tlk_${keyId}_${secret}`,
    summary: { keyId, userName: params.userName, role: params.role, createdAt, revokedAt: null, lastUsedAt: null },
  };
}

/** The PostgreSQL channel a revocation is announced on, so every replica drops the key from its cache at once. */
export const API_KEY_REVOKED_CHANNEL = "telco_ledger_api_key_revoked";

const CACHE_MAX_KEYS = 10_000;

/**
 * The api_keys rows of known keys, so an authenticated request costs no database query. The presented secret is still
 * hashed and compared with the row's hash on every request, and the revocation, member and role checks run as before.
 * A revocation drops the key at once: in this process directly, in other replicas sharing PostgreSQL through
 * NOTIFY on API_KEY_REVOKED_CHANNEL. Only while `live` is the cache used: with PostgreSQL that is while the
 * LISTEN connection is up (a notification missed while it was down could leave a revoked key cached).
 */
export class ApiKeyCache {
  readonly #rows = new Map<string, ApiKeyRow>();
  /** Bumped by every invalidation: a row read before one is not cached after it. */
  #generation = 0;
  #live: boolean;

  constructor(options: { live: boolean }) {
    this.#live = options.live;
  }

  get live(): boolean {
    return this.#live;
  }

  /** Turns the cache on or off; either way what it held is dropped. */
  setLive(live: boolean): void {
    this.#live = live;
    this.invalidateAll();
  }

  get size(): number {
    return this.#rows.size;
  }

  invalidate(keyId: string): void {
    this.#generation++;
    this.#rows.delete(keyId);
  }

  invalidateAll(): void {
    this.#generation++;
    this.#rows.clear();
  }

  /** The row of a key: from the cache, or read and (unless invalidated meanwhile) kept. */
  async row(store: Queryable, keyId: string): Promise<ApiKeyRow | undefined> {
    if (this.#live) {
      const cached = this.#rows.get(keyId);
      if (cached) return cached;
    }
    const generation = this.#generation;
    const row = await store.one<ApiKeyRow>("SELECT * FROM api_keys WHERE key_id = $1", [keyId]);
    // Unknown key ids are not kept: a client cannot fill the cache with made-up ids.
    if (row && this.#live && generation === this.#generation) {
      if (this.#rows.size >= CACHE_MAX_KEYS) this.#rows.delete(this.#rows.keys().next().value as string);
      this.#rows.set(keyId, row);
    }
    return row;
  }
}

/**
 * Keeps a cache live while a PostgreSQL connection LISTENs on API_KEY_REVOKED_CHANNEL, dropping each announced key;
 * when the connection breaks the cache is switched off (every request reads the database) until it is back.
 */
export async function listenForRevocations(
  databaseUrl: string,
  cache: ApiKeyCache,
  options: { retryMs?: number; onError?: (error: Error) => void } = {},
): Promise<{ stop(): Promise<void> }> {
  const retryMs = options.retryMs ?? 1000;
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const broken = (error: Error) => {
    cache.setLive(false);
    if (stopped) return;
    options.onError?.(error);
    const old = client;
    client = undefined;
    old?.end().catch(() => undefined);
    retry ??= setTimeout(() => {
      retry = undefined;
      connect().catch(broken);
    }, retryMs);
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
    next.on("error", broken);
    next.on("end", () => broken(new Error("the API key revocation listener's connection ended")));
    next.on("notification", (message) => {
      if (message.channel === API_KEY_REVOKED_CHANNEL && message.payload) cache.invalidate(message.payload);
    });
    client = next;
    await next.connect();
    await next.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
    if (stopped) return;
    cache.setLive(true);
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      cache.setLive(false);
      await client?.end().catch(() => undefined);
    },
  };
}

/** Revokes a key of this member (idempotent); NOT_FOUND when the member has no such key. */
export async function revokeApiKey(
  store: Queryable & { dialect?: string },
  params: { memberId: string; keyId: string },
  cache?: ApiKeyCache,
): Promise<ApiKeySummary> {
  await store.exec("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND member_id = $3 AND revoked_at IS NULL", [
    new Date().toISOString(),
    params.keyId,
    params.memberId,
  ]);
  cache?.invalidate(params.keyId);
  if (store.dialect === "postgres") {
    await store.exec("SELECT pg_notify($1, $2)", [API_KEY_REVOKED_CHANNEL, params.keyId]);
  }
  const row = await store.one<ApiKeyRow>("SELECT * FROM api_keys WHERE key_id = $1 AND member_id = $2", [
    params.keyId,
    params.memberId,
  ]);
  if (!row) throw new ApiError("NOT_FOUND", `no API key ${params.keyId}`);
  return summary(row);
}

/** This member's keys, oldest first, one page at a time. */
export async function listApiKeys(
  store: Queryable,
  params: { memberId: string; limit?: number; cursor?: string },
): Promise<{ items: ApiKeySummary[]; nextCursor: string | null }> {
  const limit = params.limit ?? 50;
  const after = params.cursor ? decodeCursor(params.cursor, 2).map(String) : undefined;
  const rows = after
    ? await store.query<ApiKeyRow>(
        `SELECT * FROM api_keys WHERE member_id = $1 AND (created_at > $2 OR (created_at = $2 AND key_id > $3))
         ORDER BY created_at, key_id LIMIT $4`,
        [params.memberId, after[0] ?? "", after[1] ?? "", limit + 1],
      )
    : await store.query<ApiKeyRow>("SELECT * FROM api_keys WHERE member_id = $1 ORDER BY created_at, key_id LIMIT $2", [
        params.memberId,
        limit + 1,
      ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(summary),
    nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.key_id]) : null,
  };
}

/** Why a presented key was refused; logged, never sent to the client (one message for all, no oracle). */
export type KeyRejection = "malformed" | "unknown" | "revoked" | "other-member" | "wrong-secret";

/** Checks a presented `tlk_` key against this member's keys. */
export async function verifyApiKey(
  store: Queryable,
  memberId: string,
  presented: string,
  cache?: ApiKeyCache,
): Promise<{ ok: true; principal: Principal } | { ok: false; reason: KeyRejection; keyId?: string }> {
  const match = API_KEY.exec(presented);
  if (!match) return { ok: false, reason: "malformed" };
  const [, keyId = "", secret = ""] = match;
  const row = cache
    ? await cache.row(store, keyId)
    : await store.one<ApiKeyRow>("SELECT * FROM api_keys WHERE key_id = $1", [keyId]);
  const expected = row ? Buffer.from(row.secret_hash, "hex") : Buffer.alloc(32);
  const secretMatches = timingSafeEqual(hashSecret(secret), expected.length === 32 ? expected : Buffer.alloc(32));
  if (!row) return { ok: false, reason: "unknown", keyId };
  if (!secretMatches) return { ok: false, reason: "wrong-secret", keyId };
  if (row.revoked_at !== null) return { ok: false, reason: "revoked", keyId };
  // A key of one member can never act for another, even when both agents share a database.
  if (row.member_id !== memberId) return { ok: false, reason: "other-member", keyId };
  return { ok: true, principal: { memberId: row.member_id, keyId, userName: row.user_name, role: row.role } };
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Records last_used_at at most once a minute per key, so reads do not each cost a write. */
export function lastUsedRecorder(store: Queryable): (keyId: string) => Promise<void> {
  const recorded = new Map<string, number>();
  return async (keyId) => {
    const now = Date.now();
    if (now - (recorded.get(keyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    recorded.set(keyId, now);
    await store.exec("UPDATE api_keys SET last_used_at = $1 WHERE key_id = $2", [new Date(now).toISOString(), keyId]);
  };
}

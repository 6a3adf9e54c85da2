// API keys: one per user of this member, `tlk_<keyId>_<secret>`, stored as SHA-256 of the secret (the secret is 32
// random bytes, so a fast hash is enough) and compared in constant time. The plaintext is returned once, at creation.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
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

/** Revokes a key of this member (idempotent); NOT_FOUND when the member has no such key. */
export async function revokeApiKey(
  store: Queryable,
  params: { memberId: string; keyId: string },
): Promise<ApiKeySummary> {
  await store.exec("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND member_id = $3 AND revoked_at IS NULL", [
    new Date().toISOString(),
    params.keyId,
    params.memberId,
  ]);
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
): Promise<{ ok: true; principal: Principal } | { ok: false; reason: KeyRejection; keyId?: string }> {
  const match = API_KEY.exec(presented);
  if (!match) return { ok: false, reason: "malformed" };
  const [, keyId = "", secret = ""] = match;
  const row = await store.one<ApiKeyRow>("SELECT * FROM api_keys WHERE key_id = $1", [keyId]);
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

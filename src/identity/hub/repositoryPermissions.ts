// SQL of the access permissions held by identity hubs (migration 0232). No logic: permissions.ts decides who may do
// what; this file reads and writes rows.
import type { Store } from "../../core/store/index.ts";

/** A copy of a granted attestation, sealed on the person's device to the grantee's key-agreement key. */
export interface SealedCopy {
  attestationType: string;
  jwe: string;
}

export interface HubPermission {
  owner: string;
  id: string;
  grantee: string;
  attestationTypes: string[];
  actions: "read"[];
  /** Unix seconds; null: no expiry. */
  expiresAt: number | null;
  createdAt: string;
  /** The DID (owner or device) that signed the grant. */
  createdBy: string;
  retractedAt: string | null;
  retrievedCount: number;
  lastRetrievedAt: string | null;
}

interface PermissionRow {
  owner: string;
  permission_id: string;
  grantee: string;
  attestation_types: string;
  actions: string;
  expires_at: number | string | null;
  copies: string;
  created_at: string;
  created_by: string;
  retracted_at: string | null;
  retrieved_count: number | string;
  last_retrieved_at: string | null;
}

const COLUMNS =
  "owner, permission_id, grantee, attestation_types, actions, expires_at, copies, created_at, created_by, retracted_at, retrieved_count, last_retrieved_at";

const permissionOf = (row: PermissionRow): HubPermission => ({
  owner: row.owner,
  id: row.permission_id,
  grantee: row.grantee,
  attestationTypes: JSON.parse(row.attestation_types) as string[],
  actions: JSON.parse(row.actions) as "read"[],
  expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  createdAt: row.created_at,
  createdBy: row.created_by,
  retractedAt: row.retracted_at,
  retrievedCount: Number(row.retrieved_count),
  lastRetrievedAt: row.last_retrieved_at,
});

export class HubPermissionStore {
  readonly #db: Store;

  constructor(db: Store) {
    this.#db = db;
  }

  /** Inserts the permission with its copies; false when the hub holds one with this id (nothing changed). */
  async insert(permission: HubPermission, copies: SealedCopy[]): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `INSERT INTO identity_hub_permissions (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, 0, NULL) ON CONFLICT (owner, permission_id) DO NOTHING`,
      [
        permission.owner,
        permission.id,
        permission.grantee,
        JSON.stringify(permission.attestationTypes),
        JSON.stringify(permission.actions),
        permission.expiresAt,
        JSON.stringify(copies),
        permission.createdAt,
        permission.createdBy,
      ],
    );
    return changes === 1;
  }

  async get(owner: string, id: string): Promise<{ permission: HubPermission; copies: SealedCopy[] } | undefined> {
    const row = await this.#db.one<PermissionRow>(
      `SELECT ${COLUMNS} FROM identity_hub_permissions WHERE owner = $1 AND permission_id = $2`,
      [owner, id],
    );
    return row && { permission: permissionOf(row), copies: JSON.parse(row.copies) as SealedCopy[] };
  }

  /** The hub's permissions, newest first, keyset pages on (created_at, permission_id). */
  async list(owner: string, limit: number, after?: readonly [string, string]): Promise<HubPermission[]> {
    const rows = after
      ? await this.#db.query<PermissionRow>(
          `SELECT ${COLUMNS} FROM identity_hub_permissions
           WHERE owner = $1 AND (created_at < $2 OR (created_at = $2 AND permission_id < $3))
           ORDER BY created_at DESC, permission_id DESC LIMIT $4`,
          [owner, after[0], after[1], limit + 1],
        )
      : await this.#db.query<PermissionRow>(
          `SELECT ${COLUMNS} FROM identity_hub_permissions WHERE owner = $1
           ORDER BY created_at DESC, permission_id DESC LIMIT $2`,
          [owner, limit + 1],
        );
    return rows.map(permissionOf);
  }

  /** Counts the hub's permissions: those not retracted, and all rows. */
  async counts(owner: string): Promise<{ live: number; all: number }> {
    const row = await this.#db.one<{ live: number | string | null; total: number | string }>(
      `SELECT SUM(CASE WHEN retracted_at IS NULL THEN 1 ELSE 0 END) AS live, COUNT(*) AS total
       FROM identity_hub_permissions WHERE owner = $1`,
      [owner],
    );
    return { live: Number(row?.live ?? 0), all: Number(row?.total ?? 0) };
  }

  /** Forgets retracted permissions older than `before` (a retrieval under them is then "not granted"). */
  async pruneRetracted(owner: string, before: string): Promise<void> {
    await this.#db.exec(
      "DELETE FROM identity_hub_permissions WHERE owner = $1 AND retracted_at IS NOT NULL AND retracted_at < $2",
      [owner, before],
    );
  }

  /** Retracts (clearing the copies) if not retracted yet; false when it was (or does not exist). */
  async retract(owner: string, id: string, at: string): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `UPDATE identity_hub_permissions SET retracted_at = $3, copies = '[]'
       WHERE owner = $1 AND permission_id = $2 AND retracted_at IS NULL`,
      [owner, id, at],
    );
    return changes === 1;
  }

  /** Counts a retrieval, only while the permission stands (a retraction that won the race answers nothing). */
  async countRetrieval(owner: string, id: string, at: string): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `UPDATE identity_hub_permissions SET retrieved_count = retrieved_count + 1, last_retrieved_at = $3
       WHERE owner = $1 AND permission_id = $2 AND retracted_at IS NULL`,
      [owner, id, at],
    );
    return changes === 1;
  }
}

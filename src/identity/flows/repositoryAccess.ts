// SQL of the enterprise agent's access permissions and spent single-use attestations (migration 0218). No logic.
import type { Store } from "../../core/store/index.ts";

export type AccessStatus = "requested" | "granted" | "denied" | "retracted";

export interface AccessRecord {
  permissionId: string;
  /** The RequestAccess message's identifier (the nonce a holder-bound copy must carry). */
  requestIdentifier: string;
  /** The person's DID the request went to (their pairwise DID for this agent). */
  peer: string;
  endpoint: string;
  hub: { url: string; owner: string };
  attestationTypes: string[];
  expiresAt: number | null;
  purpose: string;
  status: AccessStatus;
  requestedBy: string;
  requestedAt: string;
  answeredAt: string | null;
  reason: string | null;
  retractedAt: string | null;
}

interface Row {
  permission_id: string;
  request_identifier: string;
  peer: string;
  endpoint: string;
  hub_url: string;
  hub_owner: string;
  attestation_types: string;
  expires_at: number | string | null;
  purpose: string;
  status: string;
  requested_by: string;
  requested_at: string;
  answered_at: string | null;
  reason: string | null;
  retracted_at: string | null;
}

const recordOf = (r: Row): AccessRecord => ({
  permissionId: r.permission_id,
  requestIdentifier: r.request_identifier,
  peer: r.peer,
  endpoint: r.endpoint,
  hub: { url: r.hub_url, owner: r.hub_owner },
  attestationTypes: JSON.parse(r.attestation_types) as string[],
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  purpose: r.purpose,
  status: r.status as AccessStatus,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  answeredAt: r.answered_at,
  reason: r.reason,
  retractedAt: r.retracted_at,
});

export interface SpentRecord {
  credentialId: string;
  issuer: string;
  holder: string;
  /** The identifier of the PresentAttestation message that spent it. */
  presentation: string;
  spentAt: string;
  spentBy: string;
}

export class AccessRepository {
  readonly #db: Store;

  constructor(db: Store) {
    this.#db = db;
  }

  async insert(r: AccessRecord): Promise<void> {
    await this.#db.exec(
      `INSERT INTO identity_access_permissions (permission_id, request_identifier, peer, endpoint, hub_url, hub_owner,
         attestation_types, expires_at, purpose, status, requested_by, requested_at, answered_at, reason, retracted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL)`,
      [
        r.permissionId,
        r.requestIdentifier,
        r.peer,
        r.endpoint,
        r.hub.url,
        r.hub.owner,
        JSON.stringify(r.attestationTypes),
        r.expiresAt,
        r.purpose,
        r.status,
        r.requestedBy,
        r.requestedAt,
      ],
    );
  }

  async remove(permissionId: string): Promise<void> {
    await this.#db.exec("DELETE FROM identity_access_permissions WHERE permission_id = $1", [permissionId]);
  }

  async get(permissionId: string): Promise<AccessRecord | undefined> {
    const row = await this.#db.one<Row>("SELECT * FROM identity_access_permissions WHERE permission_id = $1", [
      permissionId,
    ]);
    return row && recordOf(row);
  }

  async byRequest(requestIdentifier: string): Promise<AccessRecord | undefined> {
    const row = await this.#db.one<Row>("SELECT * FROM identity_access_permissions WHERE request_identifier = $1", [
      requestIdentifier,
    ]);
    return row && recordOf(row);
  }

  /** Moves a permission from `from` to `to` (one conditional update); false when it was not in `from`. */
  async answer(
    permissionId: string,
    from: AccessStatus,
    to: AccessStatus,
    at: string,
    reason: string | null,
  ): Promise<boolean> {
    const column = to === "retracted" ? "retracted_at" : "answered_at";
    const { changes } = await this.#db.exec(
      `UPDATE identity_access_permissions SET status = $3, ${column} = $4, reason = COALESCE($5, reason)
       WHERE permission_id = $1 AND status = $2`,
      [permissionId, from, to, at, reason],
    );
    return changes === 1;
  }

  /** Newest first, keyset pages on (requested_at, permission_id); `status` filters. */
  async list(limit: number, after?: readonly [string, string], status?: AccessStatus): Promise<AccessRecord[]> {
    const params: (string | number)[] = [];
    const where: string[] = [];
    if (status) {
      params.push(status);
      where.push(`status = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      where.push(
        `(requested_at < $${params.length - 1} OR (requested_at = $${params.length - 1} AND permission_id < $${params.length}))`,
      );
    }
    params.push(limit + 1);
    const rows = await this.#db.query<Row>(
      `SELECT * FROM identity_access_permissions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY requested_at DESC, permission_id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(recordOf);
  }

  /** Spends a single-use attestation: true for the one insert that wins, false when it was spent already. */
  async spend(record: SpentRecord): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `INSERT INTO identity_spent_attestations (credential_id, issuer, holder, presentation, spent_at, spent_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id) DO NOTHING`,
      [record.credentialId, record.issuer, record.holder, record.presentation, record.spentAt, record.spentBy],
    );
    return changes === 1;
  }

  async spent(credentialId: string): Promise<SpentRecord | undefined> {
    const row = await this.#db.one<{
      credential_id: string;
      issuer: string;
      holder: string;
      presentation: string;
      spent_at: string;
      spent_by: string;
    }>("SELECT * FROM identity_spent_attestations WHERE credential_id = $1", [credentialId]);
    return (
      row && {
        credentialId: row.credential_id,
        issuer: row.issuer,
        holder: row.holder,
        presentation: row.presentation,
        spentAt: row.spent_at,
        spentBy: row.spent_by,
      }
    );
  }

  /** A message this agent exchanged (identity_messages, migration 0214): `in` from `peer`, or `out` to it. */
  async exchanged(
    direction: "in" | "out",
    identifier: string,
    type: string,
  ): Promise<{ peer: string; message: Record<string, unknown> } | undefined> {
    const row = await this.#db.one<{ sender: string; recipient: string; message: string }>(
      `SELECT sender, recipient, message FROM identity_messages
       WHERE direction = $1 AND identifier = $2 AND type = $3 ORDER BY at LIMIT 1`,
      [direction, identifier, type],
    );
    return (
      row && {
        peer: direction === "in" ? row.sender : row.recipient,
        message: JSON.parse(row.message) as Record<string, unknown>,
      }
    );
  }
}

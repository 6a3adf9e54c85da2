// The attestation flows' tables (migration 0217): services offered, requests answered, attestations issued. The only
// SQL of the flows lives here.
import type { Store } from "../../core/store/index.ts";

export interface IssuedRow {
  credential_id: string;
  vc_id: string;
  attestation_type: string;
  issuer: string;
  holder: string;
  claims: string;
  state: "active" | "revoked" | "superseded";
  replaced_by: string | null;
  issued_at: string;
}

export interface RequestRow {
  request_id: string;
  attestation_type: string;
  state: string;
}

const now = () => new Date().toISOString();

export class FlowRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Stores a service's definition; true when it is new. */
  async putService(type: string, definition: string, updatedAt: string): Promise<boolean> {
    const changed = await this.#store.exec(
      "UPDATE identity_attestation_services SET definition = $2, updated_at = $3 WHERE attestation_type = $1",
      [type, definition, updatedAt],
    );
    if (changed.changes === 1) return false;
    await this.#store.exec(
      `INSERT INTO identity_attestation_services (attestation_type, definition, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (attestation_type) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
      [type, definition, updatedAt],
    );
    return true;
  }

  async service(type: string): Promise<string | undefined> {
    const row = await this.#store.one<{ definition: string }>(
      "SELECT definition FROM identity_attestation_services WHERE attestation_type = $1",
      [type],
    );
    return row?.definition;
  }

  async services(limit: number, after: string): Promise<string[]> {
    const rows = await this.#store.query<{ definition: string }>(
      `SELECT definition FROM identity_attestation_services WHERE attestation_type > $1
       ORDER BY attestation_type LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.definition);
  }

  issuedById(credentialId: string): Promise<IssuedRow | undefined> {
    return this.#store.one<IssuedRow>("SELECT * FROM identity_attestation_issued WHERE credential_id = $1", [
      credentialId,
    ]);
  }

  issuedByVcId(vcId: string): Promise<IssuedRow | undefined> {
    return this.#store.one<IssuedRow>("SELECT * FROM identity_attestation_issued WHERE vc_id = $1", [vcId]);
  }

  issuedPage(limit: number, after?: readonly [string, string]): Promise<IssuedRow[]> {
    return after
      ? this.#store.query<IssuedRow>(
          `SELECT * FROM identity_attestation_issued WHERE issued_at < $1 OR (issued_at = $1 AND credential_id < $2)
           ORDER BY issued_at DESC, credential_id DESC LIMIT $3`,
          [after[0], after[1], limit],
        )
      : this.#store.query<IssuedRow>(
          "SELECT * FROM identity_attestation_issued ORDER BY issued_at DESC, credential_id DESC LIMIT $1",
          [limit],
        );
  }

  async insertIssued(row: Omit<IssuedRow, "state" | "replaced_by">): Promise<void> {
    await this.#store.exec(
      `INSERT INTO identity_attestation_issued
         (credential_id, vc_id, attestation_type, issuer, holder, claims, state, replaced_by, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', NULL, $7)`,
      [row.credential_id, row.vc_id, row.attestation_type, row.issuer, row.holder, row.claims, row.issued_at],
    );
  }

  async setIssuedState(credentialId: string, state: IssuedRow["state"], replacedBy: string | null): Promise<void> {
    await this.#store.exec(
      "UPDATE identity_attestation_issued SET state = $2, replaced_by = $3, changed_at = $4 WHERE credential_id = $1",
      [credentialId, state, replacedBy, now()],
    );
  }

  /** Takes a request once: false when this peer's request identifier was taken before. */
  async takeRequest(peer: string, requestId: string, type: string): Promise<boolean> {
    const taken = await this.#store.exec(
      `INSERT INTO identity_attestation_requests (peer, request_id, attestation_type, state, created_at)
       VALUES ($1, $2, $3, 'received', $4) ON CONFLICT (peer, request_id) DO NOTHING`,
      [peer, requestId, type, now()],
    );
    return taken.changes === 1;
  }

  async awaitPresentation(peer: string, requestId: string, preconditionsId: string): Promise<void> {
    await this.#store.exec(
      `UPDATE identity_attestation_requests SET state = 'awaiting', preconditions_id = $3, answered_at = $4
       WHERE peer = $1 AND request_id = $2`,
      [peer, requestId, preconditionsId, now()],
    );
  }

  requestByPreconditions(peer: string, preconditionsId: string): Promise<RequestRow | undefined> {
    return this.#store.one<RequestRow>(
      `SELECT request_id, attestation_type, state FROM identity_attestation_requests
       WHERE peer = $1 AND preconditions_id = $2`,
      [peer, preconditionsId],
    );
  }

  /** Moves an awaiting request to issued; false when it was answered already. */
  async markIssued(peer: string, requestId: string): Promise<boolean> {
    const moved = await this.#store.exec(
      `UPDATE identity_attestation_requests SET state = 'issued', answered_at = $3
       WHERE peer = $1 AND request_id = $2 AND state = 'awaiting'`,
      [peer, requestId, now()],
    );
    return moved.changes === 1;
  }

  async markDenied(peer: string, requestId: string, code: string): Promise<void> {
    await this.#store.exec(
      `UPDATE identity_attestation_requests SET state = 'denied', reason = $3, answered_at = $4
       WHERE peer = $1 AND request_id = $2 AND state <> 'issued'`,
      [peer, requestId, code, now()],
    );
  }
}

// The off-chain records signed calls keeps itself (tables of migrations.ts): the run-time settings, the trusted roots
// added through the API, and the STI keys' kids with their certificates (as STI-CA and as OSP). SQL only; the rules
// live in the service and the STI authority.
import type { Queryable } from "../core/store/store.ts";

/** The key and certificate this agent holds in one STI role. Private keys stay in the keystore: only the kid is here. */
export interface StiRecord {
  role: StiRole;
  kid: string;
  spc: string | null;
  certificatePem: string | null;
}

/** "ca": the STI-CA root this agent runs (sandbox); "osp": its own STI key and the chain issued for it. */
export type StiRole = "ca" | "osp";

export class StirRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** The settings last stored through the API (JSON as written), or undefined. */
  async storedSettings(): Promise<unknown> {
    const row = await this.#db.one<{ value: string }>(`SELECT value FROM stir_settings WHERE name = 'settings'`);
    return row ? JSON.parse(row.value) : undefined;
  }

  async storeSettings(settings: object): Promise<void> {
    await this.#db.exec(
      `INSERT INTO stir_settings (name, value) VALUES ('settings', $1)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [JSON.stringify(settings)],
    );
  }

  /** PEMs of the roots added through the API, oldest first. */
  async trustRootPems(): Promise<string[]> {
    const rows = await this.#db.query<{ pem: string }>(`SELECT pem FROM stir_trust_roots ORDER BY added_at`);
    return rows.map((row) => row.pem);
  }

  async addTrustRoot(fingerprint: string, pem: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO stir_trust_roots (fingerprint, pem, added_at) VALUES ($1, $2, $3) ON CONFLICT (fingerprint) DO NOTHING`,
      [fingerprint, pem, new Date().toISOString()],
    );
  }

  async removeTrustRoot(fingerprint: string): Promise<void> {
    await this.#db.exec(`DELETE FROM stir_trust_roots WHERE fingerprint = $1`, [fingerprint]);
  }

  async stiRecord(role: StiRole): Promise<StiRecord | undefined> {
    const row = await this.#db.one<{ role: StiRole; kid: string; spc: string | null; certificate_pem: string | null }>(
      `SELECT role, kid, spc, certificate_pem FROM stir_sti WHERE role = $1`,
      [role],
    );
    return row && { role: row.role, kid: row.kid, spc: row.spc, certificatePem: row.certificate_pem };
  }

  async putStiRecord(record: StiRecord): Promise<void> {
    await this.#db.exec(
      `INSERT INTO stir_sti (role, kid, spc, certificate_pem, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (role) DO UPDATE SET kid = excluded.kid, spc = excluded.spc,
         certificate_pem = excluded.certificate_pem, updated_at = excluded.updated_at`,
      [record.role, record.kid, record.spc, record.certificatePem, new Date().toISOString()],
    );
  }
}

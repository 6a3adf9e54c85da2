// The consortium key this agent keyed-hashes IMEIs with: off chain, one row, never projected and never answered by
// the API (only its fingerprint). SQL only; keys.ts decides.
import type { Queryable } from "../core/store/store.ts";

export class ConsortiumKeyRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async load(): Promise<{ keyHex: string; fingerprint: string; updatedAt: string } | undefined> {
    const row = await this.#db.one<{ key_hex: string; fingerprint: string; updated_at: string }>(
      `SELECT key_hex, fingerprint, updated_at FROM registries_consortium_key WHERE id = 1`,
    );
    return row ? { keyHex: row.key_hex, fingerprint: row.fingerprint, updatedAt: row.updated_at } : undefined;
  }

  async save(keyHex: string, fingerprint: string, at: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO registries_consortium_key (id, key_hex, fingerprint, updated_at) VALUES (1, $1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET key_hex = $1, fingerprint = $2, updated_at = $3`,
      [keyHex, fingerprint, at],
    );
  }
}

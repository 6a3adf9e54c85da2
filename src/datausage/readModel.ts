// Queries over the projected data-usage tables (the only SQL reading them): contracts with their chain of parents,
// recipients and anchored batches, and the rows the decision index loads.
import type { Store } from "../core/store/store.ts";

export interface ContractRow {
  id: string;
  controller: string;
  parent: string | null;
  root: string;
  depth: number;
  max_depth: number;
  subject_fingerprint: string | null;
  data_fingerprint: string;
  policy_fingerprint: string;
  policy_structure: string | null;
  consent_hash: string | null;
  created_at: number;
  revoked_at: number;
  block_number: number;
}

export interface BatchRow {
  batch_id: string;
  recorder: string;
  root: string;
  leaf_count: number;
  anchored_at: number;
  block_number: number;
  tx_hash: string;
}

const CONTRACT_COLUMNS = `id, controller, parent, root, depth, max_depth, subject_fingerprint, data_fingerprint,
  policy_fingerprint, policy_structure, consent_hash, created_at, revoked_at, block_number`;

export class DataUsageReadModel {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  contract(id: string): Promise<ContractRow | undefined> {
    return this.#store.one<ContractRow>(`SELECT ${CONTRACT_COLUMNS} FROM datausage_contracts WHERE id = $1`, [
      id.toLowerCase(),
    ]);
  }

  /** Contracts in id order, optionally those of one controller; limit + 1 rows for keyset paging. */
  contracts(limit: number, after = "", controller?: string): Promise<ContractRow[]> {
    if (controller === undefined)
      return this.#store.query<ContractRow>(
        `SELECT ${CONTRACT_COLUMNS} FROM datausage_contracts WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, limit + 1],
      );
    return this.#store.query<ContractRow>(
      `SELECT ${CONTRACT_COLUMNS} FROM datausage_contracts WHERE controller = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [controller.toLowerCase(), after, limit + 1],
    );
  }

  /** The contracts derived from `id`, directly (its processors' contracts). */
  children(id: string): Promise<ContractRow[]> {
    return this.#store.query<ContractRow>(
      `SELECT ${CONTRACT_COLUMNS} FROM datausage_contracts WHERE parent = $1 ORDER BY id LIMIT 64`,
      [id.toLowerCase()],
    );
  }

  async isAllowedRecipient(root: string, recipient: string): Promise<boolean> {
    const row = await this.#store.one<{ n: number }>(
      `SELECT 1 AS n FROM datausage_recipients WHERE root = $1 AND recipient = $2`,
      [root.toLowerCase(), recipient.toLowerCase()],
    );
    return row !== undefined;
  }

  batch(batchId: string): Promise<BatchRow | undefined> {
    return this.#store.one<BatchRow>(
      `SELECT batch_id, recorder, root, leaf_count, anchored_at, block_number, tx_hash FROM datausage_batches
       WHERE batch_id = $1`,
      [batchId.toLowerCase()],
    );
  }

  /** Every contract's place in its chain and revocation: what the decision index needs besides the policies. */
  indexSource(): Promise<Pick<ContractRow, "id" | "parent" | "created_at" | "revoked_at">[]> {
    return this.#store.query(`SELECT id, parent, created_at, revoked_at FROM datausage_contracts`);
  }

  /** Everything the consistency check compares with the chain. */
  async consistencySource(): Promise<{ contracts: ContractRow[]; batches: BatchRow[] }> {
    return {
      contracts: await this.#store.query<ContractRow>(
        `SELECT ${CONTRACT_COLUMNS} FROM datausage_contracts ORDER BY id`,
      ),
      batches: await this.#store.query<BatchRow>(
        `SELECT batch_id, recorder, root, leaf_count, anchored_at, block_number, tx_hash FROM datausage_batches
         ORDER BY batch_id`,
      ),
    };
  }
}

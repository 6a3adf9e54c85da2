// Records this agent keeps itself: the attestation tokens it issued or imported (with batch id and inclusion proof
// once anchored) and the relying-party policies, every version. SQL only; the service decides.
import type { Address, Hex } from "viem";
import type { Queryable, Store } from "../core/store/store.ts";
import type { Policy } from "./policy.ts";

export interface TokenRecord {
  id: Hex;
  form: "onchain" | "offchain";
  jwt: string;
  schemaId: Hex;
  subject: Hex;
  attester: Address;
  dataHash: Hex;
  expiresAt: number;
  issuedAt: number;
  leaf: Hex;
  batchId: Hex | null;
  proof: Hex[] | null;
}

interface TokenRow {
  id: string;
  form: string;
  jwt: string;
  schema_id: string;
  subject: string;
  attester: string;
  data_hash: string;
  expires_at: number;
  issued_at: number;
  leaf: string;
  batch_id: string | null;
  proof: string | null;
}

const toRecord = (r: TokenRow): TokenRecord => ({
  id: r.id as Hex,
  form: r.form === "onchain" ? "onchain" : "offchain",
  jwt: r.jwt,
  schemaId: r.schema_id as Hex,
  subject: r.subject as Hex,
  attester: r.attester as Address,
  dataHash: r.data_hash as Hex,
  expiresAt: Number(r.expires_at),
  issuedAt: Number(r.issued_at),
  leaf: r.leaf as Hex,
  batchId: (r.batch_id as Hex | null) ?? null,
  proof: r.proof === null ? null : (JSON.parse(r.proof) as Hex[]),
});

export class IotRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Stores a token; a second store of the same id changes nothing (returns false). */
  async putToken(t: TokenRecord, db: Queryable = this.#store): Promise<boolean> {
    const { changes } = await db.exec(
      `INSERT INTO iot_tokens (id, form, jwt, schema_id, subject, attester, data_hash, expires_at, issued_at, leaf,
         batch_id, proof, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
      [
        t.id.toLowerCase(),
        t.form,
        t.jwt,
        t.schemaId.toLowerCase(),
        t.subject.toLowerCase(),
        t.attester.toLowerCase(),
        t.dataHash.toLowerCase(),
        t.expiresAt,
        t.issuedAt,
        t.leaf.toLowerCase(),
        t.batchId?.toLowerCase() ?? null,
        t.proof === null ? null : JSON.stringify(t.proof),
        new Date().toISOString(),
      ],
    );
    return changes > 0;
  }

  async token(id: Hex): Promise<TokenRecord | undefined> {
    const row = await this.#store.one<TokenRow>(`SELECT * FROM iot_tokens WHERE id = $1`, [id.toLowerCase()]);
    return row && toRecord(row);
  }

  /** Off-chain tokens of `attester` not yet in a batch, oldest first. */
  async pending(attester: Address, limit: number): Promise<TokenRecord[]> {
    const rows = await this.#store.query<TokenRow>(
      `SELECT * FROM iot_tokens WHERE attester = $1 AND form = 'offchain' AND batch_id IS NULL
       ORDER BY issued_at, id LIMIT $2`,
      [attester.toLowerCase(), limit],
    );
    return rows.map(toRecord);
  }

  /** Records the batch and each token's proof in one transaction. */
  async assignBatch(batchId: Hex, proofs: ReadonlyMap<Hex, { proof: Hex[] }>): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (const [id, { proof }] of proofs) {
        await tx.exec(`UPDATE iot_tokens SET batch_id = $2, proof = $3 WHERE id = $1 AND batch_id IS NULL`, [
          id.toLowerCase(),
          batchId.toLowerCase(),
          JSON.stringify(proof),
        ]);
      }
    });
  }

  /** Stores a new policy version (false when that version exists). */
  async putPolicy(policy: Policy): Promise<boolean> {
    const { changes } = await this.#store.exec(
      `INSERT INTO iot_policies (policy_id, version, body, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (policy_id, version) DO NOTHING`,
      [policy.policyId, policy.version, JSON.stringify(policy), new Date().toISOString()],
    );
    return changes > 0;
  }

  /** A policy's given version, or its latest when `version` is undefined. */
  async policy(policyId: string, version?: number): Promise<Policy | undefined> {
    const row =
      version === undefined
        ? await this.#store.one<{ body: string }>(
            `SELECT body FROM iot_policies WHERE policy_id = $1 ORDER BY version DESC LIMIT 1`,
            [policyId],
          )
        : await this.#store.one<{ body: string }>(
            `SELECT body FROM iot_policies WHERE policy_id = $1 AND version = $2`,
            [policyId, version],
          );
    return row && (JSON.parse(row.body) as Policy);
  }
}

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
  /** A device's peer attestation: the gateway operator relaying it in its peer batches, and the device's signature
   * of peerAttestationDigest(id). Null for an attester's own token. */
  relayer: Address | null;
  peerSignature: Hex | null;
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
  relayer: string | null;
  peer_signature: string | null;
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
  relayer: (r.relayer as Address | null) ?? null,
  peerSignature: (r.peer_signature as Hex | null) ?? null,
});

/** Which tokens a batch of this agent carries: its own attestations, or the peer attestations it relays. */
export type BatchKind = "own" | "peer";

const OF_KIND: Record<BatchKind, string> = {
  own: "attester = $1 AND relayer IS NULL",
  peer: "relayer = $1",
};

export class IotRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Stores a token; a second store of the same id changes nothing (returns false). */
  async putToken(t: TokenRecord, db: Queryable = this.#store): Promise<boolean> {
    const { changes } = await db.exec(
      `INSERT INTO iot_tokens (id, form, jwt, schema_id, subject, attester, data_hash, expires_at, issued_at, leaf,
         batch_id, proof, received_at, relayer, peer_signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING`,
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
        t.relayer?.toLowerCase() ?? null,
        t.peerSignature ?? null,
      ],
    );
    return changes > 0;
  }

  async token(id: Hex): Promise<TokenRecord | undefined> {
    const row = await this.#store.one<TokenRow>(`SELECT * FROM iot_tokens WHERE id = $1`, [id.toLowerCase()]);
    return row && toRecord(row);
  }

  /**
   * Off-chain tokens not yet in a batch, oldest first: `me`'s own attestations, or the peer attestations `me` relays.
   * The order (issued_at, id) is also the order a stranded batch is rebuilt in (tokensOfBatch).
   */
  async pending(me: Address, limit: number, kind: BatchKind = "own"): Promise<TokenRecord[]> {
    const rows = await this.#store.query<TokenRow>(
      `SELECT * FROM iot_tokens WHERE ${OF_KIND[kind]} AND form = 'offchain' AND batch_id IS NULL
       ORDER BY issued_at, id LIMIT $2`,
      [me.toLowerCase(), limit],
    );
    return rows.map(toRecord);
  }

  /** When the longest-waiting token of this kind arrived (ISO time), or undefined when none waits. */
  async oldestPending(me: Address, kind: BatchKind): Promise<string | undefined> {
    const row = await this.#store.one<{ received_at: string | null }>(
      `SELECT MIN(received_at) AS received_at FROM iot_tokens
       WHERE ${OF_KIND[kind]} AND form = 'offchain' AND batch_id IS NULL`,
      [me.toLowerCase()],
    );
    return row?.received_at ?? undefined;
  }

  /**
   * The batches this agent assigned (of this kind) that the read model does not hold as anchored, with when they were
   * assigned (ISO time): sent and not yet indexed, or never sent (a crash or a failed send after assignBatch).
   */
  async unanchoredBatches(me: Address, kind: BatchKind): Promise<{ batchId: Hex; assignedAt: string }[]> {
    const rows = await this.#store.query<{ batch_id: string; assigned_at: string }>(
      `SELECT batch_id, MIN(assigned_at) AS assigned_at FROM iot_tokens t
       WHERE ${OF_KIND[kind]} AND form = 'offchain' AND batch_id IS NOT NULL AND assigned_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM iot_batches b WHERE b.batch_id = t.batch_id)
         AND NOT EXISTS (SELECT 1 FROM iot_peer_batches p WHERE p.batch_id = t.batch_id)
       GROUP BY batch_id ORDER BY MIN(assigned_at)`,
      [me.toLowerCase()],
    );
    return rows.map((r) => ({ batchId: r.batch_id as Hex, assignedAt: r.assigned_at }));
  }

  /** The tokens of one batch, in the order it was built. */
  async tokensOfBatch(batchId: Hex): Promise<TokenRecord[]> {
    const rows = await this.#store.query<TokenRow>(
      `SELECT * FROM iot_tokens WHERE batch_id = $1 ORDER BY issued_at, id`,
      [batchId.toLowerCase()],
    );
    return rows.map(toRecord);
  }

  /** Records the batch and each token's proof in one transaction. */
  async assignBatch(batchId: Hex, proofs: ReadonlyMap<Hex, { proof: Hex[] }>): Promise<void> {
    const at = new Date().toISOString();
    await this.#store.transaction(async (tx) => {
      for (const [id, { proof }] of proofs) {
        await tx.exec(
          `UPDATE iot_tokens SET batch_id = $2, proof = $3, assigned_at = $4 WHERE id = $1 AND batch_id IS NULL`,
          [id.toLowerCase(), batchId.toLowerCase(), JSON.stringify(proof), at],
        );
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

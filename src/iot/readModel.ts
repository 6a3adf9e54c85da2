// The IoT read model's queries: the only code that reads the projected tables (schemas, attesters, devices, on-chain
// attestations, batches, off-chain revocations), plus the join with the tokens this agent holds that loads the
// decision index. Typed rows out; lists are keyset pages (`LIMIT n + 1` in key order).
import type { Address, Hex } from "viem";
import type { PageRequest } from "../core/paging.ts";
import type { Queryable } from "../core/store/store.ts";
import type { HeldToken, IndexSource } from "./index.ts";

export interface SchemaRow {
  schema_id: string;
  creator: string;
  name: string;
  definition: string;
  revocable: number;
  attester_kinds: number;
  block_number: number;
}

export interface AttesterRow {
  attester: string;
  kind: number;
  vetted_by: string;
  block_number: number;
}

export interface DeviceRow {
  device: string;
  oem: string;
  model_id: string;
  make: string;
  model: string;
  sim_operator: string | null;
  block_number: number;
}

export interface BatchRow {
  batch_id: string;
  attester: string;
  root: string;
  leaf_count: number;
  anchored_at: number;
  block_number: number;
  tx_hash: string;
}

export interface PeerBatchRow {
  batch_id: string;
  relayer: string;
  root: string;
  leaf_count: number;
  anchored_at: number;
  block_number: number;
  tx_hash: string;
}

export interface OnchainRow {
  id: string;
  schema_id: string;
  subject: string;
  attester: string;
  data_hash: string;
  expires_at: number;
  revoked_at: number;
  block_number: number;
  block_time: number;
}

interface TokenRow {
  id: string;
  form: string;
  jwt: string;
  schema_id: string;
  subject: string;
  attester: string;
  expires_at: number;
  issued_at: number;
  leaf: string;
  batch_id: string | null;
  relayer: string | null;
}

/** The attested claims of a stored token (its `claims` claim). */
export function claimsOfJwt(jwt: string): Record<string, unknown> {
  const body = jwt.split(".")[1] ?? "";
  const parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { claims?: Record<string, unknown> };
  return parsed.claims ?? {};
}

export class IotReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  schema(schemaId: Hex): Promise<SchemaRow | undefined> {
    return this.#db.one<SchemaRow>(`SELECT * FROM iot_schemas WHERE schema_id = $1`, [schemaId.toLowerCase()]);
  }

  schemas(page: PageRequest): Promise<SchemaRow[]> {
    const after = page.after?.[0];
    return after === undefined
      ? this.#db.query<SchemaRow>(`SELECT * FROM iot_schemas ORDER BY schema_id LIMIT $1`, [page.limit + 1])
      : this.#db.query<SchemaRow>(`SELECT * FROM iot_schemas WHERE schema_id > $1 ORDER BY schema_id LIMIT $2`, [
          String(after),
          page.limit + 1,
        ]);
  }

  attester(attester: Address): Promise<AttesterRow | undefined> {
    return this.#db.one<AttesterRow>(`SELECT * FROM iot_attesters WHERE attester = $1`, [attester.toLowerCase()]);
  }

  device(device: Address): Promise<DeviceRow | undefined> {
    return this.#db.one<DeviceRow>(`SELECT * FROM iot_devices WHERE device = $1`, [device.toLowerCase()]);
  }

  batch(batchId: Hex): Promise<BatchRow | undefined> {
    return this.#db.one<BatchRow>(`SELECT * FROM iot_batches WHERE batch_id = $1`, [batchId.toLowerCase()]);
  }

  peerBatch(batchId: Hex): Promise<PeerBatchRow | undefined> {
    return this.#db.one<PeerBatchRow>(`SELECT * FROM iot_peer_batches WHERE batch_id = $1`, [batchId.toLowerCase()]);
  }

  onchain(id: Hex): Promise<OnchainRow | undefined> {
    return this.#db.one<OnchainRow>(`SELECT * FROM iot_onchain WHERE id = $1`, [id.toLowerCase()]);
  }

  /** Every projected record the consistency check compares with the contracts. */
  async consistencySource() {
    const [attesters, devices, onchain, batches, revocations, peerBatches] = await Promise.all([
      this.#db.query<AttesterRow>(`SELECT * FROM iot_attesters ORDER BY attester`),
      this.#db.query<DeviceRow>(`SELECT * FROM iot_devices ORDER BY device`),
      this.#db.query<OnchainRow>(`SELECT * FROM iot_onchain ORDER BY id`),
      this.#db.query<BatchRow>(`SELECT * FROM iot_batches ORDER BY batch_id`),
      this.#db.query<{ attester: string; leaf: string; revoked_at: number }>(
        `SELECT attester, leaf, revoked_at FROM iot_offchain_revocations ORDER BY attester, leaf`,
      ),
      this.#db.query<PeerBatchRow>(`SELECT * FROM iot_peer_batches ORDER BY batch_id`),
    ]);
    return { attesters, devices, onchain, batches, revocations, peerBatches };
  }

  /** Every projected record and held token the decision index needs. */
  async indexSource(): Promise<IndexSource> {
    const [schemas, attesters, devices, onchain, batches, revocations, tokens, peerBatches] = await Promise.all([
      this.#db.query<SchemaRow>(`SELECT * FROM iot_schemas`),
      this.#db.query<AttesterRow>(`SELECT * FROM iot_attesters`),
      this.#db.query<{ device: string }>(`SELECT device FROM iot_devices`),
      this.#db.query<OnchainRow>(`SELECT * FROM iot_onchain`),
      this.#db.query<BatchRow>(`SELECT * FROM iot_batches`),
      this.#db.query<{ attester: string; leaf: string; revoked_at: number }>(
        `SELECT attester, leaf, revoked_at FROM iot_offchain_revocations`,
      ),
      this.#db.query<TokenRow>(
        `SELECT id, form, jwt, schema_id, subject, attester, expires_at, issued_at, leaf, batch_id, relayer
         FROM iot_tokens`,
      ),
      this.#db.query<PeerBatchRow>(`SELECT * FROM iot_peer_batches`),
    ]);
    return {
      schemas: schemas.map((s) => ({
        schemaId: s.schema_id as Hex,
        revocable: s.revocable === 1,
        attesterKinds: s.attester_kinds,
      })),
      attesters: attesters.map((a) => ({ attester: a.attester as Address, kind: a.kind })),
      devices: devices.map((d) => d.device as Address),
      onchain: onchain.map((o) => ({
        id: o.id as Hex,
        schemaId: o.schema_id as Hex,
        subject: o.subject as Hex,
        attester: o.attester as Address,
        expiresAt: Number(o.expires_at),
        revokedAt: Number(o.revoked_at),
        blockTime: Number(o.block_time),
      })),
      batches: batches.map((b) => ({ batchId: b.batch_id as Hex, attester: b.attester as Address })),
      peerBatches: peerBatches.map((b) => ({ batchId: b.batch_id as Hex, relayer: b.relayer as Address })),
      offchainRevocations: revocations.map((r) => ({
        attester: r.attester as Address,
        leaf: r.leaf as Hex,
        revokedAt: Number(r.revoked_at),
      })),
      tokens: tokens.map(heldToken),
    };
  }
}

export function heldToken(t: TokenRow): HeldToken {
  return {
    id: t.id as Hex,
    form: t.form === "onchain" ? "onchain" : "offchain",
    schemaId: t.schema_id as Hex,
    subject: t.subject as Hex,
    attester: t.attester as Address,
    expiresAt: Number(t.expires_at),
    issuedAt: Number(t.issued_at),
    data: claimsOfJwt(t.jwt),
    leaf: t.leaf as Hex,
    batchId: (t.batch_id as Hex | null) ?? null,
    relayer: (t.relayer as Address | null) ?? null,
  };
}

// This agent's own timestamps (a proof per file digest it anchored) and its time-stamping authority's certificate.
// Not projected: the chain holds only the anchored roots; the inclusion paths exist where the batch was built.
import type { Address, Hex } from "viem";
import type { Queryable, Store } from "../../core/store/index.ts";

/** A file digest's proof of existence: the path from the digest's leaf to a root anchored on chain. */
export interface Stamp {
  digest: Hex;
  root: Hex;
  leafIndex: number;
  treeSize: number;
  proof: Hex[];
  submitter: Address;
  /** The anchoring block's time, seconds since the epoch. */
  anchoredAt: number;
  blockNumber: number;
  /** The anchoring transaction; null when the same root had been anchored before (that anchor proves existence). */
  txHash: Hex | null;
}

interface StampRow {
  root: string;
  leaf_index: number | string;
  digest: string;
  tree_size: number | string;
  proof: string;
  submitter: string;
  anchored_at: number | string;
  block_number: number | string;
  tx_hash: string;
}

const ROWS_PER_INSERT = 200;

export class TimestampRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Records a batch's stamps (idempotent: a batch recorded twice keeps one row a leaf). */
  async record(stamps: readonly Stamp[]): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (let i = 0; i < stamps.length; i += ROWS_PER_INSERT) await insert(tx, stamps.slice(i, i + ROWS_PER_INSERT));
    });
  }

  /** Every stamp of a digest, earliest anchor first. */
  async byDigest(digest: Hex): Promise<Stamp[]> {
    const rows = await this.#store.query<StampRow>(
      `SELECT * FROM pki_timestamps WHERE digest = $1 ORDER BY anchored_at, block_number, leaf_index`,
      [digest.toLowerCase()],
    );
    return rows.map(stampOf);
  }

  async tsaCertificate(kid: string): Promise<{ caHash: Hex; certificate: Hex } | undefined> {
    const row = await this.#store.one<{ ca_hash: string; certificate: string }>(
      `SELECT ca_hash, certificate FROM pki_tsa_certificates WHERE kid = $1`,
      [kid],
    );
    return row ? { caHash: row.ca_hash as Hex, certificate: row.certificate as Hex } : undefined;
  }

  async saveTsaCertificate(kid: string, caHash: Hex, certificate: Hex): Promise<void> {
    await this.#store.exec(
      `INSERT INTO pki_tsa_certificates (kid, ca_hash, certificate) VALUES ($1, $2, $3)
       ON CONFLICT (kid) DO UPDATE SET ca_hash = excluded.ca_hash, certificate = excluded.certificate`,
      [kid, caHash.toLowerCase(), certificate.toLowerCase()],
    );
  }
}

async function insert(tx: Queryable, stamps: readonly Stamp[]): Promise<void> {
  const values: string[] = [];
  const params: Array<string | number> = [];
  for (const s of stamps) {
    const base = params.length;
    values.push(`(${Array.from({ length: 9 }, (_, k) => `$${base + k + 1}`).join(", ")})`);
    params.push(
      s.root.toLowerCase(),
      s.leafIndex,
      s.digest.toLowerCase(),
      s.treeSize,
      JSON.stringify(s.proof),
      s.submitter.toLowerCase(),
      s.anchoredAt,
      s.blockNumber,
      s.txHash?.toLowerCase() ?? "",
    );
  }
  await tx.exec(
    `INSERT INTO pki_timestamps (root, leaf_index, digest, tree_size, proof, submitter, anchored_at, block_number,
       tx_hash) VALUES ${values.join(", ")} ON CONFLICT (root, leaf_index) DO NOTHING`,
    params,
  );
}

const stampOf = (r: StampRow): Stamp => ({
  digest: r.digest as Hex,
  root: r.root as Hex,
  leafIndex: Number(r.leaf_index),
  treeSize: Number(r.tree_size),
  proof: JSON.parse(r.proof) as Hex[],
  submitter: r.submitter as Address,
  anchoredAt: Number(r.anchored_at),
  blockNumber: Number(r.block_number),
  txHash: r.tx_hash ? (r.tx_hash as Hex) : null,
});

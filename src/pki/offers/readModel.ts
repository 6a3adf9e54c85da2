// Reads of the data-offer read model (the tables offers/projection.ts writes) and this agent's own data files (the
// datasets it serves as a provider, and which one each of its offers sells). The only SQL of those tables.
import type { Address, Hex } from "viem";
import type { Queryable, SqlParam } from "../../core/store/store.ts";

export type DataRequestState = "open" | "served" | "paid";

export interface OfferView {
  offerId: Hex;
  requestId: Hex;
  provider: Address;
  /** Minor units of the settlement token, as a decimal string. */
  price: string;
  dataRoot: Hex;
  blockNumber: number;
  paid: boolean;
  access: null | { accessRef: Hex; blockNumber: number; txHash: Hex };
}

export interface DataRequestView {
  requestId: Hex;
  client: Address;
  query: Hex;
  state: DataRequestState;
  /** The free dataset that served it at once (state served). */
  dataset: null | { datasetId: Hex; provider: Address; dataRoot: Hex };
  payment: null | { offerId: Hex; provider: Address; price: string; blockNumber: number; txHash: Hex };
  blockNumber: number;
  txHash: Hex;
}

interface RequestRow {
  request_id: string;
  client: string;
  query: string;
  state: string;
  dataset_id: string | null;
  block_number: number | string;
  tx_hash: string;
  d_provider: string | null;
  d_root: string | null;
  p_offer: string | null;
  p_provider: string | null;
  p_price: string | null;
  p_block: number | string | null;
  p_tx: string | null;
}

interface OfferRow {
  offer_id: string;
  request_id: string;
  provider: string;
  price: string;
  data_root: string;
  block_number: number | string;
  paid_offer: string | null;
  access_ref: string | null;
  a_block: number | string | null;
  a_tx: string | null;
}

const REQUEST_SELECT = `
  SELECT r.request_id, r.client, r.query, r.state, r.dataset_id, r.block_number, r.tx_hash,
    d.provider AS d_provider, d.data_root AS d_root,
    p.offer_id AS p_offer, p.provider AS p_provider, p.price AS p_price, p.block_number AS p_block, p.tx_hash AS p_tx
  FROM pki_data_requests r
  LEFT JOIN pki_data_datasets d ON d.dataset_id = r.dataset_id
  LEFT JOIN pki_data_payments p ON p.request_id = r.request_id`;

const OFFER_SELECT = `
  SELECT o.offer_id, o.request_id, o.provider, o.price, o.data_root, o.block_number, r.paid_offer,
    a.access_ref, a.block_number AS a_block, a.tx_hash AS a_tx
  FROM pki_data_offers o
  JOIN pki_data_requests r ON r.request_id = o.request_id
  LEFT JOIN pki_data_access a ON a.offer_id = o.offer_id`;

const requestOf = (r: RequestRow): DataRequestView => ({
  requestId: r.request_id as Hex,
  client: r.client as Address,
  query: r.query as Hex,
  state: r.state as DataRequestState,
  dataset:
    r.dataset_id && r.d_provider && r.d_root
      ? { datasetId: r.dataset_id as Hex, provider: r.d_provider as Address, dataRoot: r.d_root as Hex }
      : null,
  payment:
    r.p_offer && r.p_provider && r.p_price && r.p_tx
      ? {
          offerId: r.p_offer as Hex,
          provider: r.p_provider as Address,
          price: r.p_price,
          blockNumber: Number(r.p_block),
          txHash: r.p_tx as Hex,
        }
      : null,
  blockNumber: Number(r.block_number),
  txHash: r.tx_hash as Hex,
});

const offerOf = (r: OfferRow): OfferView => ({
  offerId: r.offer_id as Hex,
  requestId: r.request_id as Hex,
  provider: r.provider as Address,
  price: r.price,
  dataRoot: r.data_root as Hex,
  blockNumber: Number(r.block_number),
  paid: r.paid_offer === r.offer_id,
  access: r.access_ref
    ? { accessRef: r.access_ref as Hex, blockNumber: Number(r.a_block), txHash: r.a_tx as Hex }
    : null,
});

export class DataOffersReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async request(requestId: Hex): Promise<DataRequestView | undefined> {
    const row = await this.#db.one<RequestRow>(`${REQUEST_SELECT} WHERE r.request_id = $1`, [requestId.toLowerCase()]);
    return row ? requestOf(row) : undefined;
  }

  /** Requests in ledger order, optionally one client's or in one state; `limit + 1` rows for the caller's page. */
  async requests(
    filter: { state?: DataRequestState; client?: Address },
    limit: number,
    after?: readonly [number, string],
  ): Promise<DataRequestView[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (filter.state) {
      params.push(filter.state);
      where.push(`r.state = $${params.length}`);
    }
    if (filter.client) {
      params.push(filter.client.toLowerCase());
      where.push(`r.client = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      const [b, id] = [params.length - 1, params.length];
      where.push(`(r.block_number > $${b} OR (r.block_number = $${b} AND r.request_id > $${id}))`);
    }
    params.push(limit + 1);
    const rows = await this.#db.query<RequestRow>(
      `${REQUEST_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY r.block_number, r.request_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(requestOf);
  }

  async offers(requestId: Hex): Promise<OfferView[]> {
    const rows = await this.#db.query<OfferRow>(
      `${OFFER_SELECT} WHERE o.request_id = $1 ORDER BY o.block_number, o.log_index`,
      [requestId.toLowerCase()],
    );
    return rows.map(offerOf);
  }

  async offer(offerId: Hex): Promise<OfferView | undefined> {
    const row = await this.#db.one<OfferRow>(`${OFFER_SELECT} WHERE o.offer_id = $1`, [offerId.toLowerCase()]);
    return row ? offerOf(row) : undefined;
  }

  /** Every request and offer, for the consistency check. */
  async allForConsistency(): Promise<{ requests: DataRequestView[]; offers: OfferView[] }> {
    const requests = (await this.#db.query<RequestRow>(`${REQUEST_SELECT} ORDER BY r.request_id`)).map(requestOf);
    const offers = (await this.#db.query<OfferRow>(`${OFFER_SELECT} ORDER BY o.offer_id`)).map(offerOf);
    return { requests, offers };
  }

  // This agent's own data files: not projected (the files never reach the chain).

  async saveFile(digest: Hex, mediaType: string, contentBase64: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO pki_data_files (digest, media_type, content) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING`,
      [digest.toLowerCase(), mediaType, contentBase64],
    );
  }

  async file(digest: Hex): Promise<{ digest: Hex; mediaType: string; content: string } | undefined> {
    const row = await this.#db.one<{ digest: string; media_type: string; content: string }>(
      `SELECT digest, media_type, content FROM pki_data_files WHERE digest = $1`,
      [digest.toLowerCase()],
    );
    return row ? { digest: row.digest as Hex, mediaType: row.media_type, content: row.content } : undefined;
  }

  async linkOffer(offerId: Hex, digest: Hex): Promise<void> {
    await this.#db.exec(
      `INSERT INTO pki_data_offer_files (offer_id, digest) VALUES ($1, $2) ON CONFLICT (offer_id) DO NOTHING`,
      [offerId.toLowerCase(), digest.toLowerCase()],
    );
  }

  async fileOfOffer(offerId: Hex): Promise<Hex | undefined> {
    const row = await this.#db.one<{ digest: string }>(`SELECT digest FROM pki_data_offer_files WHERE offer_id = $1`, [
      offerId.toLowerCase(),
    ]);
    return row?.digest as Hex | undefined;
  }
}

// Projects DataOffers events into the data-offer read model: free datasets, requests (served at once, open for
// offers, paid), offers, payments and access grants. Every statement is idempotent (an event applied twice leaves one
// effect); rewinds are the indexer's (the tables are listed).
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";
import { DATA_OFFERS } from "../projection.ts";

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "DatasetPublished":
      await tx.exec(
        `INSERT INTO pki_data_datasets (dataset_id, query, provider, data_root, block_number)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dataset_id) DO NOTHING`,
        [lower(a.datasetId), lower(a.query), lower(a.provider), lower(a.dataRoot), event.blockNumber],
      );
      return;
    case "FreeDataServed":
      // The event names the dataset, not the query: the dataset's row (projected when it was published) has it.
      await tx.exec(
        `INSERT INTO pki_data_requests (request_id, client, query, state, dataset_id, paid_offer, block_number, tx_hash)
         SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), query, 'served', dataset_id, NULL, CAST($4 AS BIGINT),
           CAST($5 AS TEXT)
         FROM pki_data_datasets WHERE dataset_id = CAST($3 AS TEXT)
         ON CONFLICT (request_id) DO NOTHING`,
        [lower(a.requestId), lower(a.client), lower(a.datasetId), event.blockNumber, event.txHash],
      );
      return;
    case "CallForOffers":
      await tx.exec(
        `INSERT INTO pki_data_requests (request_id, client, query, state, dataset_id, paid_offer, block_number, tx_hash)
         VALUES ($1, $2, $3, 'open', NULL, NULL, $4, $5) ON CONFLICT (request_id) DO NOTHING`,
        [lower(a.requestId), lower(a.client), lower(a.query), event.blockNumber, event.txHash],
      );
      return;
    case "OfferMade":
      await tx.exec(
        `INSERT INTO pki_data_offers (offer_id, request_id, provider, price, data_root, block_number, log_index)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (offer_id) DO NOTHING`,
        [
          lower(a.offerId),
          lower(a.requestId),
          lower(a.provider),
          String(a.price),
          lower(a.dataRoot),
          event.blockNumber,
          event.logIndex,
        ],
      );
      return;
    case "OfferPaid":
      await tx.exec(
        `INSERT INTO pki_data_payments (request_id, offer_id, client, provider, price, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING`,
        [
          lower(a.requestId),
          lower(a.offerId),
          lower(a.client),
          lower(a.provider),
          String(a.price),
          event.blockNumber,
          event.txHash,
        ],
      );
      await tx.exec(`UPDATE pki_data_requests SET state = 'paid', paid_offer = $2 WHERE request_id = $1`, [
        lower(a.requestId),
        lower(a.offerId),
      ]);
      return;
    case "AccessGranted":
      await tx.exec(
        `INSERT INTO pki_data_access (offer_id, request_id, access_ref, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (offer_id) DO NOTHING`,
        [lower(a.offerId), lower(a.requestId), lower(a.accessRef), event.blockNumber, event.txHash],
      );
      return;
  }
}

export const dataOffersProjection: Projection = {
  name: "pki-data-offers",
  tables: ["pki_data_datasets", "pki_data_requests", "pki_data_offers", "pki_data_payments", "pki_data_access"],
  handle: async (event, tx) => {
    if (event.source === DATA_OFFERS) await onEvent(event, tx);
  },
};

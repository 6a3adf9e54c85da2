// Projects FactTriggers events into the trigger read model: assets and who holds them, triggers with their agreeing
// reports, arming, dispute and execution, and each reporter's report. Every statement is idempotent (counts are set
// from the event, not incremented); rewinds are the indexer's (the tables are listed).
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";
import { FACT_TRIGGERS } from "../projection.ts";

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "AssetRegistered":
      await tx.exec(
        `INSERT INTO pki_trigger_assets (asset_id, holder, registrant, block_number) VALUES ($1, $2, $2, $3)
         ON CONFLICT (asset_id) DO NOTHING`,
        [lower(a.assetId), lower(a.holder), event.blockNumber],
      );
      return;
    case "TriggerCreated":
      // The holder who set it is the asset's holder at that time (the event does not repeat it).
      await tx.exec(
        `INSERT INTO pki_triggers (trigger_id, asset_id, holder, new_holder, fact_key, expected_value, threshold,
           matching, dispute_window, fires_at, state, block_number)
         SELECT CAST($1 AS TEXT), asset_id, holder, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT),
           CAST($6 AS INTEGER), 0, CAST($7 AS INTEGER), 0, 'open', CAST($8 AS BIGINT)
         FROM pki_trigger_assets WHERE asset_id = CAST($2 AS TEXT)
         ON CONFLICT (trigger_id) DO NOTHING`,
        [
          lower(a.triggerId),
          lower(a.assetId),
          lower(a.newHolder),
          lower(a.factKey),
          lower(a.expectedValue),
          Number(a.threshold),
          Number(a.disputeWindow),
          event.blockNumber,
        ],
      );
      return;
    case "FactReported":
      await tx.exec(
        `INSERT INTO pki_trigger_reports (trigger_id, reporter, value, block_number) VALUES ($1, $2, $3, $4)
         ON CONFLICT (trigger_id, reporter) DO NOTHING`,
        [lower(a.triggerId), lower(a.reporter), lower(a.value), event.blockNumber],
      );
      await tx.exec(`UPDATE pki_triggers SET matching = $2 WHERE trigger_id = $1`, [
        lower(a.triggerId),
        Number(a.matching),
      ]);
      return;
    case "TriggerArmed":
      await tx.exec(`UPDATE pki_triggers SET state = 'armed', fires_at = $2 WHERE trigger_id = $1 AND state = 'open'`, [
        lower(a.triggerId),
        Number(a.firesAt),
      ]);
      return;
    case "TriggerDisputed":
      await tx.exec(`UPDATE pki_triggers SET state = 'disputed' WHERE trigger_id = $1`, [lower(a.triggerId)]);
      return;
    case "TriggerExecuted":
      await tx.exec(`UPDATE pki_triggers SET state = 'executed' WHERE trigger_id = $1`, [lower(a.triggerId)]);
      await tx.exec(`UPDATE pki_trigger_assets SET holder = $2 WHERE asset_id = $1`, [lower(a.assetId), lower(a.to)]);
      return;
  }
}

export const factTriggersProjection: Projection = {
  name: "pki-fact-triggers",
  tables: ["pki_trigger_assets", "pki_triggers", "pki_trigger_reports"],
  handle: async (event, tx) => {
    if (event.source === FACT_TRIGGERS) await onEvent(event, tx);
  },
};

// Projects RoamingSettlement's agreement and batch events into settlement_agreements and settlement_batches. Each statement is idempotent per event
// (insert-or-ignore keyed by the agreement id; status updates that set the same value again), and the table is
// listed, so a rewind undoes what dropped blocks projected.
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";

/** Manifest name of the contract (src/settlement/plugin.ts ROAMING_SETTLEMENT). */
export const ROAMING_SETTLEMENT_SOURCE = "RoamingSettlement";

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "AgreementProposed":
      await tx.exec(
        `INSERT INTO settlement_agreements (agreement_id, visited, home, terms_hash, previous, proposer, status,
           proposed_block, proposed_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7, $8) ON CONFLICT (agreement_id) DO NOTHING`,
        [
          lower(a.id),
          lower(a.visited),
          lower(a.home),
          lower(a.termsHash),
          lower(a.previous),
          lower(a.proposer),
          event.blockNumber,
          event.blockTimestamp,
        ],
      );
      return;
    case "AgreementApproved":
      // An agreement superseded later in the same block range keeps that status (events arrive in order anyway).
      await tx.exec(
        `UPDATE settlement_agreements SET status = 'active', approver = $2 WHERE agreement_id = $1 AND status = 'proposed'`,
        [lower(a.id), lower(a.approver)],
      );
      return;
    case "AgreementSuperseded":
      await tx.exec(
        `UPDATE settlement_agreements SET status = 'superseded', superseded_by = $2 WHERE agreement_id = $1`,
        [lower(a.id), lower(a.by)],
      );
      return;
    case "BatchAnchored":
      await tx.exec(
        `INSERT INTO settlement_batches (batch_id, agreement_id, period, merkle_root, record_count, total, status,
           anchored_block, anchored_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'anchored', $7, $8) ON CONFLICT (batch_id) DO NOTHING`,
        [
          lower(a.batchId),
          lower(a.agreementId),
          Number(a.period),
          lower(a.merkleRoot),
          Number(a.count),
          String(a.total),
          event.blockNumber,
          event.blockTimestamp,
        ],
      );
      return;
    case "BatchReceived":
      await tx.exec(
        `UPDATE settlement_batches SET status = 'received', received_at = $2 WHERE batch_id = $1 AND status = 'anchored'`,
        [lower(a.batchId), event.blockTimestamp],
      );
      return;
  }
}

export const roamingSettlementProjection: Projection = {
  name: "settlement",
  tables: ["settlement_agreements", "settlement_batches"],
  async handle(event, tx) {
    if (event.source === ROAMING_SETTLEMENT_SOURCE) await onEvent(event, tx);
  },
};

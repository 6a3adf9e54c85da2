// Projects RoamingSettlement's agreement events into settlement_agreements. Each statement is idempotent per event
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
  }
}

export const roamingSettlementProjection: Projection = {
  name: "settlement",
  tables: ["settlement_agreements"],
  async handle(event, tx) {
    if (event.source === ROAMING_SETTLEMENT_SOURCE) await onEvent(event, tx);
  },
};

// Projects RoamingSettlement's agreement, batch, invoice and dispute events into the settlement_* tables. Each statement is idempotent per event
// (insert-or-ignore keyed by the agreement id; status updates that set the same value again), and the table is
// listed, so a rewind undoes what dropped blocks projected.
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";

/** Manifest name of the contract (src/settlement/plugin.ts ROAMING_SETTLEMENT). */
export const ROAMING_SETTLEMENT_SOURCE = "RoamingSettlement";

const lower = (value: unknown) => String(value).toLowerCase();
/** IRoamingSettlement.DisputeReason, in the enum's order. */
export const DISPUTE_REASONS = [
  "None",
  "Duplicate",
  "OutsideAgreement",
  "WrongRate",
  "MissingData",
  "NotOurSubscriber",
  "Other",
] as const;

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
    case "BatchPaidByChannel":
      // Left out of the period's invoice (or, when already invoiced, credited on it: the chain's invoice record says so)
      await tx.exec(
        `UPDATE settlement_batches SET status = 'channel-paid', paid_channel = $2, paid_version = $3 WHERE batch_id = $1`,
        [lower(a.batchId), lower(a.channelId), Number(a.version)],
      );
      return;
    case "InvoiceIssued":
      await tx.exec(
        `INSERT INTO settlement_invoices (invoice_id, agreement_id, period, amount, status, issued_block, issued_at)
         VALUES ($1, $2, $3, $4, 'issued', $5, $6) ON CONFLICT (invoice_id) DO NOTHING`,
        [
          lower(a.invoiceId),
          lower(a.agreementId),
          Number(a.period),
          String(a.amount),
          event.blockNumber,
          event.blockTimestamp,
        ],
      );
      // The contract invoices exactly the period's received batches.
      await tx.exec(
        `UPDATE settlement_batches SET status = 'invoiced' WHERE agreement_id = $1 AND period = $2 AND status = 'received'`,
        [lower(a.agreementId), Number(a.period)],
      );
      return;
    case "InvoiceAccepted":
      await tx.exec(`UPDATE settlement_invoices SET status = 'accepted' WHERE invoice_id = $1 AND status = 'issued'`, [
        lower(a.invoiceId),
      ]);
      return;
    case "InvoiceFinal":
      await tx.exec(
        `UPDATE settlement_invoices SET status = 'final', amount_due = $2, credited = $3, escalated = $4
         WHERE invoice_id = $1`,
        [lower(a.invoiceId), String(a.amountDue), String(a.credited), String(a.escalated)],
      );
      return;
    case "RecordDisputed":
      await tx.exec(
        `INSERT INTO settlement_disputes (dispute_id, invoice_id, batch_id, record_digest, amount, reason, status, credit,
           by_rule, disputed_block)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', '0', 0, $7) ON CONFLICT (dispute_id) DO NOTHING`,
        [
          lower(a.disputeId),
          lower(a.invoiceId),
          lower(a.batchId),
          lower(a.recordDigest),
          String(a.amount),
          DISPUTE_REASONS[Number(a.reason)] ?? String(a.reason),
          event.blockNumber,
        ],
      );
      return;
    case "DisputeCredited":
      await tx.exec(
        `UPDATE settlement_disputes SET status = 'credited', credit = $2, by_rule = $3 WHERE dispute_id = $1`,
        [lower(a.disputeId), String(a.credit), a.byRule ? 1 : 0],
      );
      return;
    case "DisputeUpheld":
      await tx.exec(`UPDATE settlement_disputes SET status = 'upheld' WHERE dispute_id = $1`, [lower(a.disputeId)]);
      return;
    case "InvoiceNetted":
      await tx.exec(`UPDATE settlement_invoices SET status = 'netted', netting_round = $2 WHERE invoice_id = $1`, [
        lower(a.invoiceId),
        lower(a.roundId),
      ]);
      return;
    case "NettingOpened":
      await tx.exec(
        `INSERT INTO settlement_rounds (round_id, token, period, invoices, opened_block) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (round_id) DO NOTHING`,
        [lower(a.roundId), lower(a.token), Number(a.period), Number(a.invoices), event.blockNumber],
      );
      return;
    case "NetPosition":
      await tx.exec(
        `INSERT INTO settlement_positions (round_id, member, net) VALUES ($1, $2, $3)
         ON CONFLICT (round_id, member) DO NOTHING`,
        [lower(a.roundId), lower(a.member), String(a.net)],
      );
      return;
    case "NetPaid":
    case "NetClaimed":
      await tx.exec(`UPDATE settlement_positions SET settled = $3 WHERE round_id = $1 AND member = $2`, [
        lower(a.roundId),
        lower(a.member),
        event.eventName === "NetPaid" ? "paid" : "claimed",
      ]);
      return;
    case "DisputeEscalated":
      await tx.exec(`UPDATE settlement_disputes SET status = 'escalated' WHERE dispute_id = $1`, [lower(a.disputeId)]);
      return;
  }
}

export const roamingSettlementProjection: Projection = {
  name: "settlement",
  tables: [
    "settlement_agreements",
    "settlement_batches",
    "settlement_invoices",
    "settlement_disputes",
    "settlement_rounds",
    "settlement_positions",
  ],
  async handle(event, tx) {
    if (event.source === ROAMING_SETTLEMENT_SOURCE) await onEvent(event, tx);
  },
};

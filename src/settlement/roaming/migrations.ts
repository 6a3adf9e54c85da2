// Roaming settlement tables (ids 14xx, after issue 14): the public read model of the agreements projected from
// RoamingSettlement's events (projection.ts only writes it), and the agreement terms this agent's member holds off
// chain (repository.ts: tariffs are between the two operators; only their hash is on chain).
import type { Migration } from "../../core/store/store.ts";

export const roamingSettlementMigrations: Migration[] = [
  {
    id: "1400_settlement_agreements",
    sql: `
      CREATE TABLE settlement_agreements (
        agreement_id TEXT PRIMARY KEY,
        visited TEXT NOT NULL,
        home TEXT NOT NULL,
        terms_hash TEXT NOT NULL,
        previous TEXT NOT NULL,
        proposer TEXT NOT NULL,
        status TEXT NOT NULL,
        approver TEXT,
        superseded_by TEXT,
        proposed_block BIGINT NOT NULL,
        proposed_at BIGINT NOT NULL
      );
      CREATE INDEX settlement_agreements_visited ON settlement_agreements (visited, agreement_id);
      CREATE INDEX settlement_agreements_home ON settlement_agreements (home, agreement_id);
      CREATE TABLE settlement_terms (
        terms_hash TEXT PRIMARY KEY,
        terms_json TEXT NOT NULL
      );
    `,
  },
  {
    // Batches anchored on chain (projected), and the records behind the batches this agent sent or received with the
    // batch's salt (never on chain but by the Merkle root; the subscriber stays between the two operators).
    id: "1401_settlement_batches",
    sql: `
      CREATE TABLE settlement_batches (
        batch_id TEXT PRIMARY KEY,
        agreement_id TEXT NOT NULL,
        period BIGINT NOT NULL,
        merkle_root TEXT NOT NULL,
        record_count BIGINT NOT NULL,
        total TEXT NOT NULL,
        status TEXT NOT NULL,
        anchored_block BIGINT NOT NULL,
        anchored_at BIGINT NOT NULL,
        received_at BIGINT
      );
      CREATE INDEX settlement_batches_agreement ON settlement_batches (agreement_id, batch_id);
      CREATE TABLE settlement_batch_records (
        batch_id TEXT PRIMARY KEY,
        salt TEXT NOT NULL,
        records_json TEXT NOT NULL,
        amounts_json TEXT NOT NULL
      );
    `,
  },
  {
    // Invoices per agreement and period and the disputes on their records (projected).
    id: "1402_settlement_invoices",
    sql: `
      CREATE TABLE settlement_invoices (
        invoice_id TEXT PRIMARY KEY,
        agreement_id TEXT NOT NULL,
        period BIGINT NOT NULL,
        amount TEXT NOT NULL,
        status TEXT NOT NULL,
        amount_due TEXT,
        credited TEXT,
        escalated TEXT,
        issued_block BIGINT NOT NULL,
        issued_at BIGINT NOT NULL
      );
      CREATE INDEX settlement_invoices_agreement ON settlement_invoices (agreement_id, invoice_id);
      CREATE TABLE settlement_disputes (
        dispute_id TEXT PRIMARY KEY,
        invoice_id TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        record_digest TEXT NOT NULL,
        amount TEXT NOT NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        credit TEXT NOT NULL,
        by_rule INTEGER NOT NULL,
        disputed_block BIGINT NOT NULL
      );
      CREATE INDEX settlement_disputes_invoice ON settlement_disputes (invoice_id, dispute_id);
    `,
  },
  {
    // Netting rounds per token and period and each member's net position in them (projected).
    id: "1403_settlement_netting",
    sql: `
      CREATE TABLE settlement_rounds (
        round_id TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        period BIGINT NOT NULL,
        invoices BIGINT NOT NULL,
        opened_block BIGINT NOT NULL
      );
      CREATE TABLE settlement_positions (
        round_id TEXT NOT NULL,
        member TEXT NOT NULL,
        net TEXT NOT NULL,
        settled TEXT,
        PRIMARY KEY (round_id, member)
      );
    `,
  },
  {
    // The round an invoice was netted in (InvoiceNetted): its status becomes "netted".
    id: "1404_settlement_invoice_netting",
    sql: `ALTER TABLE settlement_invoices ADD COLUMN netting_round TEXT;`,
  },
  {
    // The visited agent's automatic deliveries (autoDelivery.ts): attempts, when the next is due (ms since the epoch),
    // the last failure, and when the home agent acknowledged. Off chain, this agent's own bookkeeping.
    id: "1405_settlement_deliveries",
    sql: `
      CREATE TABLE settlement_deliveries (
        batch_id TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT,
        delivered_at BIGINT
      );
    `,
  },
  {
    // A batch paid through a payment channel (BatchPaidByChannel): status "channel-paid", never invoiced, with the
    // channel and the co-signed state's version that named it.
    id: "1412_settlement_batch_channel_paid",
    sql: `
      ALTER TABLE settlement_batches ADD COLUMN paid_channel TEXT;
      ALTER TABLE settlement_batches ADD COLUMN paid_version BIGINT;
    `,
  },
];

// PKI tables (ids 21xx): the public read model of the CertificateLedger: the issuing CAs, every application with its
// certificate once issued and its revocation, and who attested or endorsed each one; the transparency log's leaves
// (every issued certificate, in ledger order) and the CertificateLog's checkpoints and co-signatures.
import type { Migration } from "../core/store/store.ts";

export const pkiMigrations: Migration[] = [
  {
    id: "2100_pki_read_model",
    sql: `
      CREATE TABLE pki_cas (
        ca_hash TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        certificate TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        log_index INTEGER NOT NULL
      );
      CREATE TABLE pki_applications (
        id TEXT PRIMARY KEY,
        applicant TEXT NOT NULL,
        kind TEXT NOT NULL,
        identified INTEGER NOT NULL,
        dns_name TEXT NOT NULL,
        organization TEXT NOT NULL,
        public_key TEXT NOT NULL,
        state TEXT NOT NULL,
        domain_attestations INTEGER NOT NULL,
        endorsements INTEGER NOT NULL,
        filed_block BIGINT NOT NULL,
        filed_tx TEXT NOT NULL,
        issuer TEXT,
        serial TEXT,
        certificate_hash TEXT,
        ca_hash TEXT,
        certificate TEXT,
        issued_block BIGINT,
        issued_at BIGINT,
        revoked_by TEXT,
        revoked_at BIGINT,
        revocation_reason INTEGER
      );
      CREATE INDEX pki_applications_certificate ON pki_applications (certificate_hash);
      CREATE INDEX pki_applications_serial ON pki_applications (serial);
      CREATE TABLE pki_vouches (
        application_id TEXT NOT NULL,
        member TEXT NOT NULL,
        kind TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (application_id, member)
      );
    `,
  },
  {
    id: "2101_pki_log",
    sql: `
      CREATE TABLE pki_log_leaves (
        leaf_index BIGINT PRIMARY KEY,
        application_id TEXT NOT NULL UNIQUE,
        leaf_hash TEXT NOT NULL
      );
      CREATE TABLE pki_log_checkpoints (
        tree_size BIGINT PRIMARY KEY,
        root_hash TEXT NOT NULL,
        operator TEXT NOT NULL,
        cosignatures INTEGER NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE pki_log_cosigns (
        tree_size BIGINT NOT NULL,
        witness TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (tree_size, witness)
      );
    `,
  },
  {
    // This agent's own timestamps (not projected: the chain holds only the roots, the proofs are the submitter's) and
    // its time-stamping authority's certificate.
    id: "2102_pki_timestamps",
    sql: `
      CREATE TABLE pki_timestamps (
        root TEXT NOT NULL,
        leaf_index INTEGER NOT NULL,
        digest TEXT NOT NULL,
        tree_size INTEGER NOT NULL,
        proof TEXT NOT NULL,
        submitter TEXT NOT NULL,
        anchored_at BIGINT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL,
        PRIMARY KEY (root, leaf_index)
      );
      CREATE INDEX pki_timestamps_digest ON pki_timestamps (digest);
      CREATE TABLE pki_tsa_certificates (
        kid TEXT PRIMARY KEY,
        ca_hash TEXT NOT NULL,
        certificate TEXT NOT NULL
      );
    `,
  },
  {
    // Paid data offers (DataOffers.sol), projected: free datasets, requests, offers, payments and access grants. Then
    // this agent's own data (not projected: the chain holds only digests' roots): the datasets it serves as a
    // provider and which of them each of its offers sells.
    id: "2103_pki_data_offers",
    sql: `
      CREATE TABLE pki_data_datasets (
        dataset_id TEXT PRIMARY KEY,
        query TEXT NOT NULL,
        provider TEXT NOT NULL,
        data_root TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE pki_data_requests (
        request_id TEXT PRIMARY KEY,
        client TEXT NOT NULL,
        query TEXT NOT NULL,
        state TEXT NOT NULL,
        dataset_id TEXT,
        paid_offer TEXT,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE TABLE pki_data_offers (
        offer_id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        price TEXT NOT NULL,
        data_root TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        log_index INTEGER NOT NULL
      );
      CREATE INDEX pki_data_offers_request ON pki_data_offers (request_id);
      CREATE TABLE pki_data_payments (
        request_id TEXT PRIMARY KEY,
        offer_id TEXT NOT NULL,
        client TEXT NOT NULL,
        provider TEXT NOT NULL,
        price TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE TABLE pki_data_access (
        offer_id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        access_ref TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE TABLE pki_data_files (
        digest TEXT PRIMARY KEY,
        media_type TEXT NOT NULL,
        content TEXT NOT NULL
      );
      CREATE TABLE pki_data_offer_files (
        offer_id TEXT PRIMARY KEY,
        digest TEXT NOT NULL
      );
    `,
  },
  {
    // Triggers from external data (FactTriggers.sol), projected: assets and their holders, triggers, reports.
    id: "2104_pki_fact_triggers",
    sql: `
      CREATE TABLE pki_trigger_assets (
        asset_id TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        registrant TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE pki_triggers (
        trigger_id TEXT PRIMARY KEY,
        asset_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        new_holder TEXT NOT NULL,
        fact_key TEXT NOT NULL,
        expected_value TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        matching INTEGER NOT NULL,
        dispute_window INTEGER NOT NULL,
        fires_at BIGINT NOT NULL,
        state TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE INDEX pki_triggers_asset ON pki_triggers (asset_id);
      CREATE TABLE pki_trigger_reports (
        trigger_id TEXT NOT NULL,
        reporter TEXT NOT NULL,
        value TEXT NOT NULL,
        block_number BIGINT NOT NULL,
        PRIMARY KEY (trigger_id, reporter)
      );
    `,
  },
];

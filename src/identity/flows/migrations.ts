// Tables of the attestation flows (issue 15, flows 2.2 and 2.3, revocation and amendment): the reply endpoint each peer
// signed into a message (contacts), the attestation services this agent offers, the requests it answered, and the
// attestations its flows issued (to whom, which claims, replaced by which). Migration id 0217.
import type { Migration } from "../../core/store/index.ts";

export const FLOW_MIGRATIONS: Migration[] = [
  {
    id: "0217_identity_attestation_flows",
    sql: `
      CREATE TABLE identity_message_contacts (
        peer TEXT PRIMARY KEY,
        reply_endpoint TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE identity_attestation_services (
        attestation_type TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE identity_attestation_requests (
        peer TEXT NOT NULL,
        request_id TEXT NOT NULL,
        attestation_type TEXT NOT NULL,
        preconditions_id TEXT UNIQUE,
        state TEXT NOT NULL,
        reason TEXT,
        created_at TEXT NOT NULL,
        answered_at TEXT,
        PRIMARY KEY (peer, request_id)
      );
      CREATE TABLE identity_attestation_issued (
        credential_id TEXT PRIMARY KEY,
        vc_id TEXT NOT NULL,
        attestation_type TEXT NOT NULL,
        issuer TEXT NOT NULL,
        holder TEXT NOT NULL,
        claims TEXT NOT NULL,
        state TEXT NOT NULL,
        replaced_by TEXT,
        issued_at TEXT NOT NULL,
        changed_at TEXT
      );
      CREATE INDEX identity_attestation_issued_holder ON identity_attestation_issued (holder, issued_at);
    `,
  },
];

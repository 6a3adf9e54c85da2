// Roaming tables (ids 05xx): the public read model of the operator registry and the exchange, the home operator's
// subscriber register and answer policy, and each side's own view of its sessions (private to this agent).
import type { Migration } from "../core/store/store.ts";

export const roamingMigrations: Migration[] = [
  {
    id: "0500_roaming_read_model",
    sql: `
      CREATE TABLE roaming_networks (
        plmn TEXT PRIMARY KEY,
        operator TEXT NOT NULL,
        msin_ranges TEXT NOT NULL,
        since_block BIGINT NOT NULL
      );
      CREATE INDEX roaming_networks_operator ON roaming_networks (operator);
      CREATE TABLE roaming_operator_identities (
        operator TEXT PRIMARY KEY,
        identity TEXT NOT NULL,
        block_number BIGINT NOT NULL
      );
      CREATE TABLE roaming_claims (
        id BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        plmn TEXT NOT NULL,
        operator TEXT NOT NULL,
        proposer TEXT NOT NULL,
        deadline BIGINT NOT NULL,
        msin_ranges TEXT NOT NULL,
        state TEXT NOT NULL,
        approvals INTEGER NOT NULL,
        created_block BIGINT NOT NULL
      );
      CREATE TABLE roaming_requests (
        request_id TEXT PRIMARY KEY,
        vpmn TEXT NOT NULL,
        hpmn TEXT NOT NULL,
        pseudonym TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        state TEXT NOT NULL,
        request_ciphertext TEXT NOT NULL,
        answer_ciphertext TEXT,
        activated INTEGER,
        services_digest TEXT,
        requested_block BIGINT NOT NULL,
        requested_tx TEXT NOT NULL,
        requested_seen_at TEXT NOT NULL,
        answered_block BIGINT,
        answered_tx TEXT,
        answered_seen_at TEXT,
        closed_block BIGINT,
        closed_tx TEXT,
        closed_seen_at TEXT,
        skipped TEXT
      );
      CREATE INDEX roaming_requests_hpmn_state ON roaming_requests (hpmn, state);
      CREATE INDEX roaming_requests_vpmn_state ON roaming_requests (vpmn, state);
    `,
  },
  {
    id: "0501_roaming_subscribers",
    sql: `
      CREATE TABLE roaming_subscribers (
        imsi TEXT PRIMARY KEY,
        msisdn TEXT NOT NULL,
        status TEXT NOT NULL,
        roaming_allowed INTEGER NOT NULL,
        services TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE roaming_answer_policy (
        id INTEGER PRIMARY KEY,
        policy TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    id: "0502_roaming_sessions",
    sql: `
      CREATE TABLE roaming_sessions (
        request_id TEXT PRIMARY KEY,
        imsi TEXT NOT NULL,
        visited_plmn TEXT NOT NULL,
        home_plmn TEXT,
        home_operator TEXT,
        home_kid TEXT,
        visited_kid TEXT,
        pseudonym TEXT,
        requested_services TEXT NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        granted TEXT,
        activated TEXT,
        valid_until TEXT,
        expires_at BIGINT NOT NULL,
        attached_at TEXT NOT NULL,
        submitted_at TEXT,
        answered_at TEXT,
        activated_at TEXT,
        closed_at TEXT,
        request_tx TEXT,
        closing_tx TEXT
      );
      CREATE INDEX roaming_sessions_state ON roaming_sessions (state, expires_at);
      CREATE INDEX roaming_sessions_attached ON roaming_sessions (attached_at, request_id);
      CREATE TABLE roaming_home_requests (
        request_id TEXT PRIMARY KEY,
        visited_operator TEXT NOT NULL,
        visited_plmn TEXT,
        imsi_masked TEXT,
        outcome TEXT NOT NULL,
        granted TEXT,
        valid_until TEXT,
        received_at TEXT NOT NULL,
        answered_at TEXT,
        answer_tx TEXT
      );
      CREATE INDEX roaming_home_requests_received ON roaming_home_requests (received_at, request_id);
    `,
  },
  {
    // The member this agent acts for, so the projection keeps only the exchanges it is a party to (see projection.ts).
    id: "0503_roaming_self",
    sql: "CREATE TABLE roaming_self (member TEXT PRIMARY KEY)",
  },
  {
    // Ciphertexts stay in the events (the worker reads them there, or back from the chain): two kilobytes less
    // written per request. Sessions listed by state, newest first, without sorting every session of that state.
    id: "0504_roaming_lean_requests",
    sql: `
      ALTER TABLE roaming_requests DROP COLUMN request_ciphertext;
      ALTER TABLE roaming_requests DROP COLUMN answer_ciphertext;
      CREATE INDEX roaming_sessions_state_attached ON roaming_sessions (state, attached_at, request_id);
    `,
  },
  {
    // Sessions whose request or closing record this agent has not seen mined: what the reconciliation with the chain
    // reads (RoamingReadModel.sessionsBehindChain).
    id: "0505_roaming_sessions_unrecorded",
    sql: `CREATE INDEX roaming_sessions_unrecorded ON roaming_sessions (state)
      WHERE request_tx IS NULL OR closing_tx IS NULL`,
  },
  {
    // SIM swaps: the register re-binding an MSISDN to another IMSI journals the swap in the same transaction (an
    // outbox), so the fraud signal it owes is published once after any crash (subscribers/repositorySimSwaps.ts).
    // The index on msisdn finds the SIMs a number is bound to.
    id: "0506_roaming_sim_swaps",
    sql: `
      CREATE INDEX roaming_subscribers_msisdn ON roaming_subscribers (msisdn);
      CREATE TABLE roaming_sim_swaps (
        swap_id TEXT PRIMARY KEY,
        msisdn TEXT NOT NULL,
        previous_imsi TEXT NOT NULL,
        imsi TEXT NOT NULL,
        nonce TEXT NOT NULL,
        evidence TEXT NOT NULL,
        swapped_at TEXT NOT NULL,
        published_ref TEXT,
        published_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT
      );
      CREATE INDEX roaming_sim_swaps_unpublished ON roaming_sim_swaps (swapped_at, swap_id) WHERE published_at IS NULL;
    `,
  },
];

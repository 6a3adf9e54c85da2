// Schema of the identity core (ids 02x0; 0201..0203 are the chain journal's): the DIDs this agent hosts (whose
// controller and signing keys are in its keystore), the DID-Auth challenges it opened (persisted, single use), and the
// credentials its DIDs issued and those it holds.
import type { Migration } from "../store/store.ts";

export const identityMigrations: readonly Migration[] = [
  {
    id: "0200_identity_hosted_dids",
    sql: `CREATE TABLE identity_hosted_dids (
  did TEXT PRIMARY KEY,
  address TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  controller TEXT NOT NULL,
  signing_kid TEXT,
  service_endpoint TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`,
  },
  {
    // Keyed by the SHA-256 of the challenge: the table never holds an answerable challenge in clear.
    id: "0210_identity_did_auth_challenges",
    sql: `
      CREATE TABLE identity_did_auth_challenges (
        challenge_hash TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        audience TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX identity_did_auth_challenges_owner ON identity_did_auth_challenges (owner, expires_at);
      CREATE INDEX identity_did_auth_challenges_expiry ON identity_did_auth_challenges (expires_at);
    `,
  },
  {
    // Attestation messages received (sender + jti), kept until they expire: a replay is refused (messages/replayGuard.ts).
    id: "0211_identity_received_messages",
    sql: `
      CREATE TABLE identity_received_messages (
        message_key TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX identity_received_messages_expiry ON identity_received_messages (expires_at);
    `,
  },
  {
    // The credentials the hosted DIDs issued (issuedCredentials.ts), listed newest first with their on-chain status.
    id: "0212_identity_issued_credentials",
    sql: `
      CREATE TABLE identity_issued_credentials (
        credential_id TEXT PRIMARY KEY,
        vc_id TEXT NOT NULL UNIQUE,
        issuer TEXT NOT NULL,
        subject TEXT,
        types TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT
      );
      CREATE INDEX identity_issued_credentials_order ON identity_issued_credentials (issued_at, credential_id);
    `,
  },
  {
    // The wallet: credentials issued to the hosted DIDs by others, kept whole (JWT) for the holder to present.
    id: "0213_identity_held_credentials",
    sql: `
      CREATE TABLE identity_held_credentials (
        digest TEXT PRIMARY KEY,
        vc_id TEXT,
        credential_id TEXT,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        types TEXT NOT NULL,
        status_method TEXT,
        valid_from TEXT,
        valid_until TEXT,
        received_at TEXT NOT NULL,
        jwt TEXT NOT NULL
      );
      CREATE INDEX identity_held_credentials_order ON identity_held_credentials (received_at, digest);
    `,
  },
  {
    // Attestation messages exchanged with agents and user agents (src/identity/messaging.ts), sent and received, in
    // conversations (thread_id: the identifier of the message that opened it); and the agent's messaging key.
    id: "0214_identity_conversations",
    sql: `
      CREATE TABLE identity_messages (
        direction TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        jti TEXT NOT NULL,
        identifier TEXT NOT NULL,
        reply_to TEXT,
        thread_id TEXT NOT NULL,
        type TEXT NOT NULL,
        encrypted INTEGER NOT NULL,
        at TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (direction, sender, jti)
      );
      CREATE INDEX identity_messages_thread ON identity_messages (thread_id, at, jti);
      CREATE INDEX identity_messages_identifier ON identity_messages (identifier);
      CREATE TABLE identity_messaging_key (
        slot INTEGER PRIMARY KEY,
        kid TEXT NOT NULL
      );
    `,
  },
];

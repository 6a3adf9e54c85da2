// Read model of identity assurance (IdentityAssurance): members' vouchings for ID-file fingerprints, and attestations
// of claims about people's DIDs. Written only by projection.ts.
import type { Migration } from "../../core/store/store.ts";

export const assuranceMigrations: Migration[] = [
  {
    id: "0215_identity_assurance",
    sql: `
      CREATE TABLE identity_vouchings (
        vouch_id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        member TEXT NOT NULL,
        vouched_block BIGINT NOT NULL,
        vouched_log INTEGER NOT NULL,
        vouched_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE INDEX identity_vouchings_fingerprint ON identity_vouchings (fingerprint, vouched_block, vouched_log);
      CREATE TABLE identity_attestations (
        attestation_id TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        claim TEXT NOT NULL,
        attester TEXT NOT NULL,
        organisation INTEGER NOT NULL,
        relayer TEXT NOT NULL,
        attested_block BIGINT NOT NULL,
        attested_log INTEGER NOT NULL,
        attested_at BIGINT NOT NULL,
        withdrawn_at BIGINT
      );
      CREATE INDEX identity_attestations_subject ON identity_attestations (subject, claim, attested_block, attested_log);
    `,
  },
];

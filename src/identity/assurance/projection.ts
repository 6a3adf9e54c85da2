// Projects IdentityAssurance events into the read model. Idempotent (an event applied twice leaves one effect);
// rewinds are the indexer's (the tables are listed).
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";

export const IDENTITY_ASSURANCE = "IdentityAssurance";

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "Vouched":
      await tx.exec(
        `INSERT INTO identity_vouchings (vouch_id, fingerprint, member, vouched_block, vouched_log, vouched_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (vouch_id) DO NOTHING`,
        [
          lower(a.vouchId),
          lower(a.fingerprint),
          lower(a.member),
          event.blockNumber,
          event.logIndex,
          event.blockTimestamp,
        ],
      );
      return;
    case "VouchRevoked":
      await tx.exec(`UPDATE identity_vouchings SET revoked_at = $2 WHERE vouch_id = $1`, [
        lower(a.vouchId),
        event.blockTimestamp,
      ]);
      return;
    case "Attested":
      await tx.exec(
        `INSERT INTO identity_attestations (attestation_id, subject, claim, attester, organisation, relayer,
           attested_block, attested_log, attested_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (attestation_id) DO NOTHING`,
        [
          lower(a.attestationId),
          lower(a.subject),
          lower(a.claim),
          lower(a.attester),
          a.organisation ? 1 : 0,
          lower(a.relayer),
          event.blockNumber,
          event.logIndex,
          event.blockTimestamp,
        ],
      );
      return;
    case "AttestationWithdrawn":
      await tx.exec(`UPDATE identity_attestations SET withdrawn_at = $2 WHERE attestation_id = $1`, [
        lower(a.attestationId),
        event.blockTimestamp,
      ]);
      return;
  }
}

export const assuranceProjection: Projection = {
  name: "identity-assurance",
  tables: ["identity_vouchings", "identity_attestations"],
  handle: (event, tx) => (event.source === IDENTITY_ASSURANCE ? onEvent(event, tx) : Promise.resolve()),
};

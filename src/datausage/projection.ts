// Projects DataUsage events into the read model: contracts (root and processor contracts, with their parent and
// root), revocations, allowed recipients and consultation batches. Idempotent: inserts keyed by content-derived ids
// ignore a second application; a revocation sets an absolute value.
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";

export const DATA_USAGE = "DataUsage";

const lower = (value: unknown) => String(value).toLowerCase();

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "ContractCreated":
      await tx.exec(
        `INSERT INTO datausage_contracts (id, controller, parent, root, depth, max_depth, subject_fingerprint,
           data_fingerprint, policy_fingerprint, policy_structure, consent_hash, created_at, revoked_at, block_number)
         VALUES ($1, $2, NULL, $1, 0, $3, $4, $5, $6, $7, $8, $9, 0, $10) ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.id),
          lower(a.controller),
          Number(a.maxDepth),
          lower(a.subjectFingerprint),
          lower(a.dataFingerprint),
          lower(a.policyFingerprint),
          lower(a.policyStructure),
          lower(a.consentHash),
          event.blockTimestamp,
          event.blockNumber,
        ],
      );
      return;
    case "RecipientAllowed":
      await tx.exec(
        `INSERT INTO datausage_recipients (root, recipient) VALUES ($1, $2) ON CONFLICT (root, recipient) DO NOTHING`,
        [lower(a.root), lower(a.recipient)],
      );
      return;
    case "ContractTransferred":
      await tx.exec(
        `INSERT INTO datausage_contracts (id, controller, parent, root, depth, max_depth, subject_fingerprint,
           data_fingerprint, policy_fingerprint, policy_structure, consent_hash, created_at, revoked_at, block_number)
         SELECT $1, $2, $3, $4, $5, p.max_depth, p.subject_fingerprint, $6, $7, NULL, p.consent_hash, $8, 0, $9
         FROM datausage_contracts p WHERE p.id = $3
         ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.id),
          lower(a.processor),
          lower(a.parent),
          lower(a.root),
          Number(a.depth),
          lower(a.dataFingerprint),
          lower(a.policyFingerprint),
          event.blockTimestamp,
          event.blockNumber,
        ],
      );
      return;
    case "ContractRevoked":
      await tx.exec(`UPDATE datausage_contracts SET revoked_at = $2 WHERE id = $1`, [lower(a.id), Number(a.at)]);
      return;
    case "ConsultationsRecorded":
      await tx.exec(
        `INSERT INTO datausage_batches (batch_id, recorder, root, leaf_count, anchored_at, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (batch_id) DO NOTHING`,
        [
          lower(a.batchId),
          lower(a.recorder),
          lower(a.root),
          Number(a.count),
          event.blockTimestamp,
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
  }
}

export const dataUsageProjection: Projection = {
  name: "datausage",
  tables: ["datausage_contracts", "datausage_recipients", "datausage_batches"],
  async handle(event, tx) {
    if (event.source === DATA_USAGE) return onEvent(event, tx);
  },
};

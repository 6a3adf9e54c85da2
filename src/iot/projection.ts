// Projects IotRegistry and IotAttestations events into the public IoT read model: schemas, vetted attesters, devices,
// on-chain attestations (their status fields), anchored batches (attesters' own and relayers' peer batches) and
// off-chain revocations. Idempotent: every insert
// is keyed by the record's content-derived id and ignores a second application; updates set absolute values.
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";

export const IOT_REGISTRY = "IotRegistry";
export const IOT_ATTESTATIONS = "IotAttestations";

const lower = (value: unknown) => String(value).toLowerCase();

async function onRegistry(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "SchemaRegistered":
      await tx.exec(
        `INSERT INTO iot_schemas (schema_id, creator, name, definition, revocable, attester_kinds, block_number)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (schema_id) DO NOTHING`,
        [
          lower(a.schemaId),
          lower(a.creator),
          String(a.name),
          String(a.definition),
          a.revocable ? 1 : 0,
          Number(a.attesterKinds),
          event.blockNumber,
        ],
      );
      return;
    case "AttesterVetted":
      await tx.exec(
        `INSERT INTO iot_attesters (attester, kind, vetted_by, block_number) VALUES ($1, $2, $3, $4)
         ON CONFLICT (attester) DO UPDATE SET kind = $2, vetted_by = $3, block_number = $4`,
        [lower(a.attester), Number(a.kind), lower(a.vettedBy), event.blockNumber],
      );
      return;
    case "AttesterUnvetted":
      await tx.exec(`DELETE FROM iot_attesters WHERE attester = $1`, [lower(a.attester)]);
      return;
    case "DeviceRegistered":
      await tx.exec(
        `INSERT INTO iot_devices (device, oem, model_id, make, model, sim_operator, block_number)
         VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (device) DO NOTHING`,
        [lower(a.device), lower(a.oem), lower(a.modelId), String(a.make), String(a.model), event.blockNumber],
      );
      return;
    case "SimKeyBindingAttested":
      await tx.exec(`UPDATE iot_devices SET sim_operator = $2 WHERE device = $1`, [lower(a.device), lower(a.operator)]);
      return;
  }
}

async function onAttestations(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "Attested":
      await tx.exec(
        `INSERT INTO iot_onchain (id, schema_id, subject, attester, data_hash, expires_at, revoked_at, block_number,
           block_time)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [
          lower(a.id),
          lower(a.schemaId),
          lower(a.subject),
          lower(a.attester),
          lower(a.dataHash),
          Number(a.expiresAt),
          event.blockNumber,
          event.blockTimestamp,
        ],
      );
      return;
    case "Revoked":
      await tx.exec(`UPDATE iot_onchain SET revoked_at = $2 WHERE id = $1`, [lower(a.id), Number(a.at)]);
      return;
    case "BatchAnchored":
      await tx.exec(
        `INSERT INTO iot_batches (batch_id, attester, root, leaf_count, anchored_at, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (batch_id) DO NOTHING`,
        [
          lower(a.batchId),
          lower(a.attester),
          lower(a.root),
          Number(a.count),
          event.blockTimestamp,
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
    case "PeerBatchAnchored":
      await tx.exec(
        `INSERT INTO iot_peer_batches (batch_id, relayer, root, leaf_count, anchored_at, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (batch_id) DO NOTHING`,
        [
          lower(a.batchId),
          lower(a.relayer),
          lower(a.root),
          Number(a.count),
          event.blockTimestamp,
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
    case "OffchainRevoked":
      await tx.exec(
        `INSERT INTO iot_offchain_revocations (attester, leaf, revoked_at) VALUES ($1, $2, $3)
         ON CONFLICT (attester, leaf) DO NOTHING`,
        [lower(a.attester), lower(a.leaf), Number(a.at)],
      );
      return;
  }
}

export const iotProjection: Projection = {
  name: "iot",
  tables: [
    "iot_schemas",
    "iot_attesters",
    "iot_devices",
    "iot_onchain",
    "iot_batches",
    "iot_offchain_revocations",
    "iot_peer_batches",
  ],
  async handle(event, tx) {
    if (event.source === IOT_REGISTRY) return onRegistry(event, tx);
    if (event.source === IOT_ATTESTATIONS) return onAttestations(event, tx);
  },
};

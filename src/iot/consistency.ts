// Compares the IoT read model with the contracts' own views at one block: every vetted attester's kind, every
// device's OEM, model and SIM operator, every on-chain attestation's attester, expiry and revocation, every batch's
// root and count (and every peer batch's relayer, root and count), every off-chain revocation. Names each difference.
import type { Address, Hex } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { IotAttestations, IotRegistry } from "../generated/contracts.ts";
import type { IotReadModel } from "./readModel.ts";

export async function iotDifferences(
  readModel: IotReadModel,
  chain: ChainClient,
  contracts: { registry: Address; attestations: Address },
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[]) =>
    chain.readContract({ address, abi, functionName, args, blockNumber } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };
  const source = await readModel.consistencySource();
  for (const a of source.attesters) {
    const onChain = await read<{ kind: number }>(contracts.registry, IotRegistry.abi, "attester", [a.attester]);
    compare("iot_attesters", a.attester, a.kind, Number(onChain.kind));
  }
  for (const d of source.devices) {
    const onChain = await read<{ oem: Address; modelId: Hex; simOperator: Address }>(
      contracts.registry,
      IotRegistry.abi,
      "device",
      [d.device],
    );
    const sim = onChain.simOperator.toLowerCase();
    compare(
      "iot_devices",
      d.device,
      { oem: d.oem, modelId: d.model_id, simOperator: d.sim_operator },
      {
        oem: onChain.oem.toLowerCase(),
        modelId: onChain.modelId.toLowerCase(),
        simOperator: sim === "0x0000000000000000000000000000000000000000" ? null : sim,
      },
    );
  }
  for (const o of source.onchain) {
    const r = await read<{ attester: Address; expiresAt: bigint; revokedAt: number }>(
      contracts.attestations,
      IotAttestations.abi,
      "attestation",
      [o.id],
    );
    compare(
      "iot_onchain",
      o.id,
      { attester: o.attester, expiresAt: Number(o.expires_at), revokedAt: Number(o.revoked_at) },
      { attester: r.attester.toLowerCase(), expiresAt: Number(r.expiresAt), revokedAt: Number(r.revokedAt) },
    );
  }
  for (const b of source.batches) {
    const r = await read<{ root: Hex; count: number }>(contracts.attestations, IotAttestations.abi, "batch", [
      b.batch_id,
    ]);
    compare(
      "iot_batches",
      b.batch_id,
      { root: b.root, count: Number(b.leaf_count) },
      { root: r.root.toLowerCase(), count: Number(r.count) },
    );
  }
  for (const b of source.peerBatches) {
    const r = await read<{ attester: Address; root: Hex; count: number }>(
      contracts.attestations,
      IotAttestations.abi,
      "peerBatch",
      [b.batch_id],
    );
    compare(
      "iot_peer_batches",
      b.batch_id,
      { relayer: b.relayer, root: b.root, count: Number(b.leaf_count) },
      { relayer: r.attester.toLowerCase(), root: r.root.toLowerCase(), count: Number(r.count) },
    );
  }
  for (const v of source.revocations) {
    const at = await read<bigint>(contracts.attestations, IotAttestations.abi, "offchainRevokedAt", [
      v.attester,
      v.leaf,
    ]);
    compare("iot_offchain_revocations", `${v.attester}:${v.leaf}`, Number(v.revoked_at), Number(at));
  }
  return differences;
}

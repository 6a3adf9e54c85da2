// Calls of the IoT contracts for this agent: writes go through the outbox from the member account (which owns its
// own did:ethr, so it acts as that attester), reads straight from the node. Deployment steps live here too.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, keccak256, stringToHex } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import type { TxSender } from "../core/chain/types.ts";
import { IotAttestations, IotRegistry } from "../generated/contracts.ts";
import type { AttestationPayload } from "./payload.ts";
import { IOT_ATTESTATIONS, IOT_REGISTRY } from "./projection.ts";

export const IOT_CONTRACTS = { [IOT_REGISTRY]: IotRegistry, [IOT_ATTESTATIONS]: IotAttestations };

const required = (deployed: Record<string, { address: string }>, name: string) => {
  const contract = deployed[name];
  if (!contract) throw new Error(`${name} must be deployed before the IoT contracts`);
  return contract.address;
};

export const iotDeployment: DeploymentStep[] = [
  {
    name: IOT_REGISTRY,
    artifact: IotRegistry,
    args: (d) => [required(d, "ConsortiumRegistry"), required(d, "EthereumDIDRegistry")],
  },
  {
    name: IOT_ATTESTATIONS,
    artifact: IotAttestations,
    args: (d) => [required(d, IOT_REGISTRY), required(d, "EthereumDIDRegistry")],
  },
];

/** The schema id the registry gives `creator` for this content (IIotRegistry.schemaIdOf). */
export function schemaIdOf(creator: Address, name: string, definition: string, revocable: boolean, kinds: number): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "string" }, { type: "string" }, { type: "bool" }, { type: "uint8" }],
      [creator, name, definition, revocable, kinds],
    ),
  );
}

/** The model id of an OEM's make and model (IIotRegistry.modelIdOf). */
export function modelIdOf(oem: Address, make: string, model: string): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "address" }, { type: "string" }, { type: "string" }], [oem, make, model]),
  );
}

/** The batch id of an attester's root (IIotAttestations.anchorBatch). */
export function batchIdOf(attester: Address, root: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [attester, root]));
}

const PEER_BATCH_TAG = keccak256(stringToHex("telco-ledger.iot.peer-batch"));

/** The batch id of a relayer's peer batch (IIotAttestations.anchorPeerBatch): never equal to an own batch's id. */
export function peerBatchIdOf(relayer: Address, root: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "address" }, { type: "bytes32" }],
      [PEER_BATCH_TAG, relayer, root],
    ),
  );
}

const payloadArg = (p: AttestationPayload) => ({ ...p, expiresAt: BigInt(p.expiresAt) });

export interface IotLedgerOptions {
  chain: ChainClient;
  sender: TxSender;
  from: Address;
  registry: Address;
  attestations: Address;
}

export class IotLedger {
  readonly #o: IotLedgerOptions;

  constructor(options: IotLedgerOptions) {
    this.#o = options;
  }

  registerSchema(name: string, definition: string, revocable: boolean, kinds: number) {
    return this.#registry("registerSchema", [name, definition, revocable, kinds], `iot.registerSchema ${name}`);
  }

  vetAttester(attester: Address, kind: number) {
    return this.#registry("vetAttester", [attester, kind], `iot.vetAttester ${attester}`);
  }

  registerDevice(device: Address, make: string, model: string, signature: Hex) {
    return this.#registry(
      "registerDevice",
      [device, this.#o.from, make, model, signature],
      `iot.registerDevice ${device}`,
    );
  }

  attestSimKeyBinding(device: Address) {
    return this.#registry("attestSimKeyBinding", [device, this.#o.from], `iot.attestSimKeyBinding ${device}`);
  }

  attest(payload: AttestationPayload) {
    return this.#attestations("attest", [payloadArg(payload)], `iot.attest ${payload.schemaId.slice(0, 10)}`);
  }

  revoke(id: Hex) {
    return this.#attestations("revoke", [id], `iot.revoke ${id}`);
  }

  anchorBatch(root: Hex, count: number) {
    return this.#attestations("anchorBatch", [this.#o.from, root, count], `iot.anchorBatch ${count}`);
  }

  anchorPeerBatch(root: Hex, count: number) {
    return this.#attestations("anchorPeerBatch", [this.#o.from, root, count], `iot.anchorPeerBatch ${count}`);
  }

  /** Relays a device's signed revocation of one of its off-chain (peer) attestations. */
  revokeOffchainSigned(attester: Address, leaf: Hex, signature: Hex) {
    return this.#attestations(
      "revokeOffchainSigned",
      [attester, leaf, signature],
      `iot.revokeOffchainSigned ${attester} ${leaf}`,
    );
  }

  /** Whether the ledger holds this batch now (of this agent: its own, or a peer batch it relayed). */
  async batchExists(batchId: Hex, kind: "own" | "peer"): Promise<boolean> {
    const batch = await this.#o.chain.readContract({
      address: this.#o.attestations,
      abi: IotAttestations.abi,
      functionName: kind === "own" ? "batch" : "peerBatch",
      args: [batchId],
    });
    return batch.attester !== "0x0000000000000000000000000000000000000000";
  }

  /** The digest an attester (a device) signs to revoke `leaf` through any relay. */
  revocationDigest(attester: Address, leaf: Hex): Promise<Hex> {
    return this.#o.chain.readContract({
      address: this.#o.attestations,
      abi: IotAttestations.abi,
      functionName: "revocationDigest",
      args: [attester, leaf],
    });
  }

  revokeOffchain(leaf: Hex) {
    return this.#attestations("revokeOffchain", [this.#o.from, leaf], `iot.revokeOffchain ${leaf}`);
  }

  /** The digest a device signs (EIP-191) to bind its key to this OEM and the model. */
  deviceBindingDigest(device: Address, modelId: Hex): Promise<Hex> {
    return this.#o.chain.readContract({
      address: this.#o.registry,
      abi: IotRegistry.abi,
      functionName: "deviceBindingDigest",
      args: [device, this.#o.from, modelId],
    });
  }

  /** The account acting for a did:ethr identity now (its owner in the DID registry). */
  didOwner(did: Address): Promise<Address> {
    return this.#o.chain.readContract({
      address: this.#o.registry,
      abi: IotRegistry.abi,
      functionName: "didOwner",
      args: [did],
    });
  }

  /** The contract's own verdict on an off-chain attestation (IIotAttestations.Status, 0 = Valid). */
  async verifyOffchain(batchId: Hex, payload: AttestationPayload, proof: readonly Hex[]): Promise<number> {
    return this.#o.chain.readContract({
      address: this.#o.attestations,
      abi: IotAttestations.abi,
      functionName: "verifyOffchain",
      args: [batchId, payloadArg(payload), [...proof]],
    });
  }

  async #registry(functionName: string, args: readonly unknown[], label: string) {
    const data = encodeFunctionData({ abi: IotRegistry.abi, functionName, args } as never);
    return this.#o.sender.send({ from: this.#o.from, to: this.#o.registry, data, label });
  }

  async #attestations(functionName: string, args: readonly unknown[], label: string) {
    const data = encodeFunctionData({ abi: IotAttestations.abi, functionName, args } as never);
    return this.#o.sender.send({ from: this.#o.from, to: this.#o.attestations, data, label });
  }
}

// Gas of the IoT trust contracts (docs/iot.md): vetting, schemas, device registration with the device's own signature,
// the operator's SIM key binding, one on-chain attestation (to compare with EAS's ~200k), its revocation, and the
// anchoring of a batch of off-chain attestations (one root, whatever the batch size) and an off-chain revocation, and
// the same for devices' peer attestations relayed by a gateway operator (anchorPeerBatch, revokeOffchainSigned).
import { type Account, type Address, type Hex, keccak256, parseEventLogs, stringToHex } from "viem";
import { ConsortiumRegistry, EthereumDIDRegistry, IotAttestations, IotRegistry } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const OEM = 1;
const THIRD_PARTY = 4;
const OPERATOR = 2;
/** The batch size the anchoring row quotes; the gas does not depend on it (one root per batch). */
export const IOT_BATCH_SIZE = 20_000;
/** An expiry after the snapshot's fixed clock (GENESIS_TIME) and every block it mines. */
const EXPIRES_AT = 2_000_000_000n;

export async function measureIot(chain: GasRecorder): Promise<void> {
  const authority = await chain.account("iot trust authority");
  const oem = await chain.account("iot oem");
  const operator = await chain.account("iot operator");
  const certifier = await chain.account("iot certifier");
  const lock = await chain.account("iot lock");
  const consortium = await chain.deploy(authority, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [[authority.address], ["Trust Authority"], [[keccak256(stringToHex("TRUST_AUTHORITY"))]]],
  });
  const dids = await chain.deploy(authority, { abi: EthereumDIDRegistry.abi, bytecode: EthereumDIDRegistry.bytecode });
  const registry = await chain.deploy(
    authority,
    { abi: IotRegistry.abi, bytecode: IotRegistry.bytecode, args: [consortium, dids] },
    "IotRegistry.deploy",
  );
  const attestations = await chain.deploy(
    authority,
    { abi: IotAttestations.abi, bytecode: IotAttestations.bytecode, args: [registry, dids] },
    "IotAttestations.deploy",
  );
  const reg = { address: registry, abi: IotRegistry.abi } as const;
  await chain.measure("IotRegistry.vetAttester", authority, {
    ...reg,
    functionName: "vetAttester",
    args: [oem.address, OEM],
  });
  await chain.call(authority, { ...reg, functionName: "vetAttester", args: [operator.address, OPERATOR] });
  await chain.call(authority, { ...reg, functionName: "vetAttester", args: [certifier.address, THIRD_PARTY] });
  const schemaReceipt = await chain.measure("IotRegistry.registerSchema", certifier, {
    ...reg,
    functionName: "registerSchema",
    args: ["certification", "string program,string level,bytes32 evidence", true, THIRD_PARTY],
  });
  const [registered] = parseEventLogs({
    abi: IotRegistry.abi,
    eventName: "SchemaRegistered",
    logs: schemaReceipt.logs,
  });
  if (!registered) throw new Error("registerSchema registered no schema");
  const schemaId = registered.args.schemaId;
  await registerDevice(chain, registry, oem, lock);
  await chain.measure("IotRegistry.attestSimKeyBinding", operator, {
    ...reg,
    functionName: "attestSimKeyBinding",
    args: [lock.address, operator.address],
  });
  await measureAttestations(chain, attestations, certifier, schemaId, lock.address);
  await measurePeerAttestations(chain, attestations, operator, lock);
}

/** A gateway operator relays devices' peer attestations under one root; a device revokes one by a signed message. */
async function measurePeerAttestations(
  chain: GasRecorder,
  attestations: Address,
  operator: Account,
  device: Account,
): Promise<void> {
  const on = { address: attestations, abi: IotAttestations.abi } as const;
  await chain.measure("IotAttestations.anchorPeerBatch", operator, {
    ...on,
    functionName: "anchorPeerBatch",
    args: [operator.address, keccak256(stringToHex("a peer batch root")), IOT_BATCH_SIZE],
  });
  const leaf = keccak256(stringToHex("a peer leaf"));
  const digest = await chain.publicClient.readContract({
    ...on,
    functionName: "revocationDigest",
    args: [device.address, leaf],
  });
  if (!device.signMessage) throw new Error("the device account cannot sign");
  const signature = await device.signMessage({ message: { raw: digest } });
  await chain.measure("IotAttestations.revokeOffchainSigned", operator, {
    ...on,
    functionName: "revokeOffchainSigned",
    args: [device.address, leaf, signature],
  });
}

async function registerDevice(chain: GasRecorder, registry: Address, oem: Account, device: Account): Promise<void> {
  const reg = { address: registry, abi: IotRegistry.abi } as const;
  const modelId = await chain.publicClient.readContract({
    ...reg,
    functionName: "modelIdOf",
    args: [oem.address, "Acme", "SmartLock 2"],
  });
  const digest = await chain.publicClient.readContract({
    ...reg,
    functionName: "deviceBindingDigest",
    args: [device.address, oem.address, modelId],
  });
  if (!device.signMessage) throw new Error("the device account cannot sign");
  const signature = await device.signMessage({ message: { raw: digest } });
  await chain.measure("IotRegistry.registerDevice", oem, {
    ...reg,
    functionName: "registerDevice",
    args: [device.address, oem.address, "Acme", "SmartLock 2", signature],
  });
}

async function measureAttestations(
  chain: GasRecorder,
  attestations: Address,
  certifier: Account,
  schemaId: Hex,
  device: Address,
): Promise<void> {
  const on = { address: attestations, abi: IotAttestations.abi } as const;
  const subject = `0x${device.slice(2).toLowerCase().padStart(64, "0")}` as const;
  const payload = (data: string) => ({
    schemaId,
    subject,
    attester: certifier.address,
    dataHash: keccak256(stringToHex(data)),
    expiresAt: EXPIRES_AT,
  });
  const first = payload("CTIA IoT level 2");
  const receipt = await chain.measure("IotAttestations.attest", certifier, {
    ...on,
    functionName: "attest",
    args: [first],
  });
  const [made] = parseEventLogs({ abi: IotAttestations.abi, eventName: "Attested", logs: receipt.logs });
  if (!made) throw new Error("attest made no attestation");
  await chain.measure("IotAttestations.attest/second", certifier, {
    ...on,
    functionName: "attest",
    args: [payload("ioXt 3 stars")],
  });
  await chain.measure("IotAttestations.revoke", certifier, { ...on, functionName: "revoke", args: [made.args.id] });
  await chain.measure("IotAttestations.anchorBatch", certifier, {
    ...on,
    functionName: "anchorBatch",
    args: [certifier.address, keccak256(stringToHex("a batch root")), IOT_BATCH_SIZE],
  });
  await chain.measure("IotAttestations.revokeOffchain", certifier, {
    ...on,
    functionName: "revokeOffchain",
    args: [certifier.address, keccak256(stringToHex("a leaf"))],
  });
}

// The one payload shape of every IoT attestation, on chain or off (contracts/iot/IIotAttestations.sol): its id is
// keccak256(abi.encode(payload)) and its Merkle leaf keccak256(id), exactly as the contract computes them, so an id
// the agent acknowledges is the id on chain and a leaf the agent proves is the leaf the contract checks.
import { type Address, encodeAbiParameters, type Hex, keccak256, pad, stringToHex } from "viem";
import { canonicalJson } from "../core/canonicalJson.ts";

export interface AttestationPayload {
  schemaId: Hex;
  /** A device's address left-padded to 32 bytes, or a model id. */
  subject: Hex;
  attester: Address;
  /** keccak256 of the canonical JSON of the attested claims (dataHashOf). */
  dataHash: Hex;
  /** Unix seconds; 0 = no expiry. */
  expiresAt: number;
}

const PAYLOAD_PARAMETERS = [
  { type: "bytes32" },
  { type: "bytes32" },
  { type: "address" },
  { type: "bytes32" },
  { type: "uint64" },
] as const;

export function attestationIdOf(p: AttestationPayload): Hex {
  return keccak256(
    encodeAbiParameters(PAYLOAD_PARAMETERS, [p.schemaId, p.subject, p.attester, p.dataHash, BigInt(p.expiresAt)]),
  );
}

/** The OpenZeppelin StandardMerkleTree leaf of the payload's five values: keccak256(bytes.concat(id)). */
export function leafOfId(id: Hex): Hex {
  return keccak256(id);
}

/** A device subject: its address left-padded to 32 bytes (lower case). */
export function deviceSubject(device: Address): Hex {
  return pad(device.toLowerCase() as Hex, { size: 32 });
}

/** The device address of a device subject, or undefined when the subject is not an address (e.g. a model id). */
export function deviceOfSubject(subject: Hex): Address | undefined {
  const hex = subject.toLowerCase();
  return /^0x0{24}[0-9a-f]{40}$/.test(hex) ? (`0x${hex.slice(26)}` as Address) : undefined;
}

/** The data hash of attested claims: keccak256 of their canonical JSON. */
export function dataHashOf(claims: Record<string, unknown>): Hex {
  return keccak256(stringToHex(canonicalJson(claims)));
}

const PEER_ATTESTATION_TAG = keccak256(stringToHex("telco-ledger.iot.peer-attestation"));

/** What a device signs (EIP-191) to make an attestation its own (IIotAttestations.peerAttestationDigest). */
export function peerAttestationDigest(id: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }], [PEER_ATTESTATION_TAG, id]));
}

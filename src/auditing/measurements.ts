// Slice SLA measurements signed off chain and anchored per period. A 5G slice agreement's tasks are measurement periods;
// each side's agent signs its own measurement of a period with the member's account key (EIP-712, domain bound to this
// chain and the escrow), and anchors the typed-data digest: the provider with `reportCompletion` (which also pays the
// period), the recipient with `anchorMeasurement`. Anyone holding a signed measurement can check it against the chain:
// the signature must recover to that side's party, and the digest must be exactly the one anchored for that side.
// A breach claim is a complaint on the period (judged by the same jury), with the signed measurements verified first.
import { type Address, type Hex, hashTypedData, recoverTypedDataAddress } from "viem";
import { AuditingError } from "./errors.ts";

export const MEASUREMENT_TYPES = {
  SliceMeasurement: [
    { name: "taskId", type: "bytes32" },
    { name: "side", type: "uint8" },
    { name: "latencyP95Ms", type: "uint32" },
    { name: "availabilityBps", type: "uint32" },
    { name: "throughputMbps", type: "uint32" },
    { name: "signer", type: "address" },
  ],
} as const;

export const SIDES = { provider: 1, recipient: 2 } as const;
export type Side = keyof typeof SIDES;

export interface Measurement {
  taskId: Hex;
  side: Side;
  latencyP95Ms: number;
  availabilityBps: number;
  throughputMbps: number;
  signer: Address;
}

export const measurementDomain = (chainId: number, escrow: Address) => ({
  name: "telco-ledger slice SLA",
  version: "1",
  chainId,
  verifyingContract: escrow,
});

const message = (m: Measurement) => ({
  taskId: m.taskId,
  side: SIDES[m.side],
  latencyP95Ms: m.latencyP95Ms,
  availabilityBps: m.availabilityBps,
  throughputMbps: m.throughputMbps,
  signer: m.signer,
});

export const typedMeasurement = (chainId: number, escrow: Address, m: Measurement) => ({
  domain: measurementDomain(chainId, escrow),
  types: MEASUREMENT_TYPES,
  primaryType: "SliceMeasurement" as const,
  message: message(m),
});

/** The digest a side anchors: the EIP-712 hash of its measurement. */
export const measurementDigest = (chainId: number, escrow: Address, m: Measurement): Hex =>
  hashTypedData(typedMeasurement(chainId, escrow, m));

export interface AnchoredReports {
  provider: Address;
  recipient: Address;
  providerReport: Hex;
  recipientReport: Hex;
}

/**
 * Checks a signed measurement against the chain; answers its digest. Named reasons: the measurement names another
 * signer than the side's party (AUDITING_MEASUREMENT_WRONG_SIGNER, reason wrong-signer); the signature does not
 * recover to that party, i.e. a figure changed after signing (AUDITING_MEASUREMENT_TAMPERED, reason
 * signature-mismatch); the digest is not the one anchored for that side, e.g. superseded or never anchored
 * (AUDITING_MEASUREMENT_TAMPERED, reason digest-not-anchored).
 */
export async function verifyMeasurement(
  chainId: number,
  escrow: Address,
  m: Measurement,
  signature: Hex,
  anchored: AnchoredReports,
): Promise<Hex> {
  const party = (m.side === "provider" ? anchored.provider : anchored.recipient).toLowerCase();
  let recovered: string;
  try {
    recovered = (await recoverTypedDataAddress({ ...typedMeasurement(chainId, escrow, m), signature })).toLowerCase();
  } catch (cause) {
    throw new AuditingError("AUDITING_MEASUREMENT_WRONG_SIGNER", "the signature does not recover to any account", {
      field: "body.signature",
      problem: "not a valid signature",
      cause,
    });
  }
  if (m.signer.toLowerCase() !== party) {
    throw new AuditingError(
      "AUDITING_MEASUREMENT_WRONG_SIGNER",
      `the ${m.side}'s measurement must be signed by ${party}, not ${m.signer.toLowerCase()}`,
      { details: { reason: "wrong-signer", expected: party, signer: m.signer.toLowerCase() } },
    );
  }
  if (recovered !== party) {
    // The named signer did not sign these figures: something was changed after signing.
    throw new AuditingError(
      "AUDITING_MEASUREMENT_TAMPERED",
      `the ${m.side}'s measurement is not what ${party} signed (the signature recovers to ${recovered})`,
      { details: { reason: "signature-mismatch", expected: party, recovered } },
    );
  }
  const digest = measurementDigest(chainId, escrow, m);
  const onChain = (m.side === "provider" ? anchored.providerReport : anchored.recipientReport).toLowerCase();
  if (digest.toLowerCase() !== onChain) {
    throw new AuditingError(
      "AUDITING_MEASUREMENT_TAMPERED",
      `the ${m.side}'s measurement (digest ${digest}) is not the one anchored for task ${m.taskId} (${onChain})`,
      { details: { reason: "digest-not-anchored", digest, anchored: onChain } },
    );
  }
  return digest;
}

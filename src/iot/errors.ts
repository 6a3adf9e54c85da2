// The IoT domain's error table: the refusals a client acts on by code. Field paths are absolute (body.subject,
// params.id). A contract revert the agent did not foresee stays the platform's CHAIN_REVERTED. docs/iot.md lists them.
import { DomainError, type DomainErrorOptions, defineErrors } from "../core/errors/index.ts";

export const IOT_ERRORS = defineErrors("iot", {
  IOT_NOT_TRUST_AUTHORITY: {
    status: 403,
    description: "Only a member holding the TRUST_AUTHORITY consortium role vets attesters.",
  },
  IOT_ATTESTER_NOT_VETTED: {
    status: 403,
    description:
      "The attester (this member's DID) is neither vetted for a kind the schema accepts nor a registered device.",
  },
  IOT_UNKNOWN_SCHEMA: { status: 404, description: "No attestation schema with this id on the ledger." },
  IOT_UNKNOWN_DEVICE: { status: 404, description: "No device with this address on the ledger." },
  IOT_UNKNOWN_ATTESTATION: {
    status: 404,
    description: "No attestation with this id that this agent can judge (on chain, or held with its proof).",
  },
  IOT_UNKNOWN_BATCH: { status: 404, description: "No anchored batch with this id on the ledger (yet)." },
  IOT_UNKNOWN_POLICY: { status: 404, description: "No relying-party policy with this id (and version)." },
  IOT_POLICY_VERSION_EXISTS: {
    status: 409,
    description: "This policy version exists already: policies are versioned, a change is a new version.",
  },
  IOT_TOKEN_INVALID: {
    status: 422,
    description:
      "The attestation token is malformed, of another profile, not signed by the owner of its attester's DID, or " +
      "its jti is not the id of its payload; for a device's peer attestation, the device's signature of the payload " +
      "id is not the owner's, or it has expired; details name the reason.",
  },
  IOT_PROOF_MISMATCH: {
    status: 422,
    description:
      "The inclusion proof does not bind this payload to the batch's root, or the batch is another attester's: a " +
      "proof replayed for another payload.",
  },
  IOT_NOT_ON_CHAIN: {
    status: 409,
    description: "An on-chain token whose attestation id the ledger does not hold (yet).",
  },
  IOT_NOT_ATTESTER: {
    status: 403,
    description:
      "Only the attester revokes its attestations: its own agent, or (for a device) a revocation the device signed.",
  },
  IOT_NOTHING_TO_ANCHOR: { status: 409, description: "This agent holds no off-chain attestation waiting for a batch." },
  IOT_FIRMWARE_NOT_IN_LOG: {
    status: 422,
    description: "The firmware image's hash is not in the OEM's transparency log under an anchored root.",
  },
  IOT_CERT_CHAIN_INVALID: {
    status: 422,
    description:
      "The device's certificate chain does not reach a certificate attested by a vetted OEM with valid signatures, " +
      "validity periods and CA issuers; details name the reason (UNTRUSTED_ROOT, OEM_ATTESTATION_REVOKED, " +
      "OEM_ATTESTATION_EXPIRED, OEM_NOT_VETTED, SIGNATURE, EXPIRED, NOT_YET_VALID, NOT_A_CA) and the certificate's index.",
  },
});

export type IotErrorCode = keyof typeof IOT_ERRORS;

export class IotError extends DomainError<IotErrorCode> {
  constructor(code: IotErrorCode, message: string, options?: DomainErrorOptions) {
    super(code, message, options);
  }
}

// The data-usage domain's error table: the refusals a client acts on by code. Field paths are absolute (body.x,
// params.y). A contract revert the agent did not foresee stays the platform's CHAIN_REVERTED. docs/datausage.md lists them.
import { DomainError, type DomainErrorOptions, defineErrors } from "../core/errors/index.ts";

export const DATAUSAGE_ERRORS = defineErrors("datausage", {
  DATAUSAGE_UNKNOWN_CONTRACT: { status: 404, description: "No data usage contract with this id on the ledger (yet)." },
  DATAUSAGE_NOT_HELD: {
    status: 404,
    description: "This agent holds no data under this contract (it is another member's, or was never imported).",
  },
  DATAUSAGE_DENIED: {
    status: 403,
    description:
      "The contract's policy denies this use or transfer: the subject revoked it (or a contract up the chain), a " +
      "prohibition matches, or no permission holds (purpose, recipient, time window); facts.reason says which.",
  },
  DATAUSAGE_DELAYED: {
    status: 409,
    description: "The policy permits this only after its delay period; facts.notBefore is the first second it may.",
  },
  DATAUSAGE_BAD_SECRET: {
    status: 403,
    description: "The revocation secret does not open the contract's commitment: only the subject holds it.",
  },
  DATAUSAGE_ALREADY_REVOKED: { status: 409, description: "The subject revoked this contract already." },
  DATAUSAGE_PACKAGE_MISMATCH: {
    status: 422,
    description:
      "An imported transfer package does not match its contract on chain (not addressed to this member, or the " +
      "data or policy fingerprint differs); details name the field.",
  },
  DATAUSAGE_INVALID_POLICY: {
    status: 400,
    description: "The ODRL policy breaks the profile (unknown action or operand, a window that can never hold).",
  },
  DATAUSAGE_NOTHING_TO_ANCHOR: {
    status: 409,
    description: "This agent holds no consultation record waiting for a batch.",
  },
});

export type DataUsageErrorCode = keyof typeof DATAUSAGE_ERRORS;

export class DataUsageError extends DomainError<DataUsageErrorCode> {
  constructor(code: DataUsageErrorCode, message: string, options?: DomainErrorOptions) {
    super(code, message, options);
  }
}

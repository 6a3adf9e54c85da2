// Typed errors of the registries domain and its error table. Field paths are absolute (body.imeis[3], params.imei).
// A contract revert (NotAnOperator, NotReporter, NotTheProvider, InvalidPortState, NotInPath, NotAskedCarrier, ...)
// stays the platform's CHAIN_REVERTED naming the contract error.
import { DomainError, defineErrors, type FieldPath } from "../core/errors/index.ts";

export const REGISTRIES_ERRORS = defineErrors("registries", {
  REGISTRIES_INVALID_INPUT: {
    status: 400,
    description: "An input breaks a rule its schema cannot express (an IMEI's check digit); details name the field.",
  },
  REGISTRIES_NO_CONSORTIUM_KEY: {
    status: 409,
    description: "This agent holds no consortium key yet, so it cannot keyed-hash an IMEI (set it first).",
  },
  REGISTRIES_REPORT_NOT_FOUND: { status: 404, description: "No device report with this id on the ledger." },
  REGISTRIES_PORT_NOT_FOUND: { status: 404, description: "No number port with this id on the ledger." },
  REGISTRIES_TRACE_NOT_FOUND: { status: 404, description: "No traceback with this id on the ledger." },
  REGISTRIES_SIGNAL_NOT_FOUND: { status: 404, description: "No fraud signal with this id on the ledger." },
  REGISTRIES_PASSPORT_INVALID: {
    status: 422,
    description:
      "The call's SHAKEN PASSporT does not verify (signature, certificate chain, validity at its iat, TNAuthList); the message names the STI-VS reason. Nothing was sent.",
  },
  REGISTRIES_CALL_NOT_FOUND: { status: 404, description: "No call with this digest in this member's call log." },
  REGISTRIES_SPC_NOT_FOUND: { status: 404, description: "No member registered this Service Provider Code." },
  REGISTRIES_FLAG_NOT_FOUND: { status: 404, description: "No vetter flag with this id on the ledger." },
  REGISTRIES_NUMBER_NOT_HELD: {
    status: 404,
    description: "No organisation holds this number in EIDL now, so there is no holder's vetter to flag it to.",
  },
  REGISTRIES_NO_VETTER: {
    status: 409,
    description:
      "The number's holder has no vetter in EIDL (a root organisation, or never vetted), so it cannot be flagged to one.",
  },
});

export type RegistriesErrorCode = keyof typeof REGISTRIES_ERRORS;

export class RegistriesError extends DomainError<RegistriesErrorCode> {
  constructor(code: RegistriesErrorCode, message: string, options?: { field?: FieldPath }) {
    super(code, message, options?.field === undefined ? {} : { field: options.field });
  }
}

/** A field breaks a registries rule: the message starts with the field's absolute path. */
export const invalidRegistriesInput = (field: FieldPath, message: string): RegistriesError =>
  new RegistriesError("REGISTRIES_INVALID_INPUT", `${field} ${message}`, { field });

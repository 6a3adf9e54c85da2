// Typed errors of the PKI domain and its error table: each code with the HTTP status the API answers. Field paths are
// absolute (body.dnsName, params.id), so a client can point at the field it sent.
import { DomainError, defineErrors, type FieldPath } from "../core/errors/index.ts";

export const PKI_ERRORS = defineErrors("pki", {
  PKI_INVALID_INPUT: {
    status: 400,
    description: "A PKI input breaks a rule its schema cannot express (e.g. a key that is not a P-256 SPKI).",
  },
  PKI_APPLICATION_NOT_FOUND: { status: 404, description: "No certificate application with this id on the ledger." },
  PKI_CERTIFICATE_NOT_FOUND: {
    status: 404,
    description: "The ledger records no certificate with this serial number or SHA-256.",
  },
  PKI_WRONG_STATE: {
    status: 409,
    description: "The application is not in the state the operation needs (e.g. issued already, or not issued).",
  },
  PKI_WRONG_KIND: {
    status: 409,
    description: "DV applications take domain-control attestations, OV and EV applications endorsements.",
  },
  PKI_CHALLENGE_FAILED: {
    status: 422,
    description:
      "The HTTP-01 challenge failed: the name's server did not answer the key authorization, so the applicant " +
      "is not shown to control the name; nothing was attested.",
  },
  PKI_THRESHOLD_NOT_MET: {
    status: 409,
    description: "The application has fewer attestations or endorsements than its kind needs; nothing was issued.",
  },
  PKI_NOT_ISSUER: {
    status: 403,
    description: "This member's agent does not hold the consortium's current issuing CA key.",
  },
  PKI_LOG_EMPTY: { status: 409, description: "The transparency log has no entry yet: there is nothing to anchor." },
  PKI_LOG_CHECKPOINT_NOT_FOUND: { status: 404, description: "No checkpoint of this tree size was anchored on chain." },
  PKI_LOG_ROOT_MISMATCH: {
    status: 409,
    description:
      "The witness's own copy of the log has another root at this size: it refuses to co-sign (a split view).",
  },
  PKI_LOG_NOT_INCLUDED: {
    status: 409,
    description: "The certificate is not in the log up to the asked (or latest witnessed) checkpoint yet.",
  },
  PKI_LOG_VIEW_UNWITNESSED: {
    status: 409,
    description:
      "The log view (tree size and root) is not a checkpoint co-signed on chain by enough witnesses: refused.",
  },
  PKI_INCLUSION_PROOF_INVALID: {
    status: 422,
    description: "The inclusion proof does not lead from the leaf to the checkpoint's root (RFC 9162 §2.1.3.2).",
  },
  PKI_TRIGGER_NOT_FOUND: { status: 404, description: "No asset or trigger with this id on the FactTriggers ledger." },
  PKI_TIMESTAMP_NOT_FOUND: { status: 404, description: "This agent anchored no file with this SHA-256 digest." },
  PKI_TIMESTAMP_NOT_ANCHORED: {
    status: 409,
    description: "The proof's root was never anchored on the TimestampLedger: the file's existence is not proven.",
  },
  PKI_TIMESTAMP_PROOF_INVALID: {
    status: 422,
    description: "The timestamp proof does not lead from the file's digest to its root (or names another file).",
  },
  PKI_DATA_REQUEST_NOT_FOUND: { status: 404, description: "No data request with this id on the DataOffers ledger." },
  PKI_DATA_OFFER_NOT_FOUND: { status: 404, description: "No data offer with this id on the DataOffers ledger." },
  PKI_DATA_FILE_NOT_FOUND: { status: 404, description: "This agent holds no data file with this SHA-256 digest." },
  PKI_DATA_NOT_TIMESTAMPED: {
    status: 409,
    description:
      "The data root was never anchored on the TimestampLedger, or the data's digest is not under it: offering or " +
      "publishing untimestamped data is refused.",
  },
  PKI_DATA_REQUEST_NOT_OPEN: {
    status: 409,
    description: "The data request is not open for offers or payment (served from a free dataset, or paid).",
  },
  PKI_DATA_ALREADY_PAID: {
    status: 409,
    description:
      "The data request was paid already (the contract's AlreadyPaid): a replayed or second payment; nothing moved.",
  },
  PKI_DATA_BALANCE_TOO_LOW: {
    status: 409,
    description: "The client's settlement-token balance is below the offer's price; nothing moved.",
  },
  PKI_DATA_NOT_CLIENT: { status: 403, description: "Only the member that made the data request pays or fetches." },
  PKI_DATA_NOT_PROVIDER: {
    status: 403,
    description: "Only the offering provider grants access; a member does not offer on its own request.",
  },
  PKI_DATA_ACCESS_NOT_DUE: {
    status: 409,
    description: "Access is granted only for the paid offer of a request, once: not before payment, not twice.",
  },
  PKI_DATA_ACCESS_DENIED: {
    status: 403,
    description:
      "The provider's data API refuses: the signature is not the requesting member's or expired, the request is " +
      "not paid to this provider, or access was not granted yet.",
  },
  PKI_DATA_PROOF_INVALID: {
    status: 422,
    description:
      "The data fetched does not match its digest, or its timestamp proof does not lead to the root the ledger " +
      "records for the offer.",
  },
  PKI_DATA_FETCH_FAILED: {
    // 422, not 502 (as STIR's x5u fetch): the provider's URL is the caller's input, and a 5xx would say this agent
    // failed. The message names the URL and what went wrong; nothing is recorded or paid by a failed fetch.
    status: 422,
    description: "The provider's data API at the URL given could not be reached or answered badly.",
  },
});

export type PkiErrorCode = keyof typeof PKI_ERRORS;

export class PkiError extends DomainError<PkiErrorCode> {
  constructor(
    code: PkiErrorCode,
    message: string,
    options?: { field?: FieldPath; details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(code, message, {
      ...(options?.field === undefined ? {} : { field: options.field }),
      ...(options?.details === undefined ? {} : { details: options.details }),
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

export const invalidPkiInput = (field: FieldPath, message: string): PkiError =>
  new PkiError("PKI_INVALID_INPUT", `${field} ${message}`, { field });

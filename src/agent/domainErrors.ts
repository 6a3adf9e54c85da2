// Maps the typed errors of the domains and of the chain layer onto the API's error contract, so every failure a
// client sees has a stable code, the right HTTP status and, where a field is at fault, the field.
import { ApiError } from "../core/api/index.ts";
import { ChainError, TxRevertedError } from "../core/chain/errors.ts";
import { IdentityError } from "../core/identity/errors.ts";
import { RoamingError } from "../roaming/errors.ts";
import { StirError } from "../stir/errors.ts";

const jsonSafe = (value: unknown): string =>
  typeof value === "bigint"
    ? value.toString()
    : typeof value === "string"
      ? value
      : JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

export function translateDomainError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof TxRevertedError) {
    const args = error.errorArgs.map(jsonSafe).join(", ");
    return new ApiError(
      "CHAIN_REVERTED",
      error.errorName
        ? `the ledger rejected ${error.label}: ${error.errorName}(${args})`
        : `the ledger rejected ${error.label}`,
      { cause: error },
    );
  }
  if (error instanceof ChainError) {
    if (error.code === "CHAIN_UNAVAILABLE") return new ApiError("CHAIN_UNAVAILABLE", error.message, { cause: error });
    if (error.code === "TX_REQUEST_INVALID") return new ApiError("VALIDATION_FAILED", error.message, { cause: error });
    return undefined;
  }
  if (error instanceof IdentityError) {
    switch (error.code) {
      case "IDENTITY_INVALID_INPUT":
      case "KEY_KIND_MISMATCH":
      case "CREDENTIAL_INVALID":
      case "CREDENTIAL_EXPIRED":
      case "DID_AUTH_INVALID":
      case "DID_AUTH_CHALLENGE_UNKNOWN": {
        const field = error.field ? `body.${error.field}` : "body";
        return new ApiError("VALIDATION_FAILED", error.message, {
          details: [{ field, message: error.message }],
          cause: error,
        });
      }
      case "KEY_NOT_FOUND":
      case "DID_NOT_HOSTED":
        return new ApiError("NOT_FOUND", error.message, { cause: error });
      case "KEY_RETIRED":
      case "DID_NO_SIGNING_KEY":
      case "CREDENTIAL_REVOKED":
      case "CREDENTIAL_SUSPENDED":
        return new ApiError("CONFLICT", error.message, { cause: error });
      case "DID_RESOLUTION_FAILED":
        return new ApiError("NOT_FOUND", error.message, { cause: error });
      case "CREDENTIAL_STATUS_UNAVAILABLE":
        return new ApiError("CHAIN_UNAVAILABLE", error.message, { cause: error });
      default:
        return undefined;
    }
  }
  if (error instanceof RoamingError) return roamingApiError(error);
  if (error instanceof StirError) return stirApiError(error);
  return undefined;
}

function roamingApiError(error: RoamingError): ApiError {
  switch (error.code) {
    case "ROAMING_INVALID_INPUT": {
      const field = error.field ?? "body";
      return new ApiError("VALIDATION_FAILED", error.message, {
        details: [{ field, message: error.message }],
        cause: error,
      });
    }
    case "ROAMING_SUBSCRIBER_NOT_FOUND":
    case "ROAMING_SESSION_NOT_FOUND":
    case "ROAMING_KEY_NOT_FOUND":
      return new ApiError("NOT_FOUND", error.message, { cause: error });
    default:
      return new ApiError("CONFLICT", error.message, { cause: error });
  }
}

function stirApiError(error: StirError): ApiError {
  switch (error.code) {
    case "STIR_NOT_FOUND":
      return new ApiError("NOT_FOUND", error.message, { cause: error });
    case "STIR_NOT_CONFIGURED":
      return new ApiError("CONFLICT", error.message, { cause: error });
    default: {
      const field = error.field ?? "body";
      return new ApiError("VALIDATION_FAILED", error.message, {
        details: [{ field, message: `${error.reason}: ${error.message}` }],
        cause: error,
      });
    }
  }
}

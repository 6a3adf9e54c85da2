// How failures of the chain layer reach an API client: a revert names the contract's error and its arguments; an
// unreachable node is an outage (503), never an internal error; a node's refusal (insufficient funds, invalid opcode)
// is neither (422, the node's words); a transaction the node refuses as malformed is the
// caller's input. The chain layer is core, so this lives beside the error handler, not in any domain.
import { ChainError, TxRevertedError } from "../chain/errors.ts";
import { ApiError } from "./errors.ts";

const jsonSafe = (value: unknown): string =>
  typeof value === "bigint"
    ? value.toString()
    : typeof value === "string"
      ? value
      : JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

export function chainApiError(error: unknown): ApiError | undefined {
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
    if (error.code === "TX_REJECTED") return new ApiError("CHAIN_REJECTED", error.message, { cause: error });
    if (error.code === "TX_REQUEST_INVALID") return new ApiError("VALIDATION_FAILED", error.message, { cause: error });
    // Simulated fine, reverted when mined: another write changed the ledger in between (two requests racing for one
    // record). The ledger refused it, as a simulated revert would have been refused: not an internal error.
    if (error.code === "TX_FAILED") return new ApiError("CHAIN_REVERTED", error.message, { cause: error });
  }
  return undefined;
}

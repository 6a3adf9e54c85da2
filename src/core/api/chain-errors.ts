// How failures of the chain layer reach an API client: a revert names the contract's error and its arguments; an
// unreachable node is an outage (503), never an internal error; a node's refusal (insufficient funds, invalid opcode)
// is neither (422, the node's words); a transaction the node refuses as malformed is the
// caller's input. The chain layer is core, so this lives beside the error handler, not in any domain.
import { InvalidAddressError } from "viem";
import { ChainError, TxRevertedError } from "../chain/errors.ts";
import { ApiError } from "./errors.ts";

const jsonSafe = (value: unknown): string =>
  typeof value === "bigint"
    ? value.toString()
    : typeof value === "string"
      ? value
      : JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** viem's refusal of an address, wherever it sits in the cause chain (contract calls wrap it). */
function invalidAddress(error: unknown): InvalidAddressError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof InvalidAddressError) return e;
  }
  return undefined;
}

export function chainApiError(error: unknown): ApiError | undefined {
  // The schemas admit any 0x + 40 hex digits; a mixed-case one must carry a correct EIP-55 checksum (a wrong one means
  // a mistyped address). viem refuses it before anything is sent: the caller's input, not an internal error.
  const badAddress = invalidAddress(error);
  if (badAddress) {
    const address = /Address "(0x[0-9a-fA-F]*)"/.exec(badAddress.shortMessage)?.[1] ?? "an address";
    return new ApiError(
      "VALIDATION_FAILED",
      `${address} is not a valid address: mixed case whose EIP-55 checksum is wrong (send it in lower case or checksummed)`,
      { cause: error },
    );
  }
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

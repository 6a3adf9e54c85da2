// Typed errors of the chain layer. Each has a stable `code` (part of the API's contract) and a message that says
// what is wrong and what to do about it.
import type { Address, Hex } from "viem";

export type ChainErrorCode =
  | "CHAIN_ID_MISMATCH"
  | "CONTRACT_MISSING"
  | "CONTRACT_CODE_MISMATCH"
  | "MANIFEST_INVALID"
  | "TX_REVERTED"
  | "TX_FAILED"
  | "TX_UNKNOWN"
  | "TX_REQUEST_INVALID"
  | "TX_REJECTED"
  | "CHAIN_UNAVAILABLE"
  | "DEVNET_CONFIG_INVALID"
  | "DEVNET_STATE_UNRECOVERABLE"
  | "DEVNET_START_FAILED";

export class ChainError extends Error {
  readonly code: ChainErrorCode;
  constructor(code: ChainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ChainIdMismatchError extends ChainError {
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number, where: string) {
    super(
      "CHAIN_ID_MISMATCH",
      `${where} expects chain id ${expected} but the node answers ${actual}: point the agent at the right JSON-RPC URL, ` +
        "or use a deployment manifest made for this network",
    );
    this.expected = expected;
    this.actual = actual;
  }
}

export class ContractMissingError extends ChainError {
  readonly contract: string;
  readonly address: Address;
  constructor(contract: string, address: Address) {
    super(
      "CONTRACT_MISSING",
      `contract ${contract} has no code at ${address}: the manifest does not belong to this chain (or the devnet ` +
        "was reset); deploy again or restore the devnet state",
    );
    this.contract = contract;
    this.address = address;
  }
}

export class ContractCodeMismatchError extends ChainError {
  readonly contract: string;
  readonly address: Address;
  constructor(contract: string, address: Address, detail: string) {
    super(
      "CONTRACT_CODE_MISMATCH",
      `contract ${contract} at ${address} does not run the expected code (${detail}): this agent was built for ` +
        "other contracts; upgrade the agent or deploy these contracts and update the manifest",
    );
    this.contract = contract;
    this.address = address;
  }
}

export class ManifestInvalidError extends ChainError {
  readonly path: string;
  constructor(path: string, detail: string, cause?: unknown) {
    super("MANIFEST_INVALID", `deployment manifest ${path} is invalid: ${detail}`, { cause });
    this.path = path;
  }
}

/** The transaction would revert (found when simulating, before anything was journalled) or reverted when mined. */
export class TxRevertedError extends ChainError {
  /** Name of the decoded custom error, "Error" for require(msg), "Panic" for a panic; undefined if not decodable. */
  readonly errorName: string | undefined;
  readonly errorArgs: readonly unknown[];
  readonly data: Hex | undefined;
  readonly label: string;
  constructor(label: string, errorName: string | undefined, errorArgs: readonly unknown[], data: Hex | undefined) {
    const shown = errorName ? `${errorName}(${errorArgs.map(formatArg).join(", ")})` : `undecoded revert ${data ?? ""}`;
    super("TX_REVERTED", `transaction "${label}" reverts: ${shown}`);
    this.errorName = errorName;
    this.errorArgs = errorArgs;
    this.data = data;
    this.label = label;
  }
}

/** The transaction was mined but reverted (state changed between simulation and mining). */
export class TxFailedError extends ChainError {
  readonly id: string;
  readonly hash: Hex;
  constructor(id: string, hash: Hex, detail: string) {
    super("TX_FAILED", `transaction ${id} (${hash}) failed: ${detail}`);
    this.id = id;
    this.hash = hash;
  }
}

export class TxUnknownError extends ChainError {
  constructor(id: string) {
    super("TX_UNKNOWN", `no transaction ${id} in the outbox journal`);
  }
}

export class TxRequestInvalidError extends ChainError {
  readonly field: string;
  constructor(field: string, detail: string) {
    super("TX_REQUEST_INVALID", `invalid transaction request: ${field} ${detail}`);
    this.field = field;
  }
}

/**
 * The node answered and refused the transaction (insufficient funds, invalid opcode, underpriced, over the block gas
 * limit): nothing was journalled, and retrying unchanged will be refused again.
 */
export class TxRejectedError extends ChainError {
  readonly label: string;
  /** The node's own words, e.g. "insufficient funds for gas * price + value". */
  readonly nodeMessage: string;
  constructor(label: string, nodeMessage: string, cause?: unknown) {
    super("TX_REJECTED", `the chain node refused transaction "${label}": ${nodeMessage}; nothing was journalled`, {
      cause,
    });
    this.label = label;
    this.nodeMessage = nodeMessage;
  }
}

export class ChainUnavailableError extends ChainError {
  constructor(detail: string, cause?: unknown) {
    super("CHAIN_UNAVAILABLE", `the chain node is not reachable: ${detail}; nothing was journalled, retry later`, {
      cause,
    });
  }
}

export class DevnetConfigError extends ChainError {
  readonly field: string;
  constructor(field: string, detail: string) {
    super("DEVNET_CONFIG_INVALID", `devnet option ${field} ${detail}`);
    this.field = field;
  }
}

export class DevnetStateUnrecoverableError extends ChainError {
  constructor(detail: string) {
    super(
      "DEVNET_STATE_UNRECOVERABLE",
      `devnet state cannot be recovered: ${detail}; restore a state file from backup, or start with ` +
        "allowFreshChain to begin an empty chain (all on-chain data is lost)",
    );
  }
}

export class DevnetStartError extends ChainError {
  constructor(detail: string, cause?: unknown) {
    super("DEVNET_START_FAILED", `devnet did not start: ${detail}`, { cause });
  }
}

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return String(value);
  }
}

// Errors of the network kit, each with a stable code and a message that says what to do.
export type NetworkErrorCode =
  | "NETWORK_OPTION_INVALID"
  | "NETWORK_EXISTS"
  | "NETWORK_NOT_FOUND"
  | "GETH_UNAVAILABLE"
  | "GETH_COMMAND_FAILED"
  | "NODE_START_FAILED"
  | "FAUCET_FAILED";

export class NetworkError extends Error {
  readonly code: NetworkErrorCode;
  constructor(code: NetworkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "NetworkError";
  }
}

export const invalidOption = (option: string, problem: string): NetworkError =>
  new NetworkError("NETWORK_OPTION_INVALID", `${option} ${problem}`);

// Tells a node that refused a transaction from a node that could not be reached. A refusal (insufficient funds,
// invalid opcode, underpriced, nonce too low, a block gas limit exceeded) is the node's answer to this request: retrying
// later changes nothing, so it must reach the caller named as what it is, not as an outage.
import {
  BaseError,
  HttpRequestError,
  RpcRequestError,
  SocketClosedError,
  TimeoutError,
  WebSocketRequestError,
} from "viem";
import { TxRejectedError } from "../errors.ts";

/**
 * The node's refusal as a TxRejectedError, or undefined when `error` is not an answer from the node (no connection,
 * a timeout, an HTTP failure): those are outages.
 */
export function refusalFromError(error: unknown, label: string): TxRejectedError | undefined {
  if (!(error instanceof BaseError)) return undefined;
  if (error.walk((e) => isTransportFailure(e))) return undefined;
  const answer = error.walk((e) => e instanceof RpcRequestError) as RpcRequestError | null;
  if (!answer) return undefined;
  return new TxRejectedError(label, answer.details || answer.shortMessage, error);
}

function isTransportFailure(error: unknown): boolean {
  return (
    error instanceof HttpRequestError ||
    error instanceof TimeoutError ||
    error instanceof WebSocketRequestError ||
    error instanceof SocketClosedError
  );
}

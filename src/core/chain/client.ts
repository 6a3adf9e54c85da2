// Connects to any Ethereum JSON-RPC node (the devnet or a Besu QBFT network) and refuses a node on the wrong chain.
import { type Chain, createPublicClient, defineChain, http, type PublicClient, type Transport } from "viem";
import { ChainError, ChainIdMismatchError, ChainUnavailableError } from "./errors.ts";

export type ChainClient = PublicClient<Transport, Chain>;

export interface CreateChainOptions {
  rpcUrl: string;
  chainId: number;
  /** How often viem's own watchers poll; the outbox and indexer take their own pollMs. */
  pollingIntervalMs?: number;
}

/** A custom chain definition: consortium networks are not in viem's chain list. */
export function consortiumChain(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `telco-ledger ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/** Returns a public client once the node has answered with the expected chain id. */
export async function createChain(options: CreateChainOptions): Promise<ChainClient> {
  const chain = consortiumChain(options.chainId, options.rpcUrl);
  // One retry only: the outbox and indexer have their own loops and must notice a dead node quickly.
  const client = createPublicClient({
    chain,
    transport: http(options.rpcUrl, { retryCount: 1, retryDelay: 100, timeout: 20_000 }),
    pollingInterval: options.pollingIntervalMs ?? 500,
  });
  let actual: number;
  try {
    actual = await client.getChainId();
  } catch (error) {
    throw new ChainUnavailableError(`no answer from ${options.rpcUrl}`, error);
  }
  if (actual !== options.chainId) throw new ChainIdMismatchError(options.chainId, actual, `rpcUrl ${options.rpcUrl}`);
  return outagesAsChainUnavailable(client);
}

/**
 * The client whose every call reports a node that cannot be reached as ChainUnavailableError (an outage, answered
 * 503 by the API) instead of viem's transport error wrapped in whatever the action adds (a contract read's
 * ContractFunctionExecutionError, answered 500). Answers the node gave, reverts included, pass through unchanged.
 */
export function outagesAsChainUnavailable(client: ChainClient): ChainClient {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "extend") return value;
      let call = wrapped.get(property);
      if (!call) {
        call = (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.catch((error: unknown) => {
            if (error instanceof ChainError || !isTransportError(error)) throw error;
            throw new ChainUnavailableError(String((error as Error).message ?? error).split("\n")[0] ?? "", error);
          });
        };
        wrapped.set(property, call);
      }
      return call;
    },
  });
}

/** viem's errors for a node that could not be reached or did not answer (as opposed to an answer that refused). */
export function isTransportError(error: unknown): boolean {
  const names = ["HttpRequestError", "TimeoutError", "WebSocketRequestError", "SocketClosedError"];
  for (let e: unknown = error; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if (names.includes(e.name)) return true;
    if ((e as NodeJS.ErrnoException).code === "ECONNREFUSED" || (e as NodeJS.ErrnoException).code === "ECONNRESET")
      return true;
  }
  return false;
}

// Connects to any Ethereum JSON-RPC node (the devnet or a Besu QBFT network) and refuses a node on the wrong chain.
import { type Chain, createPublicClient, defineChain, http, type PublicClient, type Transport } from "viem";
import { ChainIdMismatchError, ChainUnavailableError } from "./errors.ts";

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
  return client;
}

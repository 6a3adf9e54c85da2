// The agent's DID resolver: the stock did-resolver + ethr-did-resolver for the project's chain behind a bounded TTL
// cache. Registry events invalidate an identity's entries; concurrent misses for one DID share one resolution.
import type { DIDResolutionOptions, DIDResolutionResult, Resolvable } from "did-resolver";
import { Resolver } from "did-resolver";
import { JsonRpcProvider, Network } from "ethers";
import { getResolver } from "ethr-did-resolver";
import { type Address, getAddress, isAddress } from "viem";
import { networkIdOf, parseEthrDid } from "./didEthr.ts";
import { registryEventNames } from "./erc1056.ts";
import { invalidInput } from "./errors.ts";

/**
 * The provider ethr-did-resolver reads the registry through. ethers batches JSON-RPC calls behind a 10 ms stall by
 * default, and a resolution is a chain of dependent calls (changed(), then the logs of each change block), so an
 * uncached resolution paid ~10 ms per step; one call per request and a fixed network remove that wait.
 */
type EthrProvider = NonNullable<Extract<Parameters<typeof getResolver>[0], { networks?: unknown }>["provider"]>;

function directProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  const network = Network.from(chainId);
  return new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, batchMaxCount: 1 });
}

export interface DidResolverOptions {
  chainId: number;
  rpcUrl: string;
  /** EthereumDIDRegistry address. */
  registry: Address;
  /** Most entries kept; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /** How long an entry is trusted without an invalidating event. Default 60 s (events usually evict sooner). */
  ttlMs?: number;
}

export interface ResolverStats {
  hits: number;
  misses: number;
  entries: number;
}

interface Entry {
  result: DIDResolutionResult;
  expiresAt: number;
  address: string;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class DidResolver implements Resolvable {
  readonly #inner: Resolver;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  // Map iteration order is insertion order: re-inserting on a hit keeps the least recently used first.
  readonly #entries = new Map<string, Entry>();
  readonly #keysByAddress = new Map<string, Set<string>>();
  readonly #inFlight = new Map<string, Promise<DIDResolutionResult>>();
  // Bumped by invalidate(): a resolution that started before an invalidation is returned but not cached.
  readonly #generation = new Map<string, number>();
  #hits = 0;
  #misses = 0;
  readonly networkId: string;

  constructor(options: DidResolverOptions) {
    if (!Number.isInteger(options.chainId) || options.chainId <= 0)
      throw invalidInput("chainId", "must be a positive integer");
    if (!isAddress(options.registry, { strict: false })) throw invalidInput("registry", "must be an address");
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 60_000;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) throw invalidInput("maxEntries", "must be >= 1");
    if (!(this.#ttlMs >= 0)) throw invalidInput("ttlMs", "must be >= 0");
    this.networkId = networkIdOf(options.chainId);
    this.#inner = new Resolver(
      getResolver({
        networks: [
          {
            chainId: options.chainId,
            // ethr-did-resolver's types name ethers' CommonJS build, ours its ESM build: same class at run time.
            provider: directProvider(options.rpcUrl, options.chainId) as unknown as EthrProvider,
            registry: options.registry,
          },
        ],
      }),
      { cache: false },
    );
  }

  /** Resolves a DID (or DID URL); answers from the cache when it can. Failed resolutions are never cached. */
  resolve(didUrl: string, options: DIDResolutionOptions = {}): Promise<DIDResolutionResult> {
    const key = options.accept === undefined ? didUrl : `${didUrl}\n${options.accept}`;
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      if (entry.expiresAt > Date.now()) {
        this.#hits++;
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return Promise.resolve(entry.result);
      }
      this.#forget(key, entry.address);
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) {
      this.#hits++;
      return pending;
    }
    this.#misses++;
    return this.#resolveAndCache(key, didUrl, options);
  }

  async #resolveAndCache(key: string, didUrl: string, options: DIDResolutionOptions): Promise<DIDResolutionResult> {
    let address: string;
    try {
      address = parseEthrDid(didUrl).address.toLowerCase();
    } catch {
      // Not a did:ethr: the stock resolver answers with its own error; nothing to cache.
      return this.#inner.resolve(didUrl, options);
    }
    const generation = this.#generation.get(address) ?? 0;
    const promise = this.#inner.resolve(didUrl, options).then((result) => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
      const frozen = deepFreeze(result);
      if (!result.didResolutionMetadata.error && (this.#generation.get(address) ?? 0) === generation) {
        this.#store(key, address, frozen);
      }
      return frozen;
    });
    this.#inFlight.set(key, promise);
    promise.catch(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
    });
    return promise;
  }

  /** Drops every cached resolution of an identity; call on any registry event for it. */
  invalidate(address: string): void {
    if (!isAddress(address, { strict: false })) throw invalidInput("address", "must be an address");
    const lower = address.toLowerCase();
    this.#generation.set(lower, (this.#generation.get(lower) ?? 0) + 1);
    const keys = this.#keysByAddress.get(lower);
    if (keys) {
      for (const key of keys) {
        this.#entries.delete(key);
        this.#inFlight.delete(key);
      }
      this.#keysByAddress.delete(lower);
    }
    for (const key of [...this.#inFlight.keys()]) {
      if (key.toLowerCase().includes(lower)) this.#inFlight.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#keysByAddress.clear();
    this.#inFlight.clear();
    for (const [address, generation] of this.#generation) this.#generation.set(address, generation + 1);
  }

  stats(): ResolverStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size };
  }

  #store(key: string, address: string, result: DIDResolutionResult): void {
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.entries().next().value;
      if (oldest) this.#forget(oldest[0], oldest[1].address);
    }
    this.#entries.set(key, { result, expiresAt: Date.now() + this.#ttlMs, address });
    let keys = this.#keysByAddress.get(address);
    if (!keys) {
      keys = new Set();
      this.#keysByAddress.set(address, keys);
    }
    keys.add(key);
  }

  #forget(key: string, address: string): void {
    this.#entries.delete(key);
    const keys = this.#keysByAddress.get(address);
    keys?.delete(key);
    if (keys?.size === 0) this.#keysByAddress.delete(address);
  }
}

/** A chain event as the indexer reports it (only the fields the cache needs). */
export interface RegistryEvent {
  address: string;
  eventName?: string;
  args?: unknown;
}

export interface RegistryEventSource {
  onEvent(listener: (event: RegistryEvent) => void): (() => void) | undefined;
}

/**
 * Keeps the cache honest: every DIDOwnerChanged / DIDAttributeChanged / DIDDelegateChanged from the registry evicts
 * that identity. Returns the unsubscribe function when the source gives one.
 */
export function invalidateOnRegistryEvents(
  resolver: Pick<DidResolver, "invalidate">,
  source: RegistryEventSource,
  registry: Address,
): () => void {
  const registryLower = getAddress(registry).toLowerCase();
  const names: readonly string[] = registryEventNames;
  const unsubscribe = source.onEvent((event) => {
    if (typeof event?.address !== "string" || event.address.toLowerCase() !== registryLower) return;
    if (!event.eventName || !names.includes(event.eventName)) return;
    const identity = (event.args as { identity?: unknown } | undefined)?.identity;
    if (typeof identity === "string" && isAddress(identity, { strict: false })) resolver.invalidate(identity);
  });
  return typeof unsubscribe === "function" ? unsubscribe : () => {};
}

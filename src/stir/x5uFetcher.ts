// Fetches the certificate chain a SHAKEN PASSporT's x5u names (the STI-CR), defensively: http(s) only, origins on an
// allow-list (loopback never by default, so a token cannot aim the verifier at an admin port), no redirects, a size
// cap and a time limit, and a cache with expiry; concurrent misses for one URL share one fetch.
// With "*" (any origin) a token names the host, so the verifier resolves it, refuses it unless every address is public
// unicast (publicAddress.ts: no loopback, private, link-local, CGNAT, ULA ... the cloud metadata service at
// 169.254.169.254 included), and connects to exactly the address it checked: no second DNS lookup a rebinding name
// could answer differently. Origins the operator lists are trusted as listed (a private CR is listed by its origin).
import { X509Certificate } from "node:crypto";
import { lookup as lookupHost } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { splitPem } from "./certificates.ts";
import { StirError } from "./errors.ts";
import { specialRangeOf } from "./publicAddress.ts";

export interface X5uFetcherOptions {
  /**
   * Origins allowed ("https://cr.example.net", "http://127.0.0.1:7409"), fetched as listed; or "*" for any other
   * host whose addresses are all public unicast.
   */
  allowedOrigins: readonly string[];
  maxBytes?: number;
  timeoutMs?: number;
  ttlMs?: number;
  maxEntries?: number;
}

const unavailable = (reason: string, message: string, cause?: unknown) =>
  new StirError("STIR_CREDENTIAL_UNAVAILABLE", reason, message, { cause });

/** 127.0.0.0/8 and 0.0.0.0/8 (which Linux routes to this host). */
const isLoopbackV4 = (firstOctet: number) => firstOctet === 127 || firstOctet === 0;

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return isLoopbackV4(Number(host.split(".")[0]));
  if (isIP(host) !== 6) return false;
  if (host === "::1" || host === "::") return true;
  // IPv4-mapped or -compatible addresses: the URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const dotted = /^::(?:ffff:)?(\d+)\.\d+\.\d+\.\d+$/.exec(host);
  if (dotted) return isLoopbackV4(Number(dotted[1]));
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
  return hex ? isLoopbackV4(Number.parseInt(hex[1] as string, 16) >> 8) : false;
}

/** The address a connection is pinned to: the one the policy checked. */
interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** A net `lookup` that answers only the checked address, whatever name it is asked for. */
function pinnedLookup(checked: CheckedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
}

/** One GET without redirects or connection reuse; `checked` pins the TCP connection, the URL's name stays the TLS SNI
 * and Host. */
function get(url: URL, checked: CheckedAddress | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: "GET",
      agent: false,
      signal,
      headers: { accept: "application/pem-certificate-chain, application/pkix-cert, */*" },
      ...(checked ? { lookup: pinnedLookup(checked) } : {}),
    });
    request.once("response", resolve);
    request.once("error", reject);
    request.end();
  });
}

/** Rejects when `signal` aborts: bounds a step (a DNS lookup) that takes no signal of its own. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

export class X5uFetcher {
  readonly #allowed = new Set<string>();
  #any = false;
  readonly #maxBytes: number;
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #cache = new Map<string, { certificates: X509Certificate[]; expiresAt: number }>();
  readonly #inFlight = new Map<string, Promise<X509Certificate[]>>();
  fetches = 0;

  constructor(options: X5uFetcherOptions) {
    this.setAllowedOrigins(options.allowedOrigins);
    this.#maxBytes = options.maxBytes ?? 16_384;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    this.#ttlMs = options.ttlMs ?? 300_000;
    this.#maxEntries = options.maxEntries ?? 1_000;
  }

  setAllowedOrigins(origins: readonly string[]): void {
    this.#allowed.clear();
    this.#any = false;
    for (const origin of origins) {
      if (origin === "*") this.#any = true;
      else this.#allowed.add(new URL(origin).origin);
    }
  }

  allowedOrigins(): string[] {
    return [...(this.#any ? ["*"] : []), ...this.#allowed];
  }

  /** Checks the URL against the policy without fetching; throws CREDENTIAL_UNAVAILABLE with the reason. */
  check(x5u: string): URL {
    let url: URL;
    try {
      url = new URL(x5u);
    } catch {
      throw unavailable("x5u-not-url", "x5u is not an absolute URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw unavailable("x5u-scheme", `x5u scheme ${url.protocol} is not http or https`);
    }
    if (url.username || url.password) throw unavailable("x5u-credentials", "x5u must not carry credentials");
    if (this.#allowed.has(url.origin)) return url;
    if (isLoopback(url.hostname)) throw unavailable("x5u-loopback", `x5u ${url.origin} is a loopback address`);
    if (!this.#any) throw unavailable("x5u-host-not-allowed", `x5u origin ${url.origin} is not on the allow-list`);
    return url;
  }

  async fetch(x5u: string): Promise<X509Certificate[]> {
    const cached = this.#cache.get(x5u);
    if (cached && cached.expiresAt > Date.now()) return cached.certificates;
    const pending = this.#inFlight.get(x5u);
    if (pending) return pending;
    const url = this.check(x5u);
    const promise = this.#download(url).finally(() => this.#inFlight.delete(x5u));
    this.#inFlight.set(x5u, promise);
    const certificates = await promise;
    if (this.#cache.size >= this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(x5u, { certificates, expiresAt: Date.now() + this.#ttlMs });
    return certificates;
  }

  clear(): void {
    this.#cache.clear();
  }

  /**
   * For a URL allowed only by "*": resolves its host (every address) and answers the first address if all are public
   * unicast; otherwise CREDENTIAL_UNAVAILABLE "x5u-loopback" or "x5u-address-not-public" naming the address and its
   * range, before any connection.
   */
  async #checkedAddress(url: URL, signal: AbortSignal): Promise<CheckedAddress> {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    let addresses: CheckedAddress[];
    const family = isIP(host);
    if (family === 4 || family === 6) addresses = [{ address: host, family }];
    else {
      try {
        const found = await Promise.race([lookupHost(host, { all: true, verbatim: true }), abortion(signal)]);
        addresses = found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
      } catch (error) {
        throw unavailable("x5u-fetch-failed", `x5u host ${host} could not be resolved in ${this.#timeoutMs} ms`, error);
      }
    }
    for (const { address } of addresses) {
      const range = specialRangeOf(address);
      if (range === undefined) continue;
      throw unavailable(
        range === "loopback" ? "x5u-loopback" : "x5u-address-not-public",
        `x5u host ${host} is ${address} (${range}): with "*" only public unicast addresses are fetched; ` +
          "list a CR on a private network by its origin",
      );
    }
    const first = addresses[0];
    if (!first) throw unavailable("x5u-fetch-failed", `x5u host ${host} resolves to no address`);
    return first;
  }

  async #download(url: URL): Promise<X509Certificate[]> {
    let response: IncomingMessage;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const checked = this.#allowed.has(url.origin) ? undefined : await this.#checkedAddress(url, signal);
    this.fetches++;
    try {
      response = await get(url, checked, signal);
    } catch (error) {
      throw unavailable("x5u-fetch-failed", `x5u ${url.href} could not be fetched in ${this.#timeoutMs} ms`, error);
    }
    if (response.statusCode !== 200) {
      response.destroy();
      throw unavailable("x5u-status", `x5u ${url.href} answered ${response.statusCode}`);
    }
    const declared = Number(response.headers["content-length"] ?? "0");
    if (declared > this.#maxBytes) {
      response.destroy();
      throw unavailable("x5u-too-large", `x5u ${url.href} is larger than ${this.#maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.#maxBytes) {
          response.destroy();
          throw unavailable("x5u-too-large", `x5u ${url.href} is larger than ${this.#maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof StirError) throw error;
      throw unavailable("x5u-fetch-failed", `x5u ${url.href} could not be read in ${this.#timeoutMs} ms`, error);
    }
    const body = Buffer.concat(chunks);
    let certificates: X509Certificate[];
    try {
      const text = body.toString("latin1");
      certificates = text.includes("-----BEGIN CERTIFICATE-----") ? splitPem(text) : [new X509Certificate(body)];
    } catch (error) {
      throw unavailable("x5u-not-certificate", `x5u ${url.href} is not a certificate`, error);
    }
    if (certificates.length === 0 || certificates.length > 4) {
      throw unavailable("x5u-not-certificate", `x5u ${url.href} holds ${certificates.length} certificates, not 1 to 4`);
    }
    return certificates;
  }
}

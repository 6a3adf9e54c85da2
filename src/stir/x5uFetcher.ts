// Fetches the certificate chain a SHAKEN PASSporT's x5u names (the STI-CR), defensively: http(s) only, origins on an
// allow-list (loopback never by default, so a token cannot aim the verifier at an admin port), no redirects, a size
// cap and a time limit, and a cache with expiry; concurrent misses for one URL share one fetch.
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { splitPem } from "./certificates.ts";
import { StirError } from "./errors.ts";

export interface X5uFetcherOptions {
  /** Origins allowed ("https://cr.example.net", "http://127.0.0.1:7409"), or "*" for any non-loopback host. */
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

  async #download(url: URL): Promise<X509Certificate[]> {
    this.fetches++;
    let response: Response;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      response = await fetch(url, { redirect: "manual", signal });
    } catch (error) {
      throw unavailable("x5u-fetch-failed", `x5u ${url.href} could not be fetched in ${this.#timeoutMs} ms`, error);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable("x5u-status", `x5u ${url.href} answered ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > this.#maxBytes) {
      await response.body?.cancel();
      throw unavailable("x5u-too-large", `x5u ${url.href} is larger than ${this.#maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body ?? []) {
        size += chunk.length;
        if (size > this.#maxBytes) {
          await response.body?.cancel().catch(() => {});
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

// The phone wallet's identity-hub client in the browser: the twin of src/identity/hub/client.ts. Each request carries
// `Authorization: DID <JWT>` signed on the device by the owner key, bound to the one request as requestAuth.ts checks
// it (htm, htu = path and query as sent, bh = SHA-256 of the canonical JSON body, aud = the owner, 60 s, a fresh
// jti); items are sealed to the owner's did:key before they leave the device and opened only here. No API key: the
// person acts on their hub with their own key. Same origin as the console (its CSP allows no other).
import { readAnswer } from "../../../../console/src/kit.ts";
import type { HubItem, HubMessage } from "../../hub/repository.ts";
import { bodyHash, type DeviceKey, openJwe, randomId, sealJweToDid, signJwt } from "./deviceCrypto.ts";

/** As requestAuth.ts: the scheme, and the life the device gives a signed request (the hub allows at most 120 s). */
export const AUTH_SCHEME = "DID";
export const REQUEST_LIFETIME_SECONDS = 60;

export type { HubItem, HubMessage };

export class BrowserHubClient {
  readonly #owner: DeviceKey;
  readonly #fetch: typeof fetch;
  readonly #base: string;

  /** `base`: the agent's origin ("" for the page's own). */
  constructor(owner: DeviceKey, options: { base?: string; fetch?: typeof fetch } = {}) {
    this.#owner = owner;
    this.#base = options.base ?? "";
    this.#fetch = options.fetch ?? ((...args) => fetch(...args));
  }

  get hubPath(): string {
    return `/v1/identity/hubs/${encodeURIComponent(this.#owner.did)}`;
  }

  /** The signed `Authorization` value for one request. */
  async authorization(method: string, pathAndQuery: string, body?: unknown): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const jwt = await signJwt(this.#owner, {
      aud: this.#owner.did,
      htm: method,
      htu: pathAndQuery,
      bh: await bodyHash(body),
      iat,
      exp: iat + REQUEST_LIFETIME_SECONDS,
      jti: randomId(),
    });
    return `${AUTH_SCHEME} ${jwt}`;
  }

  /** The hub's inbox, absolute (what a site is told to relay to): on the page's own agent. */
  get inboxUrl(): string {
    return new URL(`${this.hubPath}/inbox`, this.#base || globalThis.location.origin).toString();
  }

  /** Registers a pairwise DID of the person as an alias (owner only): the hub's inbox then takes messages for it. */
  addAlias(alias: string): Promise<{ alias: string; added: boolean }> {
    return this.#call("POST", `${this.hubPath}/aliases`, { alias });
  }

  describe(): Promise<{ owner: string; devices: { device: string; label: string }[] }> {
    return this.#call("GET", this.hubPath);
  }

  /** Seals `content` to the owner on the device and stores it (`baseSeq` 0: a new item). */
  async put(itemId: string, kind: string, content: unknown, baseSeq?: number): Promise<HubItem> {
    const jwe = await sealJweToDid(JSON.stringify(content), this.#owner.did, "json");
    return this.#call("PUT", `${this.hubPath}/items/${encodeURIComponent(itemId)}`, {
      kind,
      jwe,
      ...(baseSeq === undefined ? {} : { baseSeq }),
    });
  }

  /** Every change after `after`, all pages. */
  async changes(after = 0): Promise<HubItem[]> {
    const out: HubItem[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `cursor=${encodeURIComponent(cursor)}` : `after=${after}`;
      const page: { items: HubItem[]; nextCursor: string | null } = await this.#call(
        "GET",
        `${this.hubPath}/items?limit=100&${query}`,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /** Opens an item sealed to the owner, on the device. */
  async open<T>(jwe: string): Promise<T> {
    return JSON.parse((await openJwe(jwe, this.#owner)).plaintext) as T;
  }

  async inbox(after = 0): Promise<HubMessage[]> {
    const page: { items: HubMessage[] } = await this.#call("GET", `${this.hubPath}/inbox?limit=100&after=${after}`);
    return page.items;
  }

  async acknowledge(seq: number): Promise<void> {
    await this.#call("DELETE", `${this.hubPath}/inbox/${seq}`);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(`${this.#base}${path}`, {
      method,
      headers: {
        authorization: await this.authorization(method, path, body),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await readAnswer(response)) as T;
  }
}

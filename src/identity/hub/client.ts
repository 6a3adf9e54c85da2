// The user agent's side of an identity hub: each request signed by the device's key (requestAuth.ts describes the
// JWT), items sealed to the owner's key-agreement key before they leave the device and opened there, and a sync that
// applies the change feed from the device's last change number. The private keys stay in the caller's signer and ECDH
// functions (a wallet keystore, a KeyObject): this module never sees them.
import { randomBytes } from "node:crypto";
import { createJWT } from "did-jwt";
import { didKeyDocument } from "../../core/identity/didKey.ts";
import { openJwe, type SharedSecretOf, sealJwe } from "../../core/identity/ecdhJwe.ts";
import type { Es256Signer } from "../../core/identity/keystore.ts";
import type { HubAlias, HubDevice, HubItem, HubMessage } from "./repository.ts";
import { AUTH_SCHEME, bodyHash, MAX_REQUEST_LIFETIME_SECONDS } from "./requestAuth.ts";

export interface HubSigner {
  /** The owner DID or a device's did:key. */
  did: string;
  sign: Es256Signer;
}

export class HubRequestError extends Error {
  readonly status: number;
  readonly body: { code?: string; message?: string; details?: unknown };
  constructor(status: number, body: { code?: string; message?: string }) {
    super(`${status} ${body.code ?? ""}: ${body.message ?? ""}`);
    this.status = status;
    this.body = body;
  }
}

/** The key a hub item is sealed to: the owner's did:key (the one key it has, listed for key agreement). */
export function ownerRecipient(owner: string): { x: string; y: string; kid: string } {
  const doc = didKeyDocument(owner);
  const method = doc.verificationMethod?.[0];
  const jwk = method?.publicKeyJwk;
  if (!method || !jwk?.x || !jwk.y) throw new Error(`${owner} has no key to seal to`);
  return { x: jwk.x, y: jwk.y, kid: method.id };
}

export const sealItem = (owner: string, content: unknown) =>
  sealJwe(Buffer.from(JSON.stringify(content), "utf8"), ownerRecipient(owner), { cty: "json" });

export const openItem = <T>(jwe: string, sharedSecretOf: SharedSecretOf): T =>
  JSON.parse(openJwe(jwe, sharedSecretOf).plaintext.toString("utf8")) as T;

export class HubClient {
  readonly #base: string;
  readonly #owner: string;
  readonly #signer: HubSigner;

  constructor(agentUrl: string, owner: string, signer: HubSigner) {
    this.#base = agentUrl.replace(/\/$/, "");
    this.#owner = owner;
    this.#signer = signer;
  }

  get hubPath(): string {
    return `/v1/identity/hubs/${encodeURIComponent(this.#owner)}`;
  }

  /** The signed `Authorization` value for one request (exported for tests that tamper with it). */
  async authorization(method: string, pathAndQuery: string, body?: unknown): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const jwt = await createJWT(
      {
        aud: this.#owner,
        htm: method,
        htu: pathAndQuery,
        bh: bodyHash(body),
        iat,
        exp: iat + Math.min(60, MAX_REQUEST_LIFETIME_SECONDS),
        jti: randomBytes(16).toString("base64url"),
      },
      { issuer: this.#signer.did, signer: this.#signer.sign },
      { alg: "ES256", kid: didKeyDocument(this.#signer.did).authentication?.[0] as string },
    );
    return `${AUTH_SCHEME} ${jwt}`;
  }

  async describe(): Promise<{ owner: string; devices: HubDevice[] }> {
    return this.#call("GET", this.hubPath);
  }

  async addDevice(device: string, label: string): Promise<HubDevice> {
    return this.#call("POST", `${this.hubPath}/devices`, { device, label });
  }

  async removeDevice(device: string): Promise<void> {
    await this.#call("DELETE", `${this.hubPath}/devices/${encodeURIComponent(device)}`);
  }

  /** Registers a pairwise DID of the person as an alias (owner only): the inbox then takes messages for it. */
  async addAlias(alias: string): Promise<HubAlias & { added: boolean }> {
    return this.#call("POST", `${this.hubPath}/aliases`, { alias });
  }

  async aliases(): Promise<HubAlias[]> {
    return (await this.#call<{ aliases: HubAlias[] }>("GET", `${this.hubPath}/aliases`)).aliases;
  }

  async removeAlias(alias: string): Promise<void> {
    await this.#call("DELETE", `${this.hubPath}/aliases/${encodeURIComponent(alias)}`);
  }

  /** The URL other parties relay messages for the person to (the owner's or an alias's). */
  get inboxUrl(): string {
    return `${this.#base}${this.hubPath}/inbox`;
  }

  /** Seals `content` to the owner and stores it; `baseSeq` (0 for a new item) detects another device's change. */
  async put(itemId: string, kind: string, content: unknown, baseSeq?: number): Promise<HubItem> {
    const jwe = await sealItem(this.#owner, content);
    return this.#call("PUT", `${this.hubPath}/items/${itemId}`, {
      kind,
      jwe,
      ...(baseSeq === undefined ? {} : { baseSeq }),
    });
  }

  async delete(itemId: string, baseSeq?: number): Promise<HubItem> {
    const query = baseSeq === undefined ? "" : `?baseSeq=${baseSeq}`;
    return this.#call("DELETE", `${this.hubPath}/items/${itemId}${query}`);
  }

  /** Every change after `after`, all pages. */
  async changes(after = 0): Promise<HubItem[]> {
    const out: HubItem[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `cursor=${cursor}` : `after=${after}`;
      const page: { items: HubItem[]; nextCursor: string | null } = await this.#call(
        "GET",
        `${this.hubPath}/items?limit=100&${query}`,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  async inbox(after = 0, waitSeconds = 0): Promise<HubMessage[]> {
    const page: { items: HubMessage[] } = await this.#call(
      "GET",
      `${this.hubPath}/inbox?limit=100&after=${after}${waitSeconds ? `&wait=${waitSeconds}` : ""}`,
    );
    return page.items;
  }

  async acknowledge(seq: number): Promise<void> {
    await this.#call("DELETE", `${this.hubPath}/inbox/${seq}`);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: {
        authorization: await this.authorization(method, path, body),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new HubRequestError(response.status, parsed ?? {});
    return parsed as T;
  }
}

/** Relays a sealed message to a person's hub (no signature of the relaying agent's own: the message carries one). */
export async function relayToHub(
  agentUrl: string,
  owner: string,
  message: string,
): Promise<{ seq: number; for: string }> {
  const response = await fetch(`${agentUrl.replace(/\/$/, "")}/v1/identity/hubs/${encodeURIComponent(owner)}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message }),
  });
  const parsed = (await response.json()) as { seq: number; for: string; code?: string; message?: string };
  if (response.status !== 202) throw new HubRequestError(response.status, parsed);
  return parsed;
}

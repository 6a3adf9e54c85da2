// The phone wallet the console page stands in for: the person's keys made on the device (deviceCrypto.ts) and kept
// there (walletStore.ts), the hub owner did:key, one pairwise did:key per relationship (as src/useragent/wallet.ts
// makes them), messages sealed to an agent and posted to its inbox, and the person's hub read and written with the
// owner key. No API key is used for any of this: the member's key only hosts the hub (the page's operator part).
import { readAnswer } from "../../../../console/src/kit.ts";
import { invalidInput } from "../../../core/identity/errors.ts";
import { MemoryReplayGuard } from "../../../core/identity/messages/replayGuard.ts";
import type { AttestationMessage } from "../../../core/identity/messages/schemas.ts";
import { LinkError } from "../../links/errors.ts";
import { LinkFormatError, type LinkOffer, parseLinkOffer } from "../../links/format.ts";
import { generateDeviceKey, randomId, signJwt } from "./deviceCrypto.ts";
import { type OpenedMessage, openMessage, sealMessage } from "./envelope.ts";
import { BrowserHubClient, type HubMessage } from "./hubClient.ts";
import type { StoredKey, WalletStore } from "./walletStore.ts";

export interface Relationship {
  peer: string;
  did: string;
  createdAt: string;
}

export interface AgentContact {
  agentDid: string;
  /** The agent's inbox, as a path on the page's own origin. */
  inbox: string;
  /** The person's pairwise DID for this agent. */
  did: string;
}

/** An attestation the person keeps in their hub (an item of kind "attestation", sealed to the owner). */
export interface HeldAttestation {
  itemId: string;
  /** The hub revision of the item. */
  seq: number;
  description: string;
  format: string;
  payload: string;
  from: string;
  deliveredAt: number;
}

/** A hub message as the page shows it: opened and checked, or refused with the code the agent would answer. */
export type InboxEntry =
  | { seq: number; receivedAt: string; opened: OpenedMessage }
  | { seq: number; receivedAt: string; refused: { code: string; message: string } };

export class PhoneWallet {
  readonly #store: WalletStore;
  readonly #keys: StoredKey[];
  readonly #fetch: typeof fetch;
  readonly #replay = new MemoryReplayGuard();
  /** What this page opened already, by hub seq (opening twice would be a replay). */
  readonly #opened = new Map<number, InboxEntry>();

  private constructor(store: WalletStore, keys: StoredKey[], fetchImpl: typeof fetch) {
    this.#store = store;
    this.#keys = keys;
    this.#fetch = fetchImpl;
  }

  /** The wallet kept in `store`, or undefined when this device has none yet. */
  static async open(store: WalletStore, fetchImpl?: typeof fetch): Promise<PhoneWallet | undefined> {
    const keys = await store.load();
    if (!keys.some((k) => k.role === "owner")) return undefined;
    return new PhoneWallet(store, keys, fetchImpl ?? ((...args) => fetch(...args)));
  }

  /** A new wallet: the hub owner key generated on the device. */
  static async create(store: WalletStore, fetchImpl?: typeof fetch): Promise<PhoneWallet> {
    await store.clear();
    const owner: StoredKey = { ...(await generateDeviceKey()), role: "owner", createdAt: new Date().toISOString() };
    await store.save(owner);
    return new PhoneWallet(store, [owner], fetchImpl ?? ((...args) => fetch(...args)));
  }

  /** The hub owner key (the person's identity-hub DID, not a relationship). */
  get owner(): StoredKey {
    return this.#keys.find((k) => k.role === "owner") as StoredKey;
  }

  relationships(): Relationship[] {
    return this.#keys
      .filter((k) => k.role === "pairwise")
      .map((k) => ({ peer: k.peer as string, did: k.did, createdAt: k.createdAt }));
  }

  /** The pairwise key for `peer`, generated the first time. */
  async keyFor(peer: string): Promise<StoredKey> {
    if (!/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/.test(peer) || peer.length > 256) {
      throw invalidInput("peer", "must be a DID");
    }
    const existing = this.#keys.find((k) => k.role === "pairwise" && k.peer === peer);
    if (existing) return existing;
    const key: StoredKey = {
      ...(await generateDeviceKey()),
      role: "pairwise",
      peer,
      createdAt: new Date().toISOString(),
    };
    await this.#store.save(key);
    this.#keys.push(key);
    return key;
  }

  /** Learns the page's agent's messaging DID and inbox, and makes (or finds) the pairwise DID for it. */
  async connect(): Promise<AgentContact> {
    const answer = (await readAnswer(await this.#fetch("/v1/identity/messages/did"))) as { did: string; inbox: string };
    const inbox = new URL(answer.inbox, "http://agent.invalid");
    return {
      agentDid: answer.did,
      inbox: `${inbox.pathname}${inbox.search}`,
      did: (await this.keyFor(answer.did)).did,
    };
  }

  /** Seals `message` from the pairwise DID to the agent and posts it to its inbox; answers the agent's record. */
  async send(contact: AgentContact, message: AttestationMessage): Promise<Record<string, unknown>> {
    const token = await sealMessage(message, await this.keyFor(contact.agentDid), contact.agentDid);
    const response = await this.#fetch(contact.inbox, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: token }),
    });
    return (await readAnswer(response)) as Record<string, unknown>;
  }

  /** Opens a message for any of this device's DIDs (the owner's or a pairwise one). */
  open(token: string): Promise<OpenedMessage> {
    return openMessage(token, this.#keys, this.#replay);
  }

  /** The person's hub on the page's agent, signed as the owner key. */
  hub(): BrowserHubClient {
    return new BrowserHubClient(this.owner, { fetch: this.#fetch });
  }

  /** The hub's waiting messages, each opened once on this page (a refusal kept with its code). */
  async readInbox(): Promise<InboxEntry[]> {
    const waiting: HubMessage[] = await this.hub().inbox(0);
    const entries: InboxEntry[] = [];
    for (const m of waiting) {
      let entry = this.#opened.get(m.seq);
      if (!entry) {
        try {
          entry = { seq: m.seq, receivedAt: m.receivedAt, opened: await this.open(m.message) };
        } catch (error) {
          const e = error as { code?: unknown; message?: unknown };
          entry = {
            seq: m.seq,
            receivedAt: m.receivedAt,
            refused: { code: typeof e.code === "string" ? e.code : "CONSOLE_ERROR", message: String(e.message) },
          };
        }
        this.#opened.set(m.seq, entry);
      }
      entries.push(entry);
    }
    return entries;
  }

  /** The attestations held in the hub: its change feed folded to the live items, each opened on the device. */
  async heldAttestations(): Promise<HeldAttestation[]> {
    const hub = this.hub();
    const live = new Map<string, { seq: number; kind: string; jwe: string | null }>();
    for (const change of await hub.changes(0)) live.set(change.itemId, change);
    const held: HeldAttestation[] = [];
    for (const [itemId, item] of live) {
      if (item.kind !== "attestation" || item.jwe === null) continue;
      held.push({ ...(await hub.open<Omit<HeldAttestation, "itemId" | "seq">>(item.jwe)), itemId, seq: item.seq });
    }
    return held.sort((a, b) => a.seq - b.seq);
  }

  /** Keeps a delivered attestation: sealed into the hub as a new item, then taken from the inbox. */
  async keep(entry: InboxEntry): Promise<void> {
    if (!("opened" in entry) || entry.opened.message["@type"] !== "DeliverAttestation") {
      throw invalidInput("message", "only a DeliverAttestation that opened is kept");
    }
    const m = entry.opened.message;
    const held: Omit<HeldAttestation, "itemId" | "seq"> = {
      description: m.description,
      format: m.object.format,
      payload: m.object.payload,
      from: entry.opened.sender,
      deliveredAt: m.deliveredAt,
    };
    const hub = this.hub();
    // A hub item id is shorter and plainer than a message identifier: a fresh one.
    await hub.put(`att-${randomId()}`, "attestation", held, 0);
    await hub.acknowledge(entry.seq);
    this.#opened.delete(entry.seq);
  }

  /**
   * Flow 2.1: answers a site's link offer (its https URL or telco-ledger://link deep link, wt/link's format 1) with the
   * pairwise DID for the offering agent: registered first as an alias of the person's hub when `hubHosted` (so the
   * agent can relay to it), then a DID-Auth response `{ iss, aud, nonce, iat, exp (60 s), hub? }` signed by that DID
   * and posted to the offer's response URL. Answers the agent's reply; a bad or expired link is refused by name.
   */
  async answerLink(text: string, hubHosted: boolean): Promise<{ offer: LinkOffer; did: string; answer: unknown }> {
    let offer: LinkOffer;
    try {
      offer = parseLinkOffer(text);
    } catch (error) {
      if (error instanceof LinkFormatError) throw invalidInput(error.field, error.message.replace(/^[^:]+: /, ""));
      throw error;
    }
    if (offer.expiresAt * 1000 <= Date.now()) {
      const expiredAt = new Date(offer.expiresAt * 1000).toISOString();
      throw new LinkError("LINK_EXPIRED", `the link expired at ${expiredAt}; ask the site for a new one`, {
        details: { expiredAt },
      });
    }
    // The console's CSP lets the page talk to its own agent only: an offer answered elsewhere is refused here, by name.
    const origin = globalThis.location?.origin;
    if (origin !== undefined && new URL(offer.responseUrl).origin !== origin) {
      throw invalidInput(
        "url.response",
        `is on ${new URL(offer.responseUrl).origin}; this page answers ${origin} only`,
      );
    }
    const key = await this.keyFor(offer.agentDid);
    const claims: Record<string, unknown> = {};
    if (hubHosted) {
      const hub = this.hub();
      await hub.addAlias(key.did);
      claims.hub = hub.inboxUrl;
    }
    const iat = Math.floor(Date.now() / 1000);
    const jwt = await signJwt(key, { ...claims, aud: offer.audience, nonce: offer.challenge, iat, exp: iat + 60 });
    const response = await this.#fetch(offer.responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jwt }),
    });
    return { offer, did: key.did, answer: await readAnswer(response) };
  }
}

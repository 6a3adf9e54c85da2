// The user agent: a person's wallet on their device. Its keys are generated here and kept in the project's encrypted
// keystore (one scrypt + AES-256-GCM sealed file per key, directory 0700, files 0600); none leaves the device. Each
// relationship gets its own pairwise did:key (P-256), so two enterprises cannot link the person by DID. It talks to any
// enterprise agent over HTTP: it learns the agent's messaging DID, seals attestation messages to it (signed by the
// pairwise DID, encrypted when they carry personal data) and posts them to the agent's inbox; it opens the messages
// an agent seals to it with the same checks the agent makes.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Resolver } from "did-resolver";
import { signDidAuthResponse } from "../core/identity/didAuth.ts";
import { didKeyOfP256, didKeyResolver } from "../core/identity/didKey.ts";
import { IdentityError, invalidInput } from "../core/identity/errors.ts";
import { type Keystore, openKeystore, type ScryptCost } from "../core/identity/keystore.ts";
import { callPeer } from "../core/identity/messages/http.ts";
import {
  type AttestationMessage,
  MemoryReplayGuard,
  type MessageSender,
  type OpenedMessage,
  openEnvelope,
  openMessage,
  type ReplayGuard,
  sealMessage,
  validateMessage,
} from "../core/identity/messages/index.ts";
import { HubClient, openItem, sealItem } from "../identity/hub/client.ts";
import { LinkError } from "../identity/links/errors.ts";
import { LinkFormatError, parseLinkOffer } from "../identity/links/format.ts";
import { LINK_MESSAGE_TYPES, type LinkMessage, validateLinkMessage } from "../identity/links/messages.ts";
import { PersonalIdentity } from "./personalIdentity.ts";

/** Keystore label of a relationship's key: the peer's DID follows the prefix. */
const PAIRWISE_PREFIX = "pairwise did:key for ";
/** Keystore label of the key behind the person's identity-hub owner DID (one per wallet). */
const HUB_OWNER_LABEL = "identity hub owner did:key";
/** The file (beside the keys, hidden from the keystore) naming the agent that hosts the person's hub. */
const HUB_URL_FILE = ".hub-url";

/** What the wallet did with one message waiting in the person's hub (`inbox()`). */
export type InboxEntry =
  | {
      seq: number;
      for: string;
      kind: "link-challenge";
      from: string;
      linkId: string;
      label: string | null;
      answer: Record<string, unknown>;
    }
  | {
      seq: number;
      for: string;
      kind: "link-code";
      from: string;
      linkId: string;
      label: string | null;
      code: string;
      expiresAt: number;
    }
  /** A message for another flow, left waiting; `token` is what `wallet receive` opens. */
  | { seq: number; for: string; kind: "message"; from: string; type: string; token: string }
  | { seq: number; for: string; kind: "refused"; code: string; reason: string };
export interface OpenWalletOptions {
  /** The wallet's directory on the device (created 0700). */
  dir: string;
  passphrase: string;
  /** Tests only: a cheaper scrypt. */
  scrypt?: Partial<ScryptCost>;
  fetch?: typeof fetch;
}

export interface Relationship {
  /** The peer's DID (an enterprise agent's messaging DID). */
  peer: string;
  /** The person's pairwise DID for this peer. */
  did: string;
  createdAt: string;
}

export interface AgentContact {
  url: string;
  /** The agent's messaging DID. */
  agentDid: string;
  /** Its inbox URL. */
  inbox: string;
  /** The person's pairwise DID for this agent. */
  did: string;
}

export async function openWallet(options: OpenWalletOptions): Promise<UserAgentWallet> {
  const keystore = await openKeystore({
    dir: options.dir,
    passphrase: options.passphrase,
    ...(options.scrypt ? { scrypt: options.scrypt } : {}),
  });
  const wallet = new UserAgentWallet(keystore, options.fetch ?? fetch, options.dir);
  const hubUrl = await readFile(join(options.dir, HUB_URL_FILE), "utf8").catch(() => undefined);
  if (hubUrl?.trim()) wallet.hubUrl = hubUrl.trim();
  return wallet;
}

export class UserAgentWallet {
  readonly #keystore: Keystore;
  readonly #fetch: typeof fetch;
  readonly #resolver = new Resolver(didKeyResolver());
  readonly #replay: ReplayGuard = new MemoryReplayGuard();

  readonly #dir: string | undefined;
  /** The agent hosting the person's identity hub (`useHub`): new pairwise DIDs are registered there as aliases. */
  hubUrl: string | undefined;

  constructor(keystore: Keystore, fetchImpl: typeof fetch, dir?: string) {
    this.#keystore = keystore;
    this.#fetch = fetchImpl;
    this.#dir = dir;
  }

  /** The person's public did:ethr identity (ID files, KYC-reuse consents, their own attestations). */
  personal(): PersonalIdentity {
    return new PersonalIdentity(this.#keystore);
  }

  /** The relationships this wallet holds a pairwise DID for, oldest first. */
  relationships(): Relationship[] {
    return this.#keystore
      .list()
      .filter((k) => k.kind === "p256" && k.retiredAt === null && k.label.startsWith(PAIRWISE_PREFIX))
      .map((k) => ({
        peer: k.label.slice(PAIRWISE_PREFIX.length),
        did: didKeyOfP256(this.#keystore.publicJwk(k.kid)),
        createdAt: k.createdAt,
      }));
  }

  #keyFor(peer: string): string | undefined {
    return this.#keystore
      .list()
      .find((k) => k.kind === "p256" && k.retiredAt === null && k.label === `${PAIRWISE_PREFIX}${peer}`)?.kid;
  }

  /** The pairwise DID for `peer`, generated (and sealed in the keystore) the first time. */
  async didFor(peer: string): Promise<string> {
    if (!/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/.test(peer) || peer.length > 256)
      throw invalidInput("peer", "must be a DID");
    const existing = this.#keyFor(peer);
    const kid = existing ?? (await this.#keystore.create({ kind: "p256", label: `${PAIRWISE_PREFIX}${peer}` })).kid;
    const did = didKeyOfP256(this.#keystore.publicJwk(kid));
    // A new relationship's DID joins the person's hub, so agents can reach the person under it.
    if (existing === undefined && this.hubUrl !== undefined) await this.registerAlias(this.hubUrl, did);
    return did;
  }

  /**
   * Names the agent hosting the person's hub (its operator created it for `hubOwner()`), kept beside the keys: from
   * then on each new pairwise DID is registered there as an alias, and `link` tells the site where to reach the person.
   */
  async useHub(agentUrl: string): Promise<void> {
    const url = httpUrl(agentUrl, "agentUrl").toString();
    if (this.#dir !== undefined) await writeFile(join(this.#dir, HUB_URL_FILE), url, { mode: 0o600 });
    this.hubUrl = url;
  }

  /** Registers `did` (a pairwise DID of this wallet) as an alias of the person's hub at `hubUrl` (idempotent). */
  async registerAlias(hubUrl: string, did: string): Promise<{ alias: string; added: boolean }> {
    const hub = await this.hub(hubUrl);
    const added = await hub.client.addAlias(did);
    return { alias: added.alias, added: added.added };
  }

  /**
   * Flow 2.1, QR code or deep link: reads the offer, makes (or reuses) the pairwise DID for the agent it names,
   * signs the DID-Auth response with it (with the person's hub inbox when one is configured) and posts it to the
   * offer's response URL. Answers the agent's record of the link.
   */
  async link(url: string): Promise<{ did: string; agentDid: string; link: Record<string, unknown> }> {
    let offer: ReturnType<typeof parseLinkOffer>;
    try {
      offer = parseLinkOffer(url);
    } catch (error) {
      if (error instanceof LinkFormatError) throw invalidInput(error.field, error.message);
      throw error;
    }
    if (offer.expiresAt * 1000 <= Date.now()) {
      const expiredAt = new Date(offer.expiresAt * 1000).toISOString();
      throw new LinkError("LINK_EXPIRED", `the link expired at ${expiredAt}; ask the site for a new one`, {
        details: { expiredAt },
      });
    }
    const did = await this.didFor(offer.agentDid);
    const link = await this.#answer(offer, did);
    return { did, agentDid: offer.agentDid, link };
  }

  async #answer(
    offer: { agentDid: string; challenge: string; audience: string; responseUrl: string },
    did: string,
  ): Promise<Record<string, unknown>> {
    let claims: Record<string, unknown> = {};
    if (this.hubUrl !== undefined) {
      const hub = await this.hub(this.hubUrl);
      await hub.client.addAlias(did);
      claims = { hub: hub.client.inboxUrl };
    }
    const jwt = await signDidAuthResponse(this.#sender(offer.agentDid), offer, claims);
    const answer = await this.#http("POST", httpUrl(offer.responseUrl, "url.response"), { jwt });
    return (answer ?? {}) as Record<string, unknown>;
  }

  /**
   * Reads the person's hub inbox and acts on what flow 2.1 sent: a LinkChallenge is answered with the pairwise DID it
   * was sealed to (only when it comes from the agent that DID was made for), a LinkCode is shown (returned) for the
   * person to type into the site; both leave the hub. Other messages are reported by type and left waiting.
   */
  async inbox(): Promise<InboxEntry[]> {
    if (this.hubUrl === undefined) throw invalidInput("hub", "this wallet has no hub: call useHub(agentUrl) first");
    const hub = await this.hub(this.hubUrl);
    const owner = hub.owner;
    const out: InboxEntry[] = [];
    for (const waiting of await hub.client.inbox(0)) {
      const target = waiting.for ?? owner;
      const key = this.#keyOfDid(target);
      if (key === undefined) {
        out.push({
          seq: waiting.seq,
          for: target,
          kind: "refused",
          code: "MESSAGE_UNDECRYPTABLE",
          reason: `this wallet holds no key of ${target}`,
        });
        continue;
      }
      const keyId = `${target}#${target.slice("did:key:".length)}`;
      let opened: OpenedMessage<LinkMessage | AttestationMessage>;
      try {
        // Peeked with a guard of its own: only the messages acted on here are spent in the wallet's guard.
        opened = await openEnvelope<LinkMessage | AttestationMessage>(waiting.message, {
          resolver: this.#resolver,
          recipientDid: target,
          sharedSecretOf: (wanted, epk) =>
            wanted === keyId
              ? this.#keystore.deriveSharedSecret(key.kid, { kty: "EC", crv: "P-256", ...epk })
              : undefined,
          replay: new MemoryReplayGuard(),
          validate: (msg) =>
            LINK_MESSAGE_TYPES.has(String((msg as { "@type"?: unknown })?.["@type"]))
              ? validateLinkMessage(msg)
              : validateMessage(msg, "msg"),
          clearRefusal: () => undefined,
        });
      } catch (error) {
        const code = error instanceof IdentityError ? error.code : "MESSAGE_INVALID";
        out.push({ seq: waiting.seq, for: target, kind: "refused", code, reason: (error as Error).message });
        continue;
      }
      const message = opened.message;
      if (message["@type"] !== "LinkChallenge" && message["@type"] !== "LinkCode") {
        // Left waiting for the flow it belongs to (`wallet receive` takes the token).
        out.push({
          seq: waiting.seq,
          for: target,
          kind: "message",
          from: opened.sender,
          type: message["@type"],
          token: waiting.message,
        });
        continue;
      }
      const refuse = (code: string, reason: string) => {
        out.push({ seq: waiting.seq, for: target, kind: "refused", code, reason });
      };
      if (key.peer !== opened.sender) {
        refuse("MESSAGE_SIGNATURE_INVALID", `${opened.sender} is not the peer ${target} was made for`);
      } else if (message["@type"] === "LinkChallenge" && !sameAgent(message, opened.sender)) {
        refuse("MESSAGE_INVALID", "the challenge names another agent or sends the answer to another origin");
      } else if (!(await this.#replay.consume(`${opened.sender}\n${opened.jti}`, opened.expiresAt))) {
        refuse("MESSAGE_REPLAYED", `message ${opened.jti} was already acted on`);
      } else if (message["@type"] === "LinkChallenge") {
        try {
          const answer = await this.#answer(message, target);
          out.push({
            seq: waiting.seq,
            for: target,
            kind: "link-challenge",
            from: opened.sender,
            linkId: message.linkId,
            label: message.label ?? null,
            answer,
          });
        } catch (error) {
          refuse(error instanceof IdentityError ? error.code : "MESSAGE_DELIVERY_FAILED", (error as Error).message);
        }
      } else {
        out.push({
          seq: waiting.seq,
          for: target,
          kind: "link-code",
          from: opened.sender,
          linkId: message.linkId,
          label: message.label ?? null,
          code: message.code,
          expiresAt: message.expiresAt,
        });
      }
      await hub.client.acknowledge(waiting.seq);
    }
    return out;
  }

  /** The keystore key behind one of this wallet's pairwise DIDs, with the peer it was made for. */
  #keyOfDid(did: string): { kid: string; peer: string } | undefined {
    for (const k of this.#keystore.list()) {
      if (k.kind !== "p256" || k.retiredAt !== null || !k.label.startsWith(PAIRWISE_PREFIX)) continue;
      if (didKeyOfP256(this.#keystore.publicJwk(k.kid)) === did) {
        return { kid: k.kid, peer: k.label.slice(PAIRWISE_PREFIX.length) };
      }
    }
    return undefined;
  }

  #sender(peer: string): MessageSender {
    const kid = this.#keyFor(peer);
    if (kid === undefined) throw invalidInput("peer", `this wallet has no relationship with ${peer}`);
    const did = didKeyOfP256(this.#keystore.publicJwk(kid));
    return { did, kid: `${did}#${did.slice("did:key:".length)}`, sign: this.#keystore.es256Signer(kid) };
  }

  /** Learns an enterprise agent's messaging DID and inbox, and makes (or finds) the pairwise DID for it. */
  async connect(agentUrl: string): Promise<AgentContact> {
    const base = httpUrl(agentUrl, "agentUrl");
    const answer = (await this.#http("GET", new URL("/v1/identity/messages/did", base))) as {
      did: string;
      inbox: string;
    };
    return {
      url: base.toString(),
      agentDid: answer.did,
      inbox: new URL(answer.inbox, base).toString(),
      did: await this.didFor(answer.did),
    };
  }

  /**
   * Seals `message` from the pairwise DID to the agent and posts it to its inbox; answers the agent's record. With
   * `reply`, the signed message names where the agent's flows answer (the person's hub inbox or device endpoint).
   */
  async send(
    contact: AgentContact,
    message: AttestationMessage,
    options: { reply?: string } = {},
  ): Promise<Record<string, unknown>> {
    const token = await sealMessage(message, this.#sender(contact.agentDid), contact.agentDid, this.#resolver, {
      ...(options.reply === undefined ? {} : { reply: options.reply }),
    });
    return (await this.#http("POST", new URL(contact.inbox), { message: token })) as Record<string, unknown>;
  }

  /** Opens a message an agent sealed to this wallet's pairwise DID for it (signature, expiry, schema, replay). */
  async open(token: string, peer: string): Promise<OpenedMessage> {
    const sender = this.#sender(peer);
    const kid = this.#keyFor(peer) as string;
    return openMessage(token, {
      resolver: this.#resolver,
      recipientDid: sender.did,
      sharedSecretOf: (wanted, epk) =>
        wanted === sender.kid ? this.#keystore.deriveSharedSecret(kid, { kty: "EC", crv: "P-256", ...epk }) : undefined,
      replay: this.#replay,
    });
  }

  /** The person's identity-hub owner DID (a P-256 did:key), generated and sealed here the first time. */
  async hubOwner(): Promise<string> {
    const existing = this.#keystore
      .list()
      .find((k) => k.kind === "p256" && k.retiredAt === null && k.label === HUB_OWNER_LABEL)?.kid;
    const kid = existing ?? (await this.#keystore.create({ kind: "p256", label: HUB_OWNER_LABEL })).kid;
    return didKeyOfP256(this.#keystore.publicJwk(kid));
  }

  /**
   * The person's hub at `agentUrl` (which its operator created for `hubOwner()`): a client signing as the owner key,
   * and `open` for the items, sealed to that key, which this device holds.
   */
  async hub(agentUrl: string): Promise<{ owner: string; client: HubClient; open<T>(jwe: string): T }> {
    const owner = await this.hubOwner();
    const kid = this.#keystore.list().find((k) => k.label === HUB_OWNER_LABEL && k.retiredAt === null)?.kid as string;
    const keyId = `${owner}#${owner.slice("did:key:".length)}`;
    const client = new HubClient(httpUrl(agentUrl, "agentUrl").toString(), owner, {
      did: owner,
      sign: this.#keystore.es256Signer(kid),
    });
    const open = <T>(jwe: string): T =>
      openItem<T>(jwe, (wanted, epk) =>
        wanted === keyId ? this.#keystore.deriveSharedSecret(kid, { kty: "EC", crv: "P-256", ...epk }) : undefined,
      );
    return { owner, client, open };
  }

  /** The signer of one of this wallet's pairwise DIDs (the holder of a credential issued to it), by the DID. */
  signerForDid(did: string): MessageSender {
    const relationship = this.relationships().find((r) => r.did === did);
    if (!relationship) throw invalidInput("did", `${did} is none of this wallet's pairwise DIDs`);
    return this.#sender(relationship.peer);
  }

  /** Seals `content` to the person's own key (the hub owner key): for records kept on the device or in the hub. */
  async sealPrivate(content: unknown): Promise<string> {
    return sealItem(await this.hubOwner(), content);
  }

  /** Opens what `sealPrivate` sealed. */
  async openPrivate<T>(jwe: string): Promise<T> {
    const owner = await this.hubOwner();
    const kid = this.#keystore.list().find((k) => k.label === HUB_OWNER_LABEL && k.retiredAt === null)?.kid as string;
    const keyId = `${owner}#${owner.slice("did:key:".length)}`;
    return openItem<T>(jwe, (wanted, epk) =>
      wanted === keyId ? this.#keystore.deriveSharedSecret(kid, { kty: "EC", crv: "P-256", ...epk }) : undefined,
    );
  }

  /** A JWT signed by the pairwise DID for `peer` (e.g. a DID-Auth response), ES256 with the did:key's key id. */
  signerFor(peer: string): MessageSender {
    return this.#sender(peer);
  }

  async #http(method: "GET" | "POST", url: URL, body?: unknown): Promise<unknown> {
    return callPeer(this.#fetch, method, url, body);
  }
}

/** A hub-relayed challenge is answered only for its sender, at the origin the answer is signed for. */
function sameAgent(m: { agentDid: string; audience: string; responseUrl: string }, sender: string): boolean {
  try {
    return m.agentDid === sender && new URL(m.audience).origin === new URL(m.responseUrl).origin;
  } catch {
    return false;
  }
}

function httpUrl(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput(field, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalidInput(field, "must be an absolute http(s) URL");
  return url;
}

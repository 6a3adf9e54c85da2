// The user agent: a person's wallet on their device. Its keys are generated here and kept in the project's encrypted
// keystore (one scrypt + AES-256-GCM sealed file per key, directory 0700, files 0600); none leaves the device. Each
// relationship gets its own pairwise did:key (P-256), so two enterprises cannot link the person by DID. It talks to any
// enterprise agent over HTTP: it learns the agent's messaging DID, seals attestation messages to it (signed by the
// pairwise DID, encrypted when they carry personal data) and posts them to the agent's inbox; it opens the messages
// an agent seals to it with the same checks the agent makes.
import { Resolver } from "did-resolver";
import { didKeyOfP256, didKeyResolver } from "../core/identity/didKey.ts";
import { invalidInput } from "../core/identity/errors.ts";
import { type Keystore, openKeystore, type ScryptCost } from "../core/identity/keystore.ts";
import { callPeer } from "../core/identity/messages/http.ts";
import {
  type AttestationMessage,
  MemoryReplayGuard,
  type MessageSender,
  type OpenedMessage,
  openMessage,
  type ReplayGuard,
  sealMessage,
} from "../core/identity/messages/index.ts";
import { HubClient, openItem, sealItem } from "../identity/hub/client.ts";

/** Keystore label of a relationship's key: the peer's DID follows the prefix. */
const PAIRWISE_PREFIX = "pairwise did:key for ";
/** Keystore label of the key behind the person's identity-hub owner DID (one per wallet). */
const HUB_OWNER_LABEL = "identity hub owner did:key";

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
  return new UserAgentWallet(keystore, options.fetch ?? fetch);
}

export class UserAgentWallet {
  readonly #keystore: Keystore;
  readonly #fetch: typeof fetch;
  readonly #resolver = new Resolver(didKeyResolver());
  readonly #replay: ReplayGuard = new MemoryReplayGuard();

  constructor(keystore: Keystore, fetchImpl: typeof fetch) {
    this.#keystore = keystore;
    this.#fetch = fetchImpl;
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
    const kid =
      this.#keyFor(peer) ?? (await this.#keystore.create({ kind: "p256", label: `${PAIRWISE_PREFIX}${peer}` })).kid;
    return didKeyOfP256(this.#keystore.publicJwk(kid));
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

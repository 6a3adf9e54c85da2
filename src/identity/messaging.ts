// The member agent as an enterprise agent for attestation messages (EEA use case 6): an inbox that takes the sealed
// messages of other agents and of people's user agents, an outbox that seals and posts them to another agent's or a
// user agent's endpoint, and the conversations both make, kept in the agent's store.
//
// The agent talks under its messaging DID: a did:key of a P-256 key in its keystore (made on first use, kept in
// `identity_messaging_key`), because a message must be encrypted to the recipient's keyAgreement key and the hosted
// did:ethr documents list none. The inbox needs no API key: the message's signature by its sender's DID is the
// credential, checked with the decryption, recipient, expiry, schema, encryption of personal data and single use by
// openMessage before anything is stored. A conversation (thread) is the identifier of the message that opened it: a
// reply (`replyTo`) joins the thread of the message it answers when this agent saw that message with the same peer.
import type { Resolvable } from "did-resolver";
import { invalidField } from "../core/errors/index.ts";
import { didKeyOfP256, withDidKey } from "../core/identity/didKey.ts";
import { sealJwe } from "../core/identity/ecdhJwe.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import { callPeer } from "../core/identity/messages/http.ts";
import {
  type AttestationMessage,
  keyAgreementOf,
  type MessageSender,
  openMessage,
  PERSONAL_DATA_TYPES,
  type ReplayGuard,
  SqlReplayGuard,
  sealEnvelope,
  validateMessage,
} from "../core/identity/messages/index.ts";
import type { CursorKey } from "../core/paging.ts";
import type { Store } from "../core/store/index.ts";
import { type Conversation, type KeysetPage, MessageRepository, type StoredMessage } from "./repositoryMessages.ts";

export type { Conversation, StoredMessage } from "./repositoryMessages.ts";

/** The path of an agent's inbox; a user agent may name any URL of its own. */
export const MESSAGE_INBOX_PATH = "/v1/identity/messages/inbox";
/** The most characters a sealed message may have (a JWE of a JWT carrying an attestation of up to 64 KiB). */
export const MAX_SEALED_MESSAGE_CHARS = 200_000;
const KEY_LABEL = "attestation messaging key (did:key)";

/** did:key resolved locally (pairwise DIDs of user agents), every other method by the agent's resolver. */

export interface AttestationMessagingOptions {
  store: Store;
  keystore: Keystore;
  resolver: Resolvable;
  replay?: ReplayGuard;
  /** Told of a flow handler's failure (the plugin logs it). */
  onFlowError?: (error: unknown, received: StoredMessage) => void;
  /** Posts a sealed message; fetch by default (tests and relays may replace it). */
  fetch?: typeof fetch;
}

/**
 * What a flow does with a message the inbox took (after it was opened, checked and recorded). Handlers run in the
 * order registered, before the inbox answers. One that throws does not undo the record nor fail the delivery (the
 * sender's message was taken and its jti is spent): the error goes to `onFlowError`, and the flow's own state says
 * what is left to do.
 */
export type ReceivedMessageHandler = (received: StoredMessage) => Promise<void>;

export interface SendInput {
  to: string;
  /** The full URL the recipient takes messages at (an agent's `${publicUrl}/v1/identity/messages/inbox`). */
  endpoint: string;
  message: AttestationMessage;
  ttlSeconds?: number;
}

export class AttestationMessaging {
  readonly #repo: MessageRepository;
  readonly #keystore: Keystore;
  readonly #resolver: Resolvable;
  readonly #replay: ReplayGuard;
  readonly #fetch: typeof fetch;
  #kid: Promise<string> | undefined;
  readonly #handlers = new Map<string, ReceivedMessageHandler[]>();
  readonly #onFlowError: (error: unknown, received: StoredMessage) => void;

  constructor(options: AttestationMessagingOptions) {
    this.#repo = new MessageRepository(options.store);
    this.#keystore = options.keystore;
    this.#resolver = withDidKey(options.resolver);
    this.#replay = options.replay ?? new SqlReplayGuard(options.store);
    this.#fetch = options.fetch ?? fetch;
    this.#onFlowError = options.onFlowError ?? reportFlowError;
  }

  /** The keystore kid of the messaging key, made (and recorded) on first use; replicas agree on the first recorded. */
  async #messagingKid(): Promise<string> {
    this.#kid ??= (async () => {
      const found = await this.#repo.messagingKid();
      if (found) return found;
      const key = await this.#keystore.create({ kind: "p256", label: KEY_LABEL });
      return this.#repo.keepMessagingKid(key.kid);
    })();
    this.#kid.catch(() => {
      this.#kid = undefined;
    });
    return this.#kid;
  }

  /** This agent's messaging DID (did:key of its P-256 messaging key) and its key id in that document. */
  async identity(): Promise<{ did: string; kid: string; keyId: string }> {
    const keyId = await this.#messagingKid();
    const jwk = this.#keystore.publicJwk(keyId);
    const did = didKeyOfP256(jwk);
    return { did, kid: `${did}#${did.slice("did:key:".length)}`, keyId };
  }

  async #sender(): Promise<MessageSender> {
    const { did, kid, keyId } = await this.identity();
    return { did, kid, sign: this.#keystore.es256Signer(keyId) };
  }

  /** The inbox: opens and checks a sealed message addressed to this agent, then records it in its conversation. */
  async receive(token: string): Promise<StoredMessage> {
    const { did, kid, keyId } = await this.identity();
    const opened = await openMessage(token, {
      resolver: this.#resolver,
      recipientDid: did,
      sharedSecretOf: (wanted, epk) =>
        wanted === kid ? this.#keystore.deriveSharedSecret(keyId, { kty: "EC", crv: "P-256", ...epk }) : undefined,
      replay: this.#replay,
    });
    // The reply endpoint the sender signed into this message (checked by openMessage): where flows answer it.
    if (opened.reply !== undefined) await this.#keepReplyEndpoint(opened.sender, opened.reply);
    const stored = await this.#record("in", opened.sender, did, opened.jti, opened.message, opened.encrypted);
    for (const handle of this.#handlers.get(stored.type) ?? []) {
      try {
        await handle(stored);
      } catch (error) {
        this.#onFlowError(error, stored);
      }
    }
    return stored;
  }

  async #keepReplyEndpoint(peer: string, endpoint: string): Promise<void> {
    await this.#repo.keepReplyEndpoint(peer, endpoint);
  }

  /** The reply endpoint `peer` last signed into a message this inbox took (migration 0217), if any. */
  replyEndpoint(peer: string): Promise<string | undefined> {
    return this.#repo.replyEndpoint(peer);
  }

  /** Lets a flow act on every message of `type` the inbox takes (flows 2.1-2.4 register here). */
  onReceived(type: AttestationMessage["@type"], handler: ReceivedMessageHandler): void {
    this.#handlers.set(type, [...(this.#handlers.get(type) ?? []), handler]);
  }

  /**
   * The outbox: seals `message` as this agent for `to` (encrypted when it carries personal data), posts it to
   * `endpoint`, and records it once the recipient took it. The recipient's refusal (a 4xx) is MESSAGE_REFUSED; an
   * endpoint that could not be reached or failed is MESSAGE_DELIVERY_FAILED; both carry its answer.
   */
  async send(input: SendInput): Promise<{ sent: StoredMessage; answer: unknown }> {
    let url: URL;
    try {
      url = new URL(input.endpoint);
    } catch {
      throw invalidField("body.endpoint", "must be an absolute http(s) URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw invalidField("body.endpoint", "must be an absolute http(s) URL");
    }
    const sender = await this.#sender();
    // sealMessage's steps, keeping the signed JWT's jti for the record: validate, sign, then encrypt when the type
    // carries personal data.
    const message = validateMessage(input.message, "body.message");
    const jws = await sealEnvelope(message, sender, input.to, undefined, {
      ...(input.ttlSeconds === undefined ? {} : { ttlSeconds: input.ttlSeconds }),
    });
    const encrypted = PERSONAL_DATA_TYPES.has(message["@type"]);
    const token = encrypted
      ? await sealJwe(Buffer.from(jws, "utf8"), await keyAgreementOf(this.#resolver, input.to), { cty: "JWT" })
      : jws;
    const jti = jtiOf(jws);
    const answer = await callPeer(this.#fetch, "POST", url, { message: token });
    const sent = await this.#record("out", sender.did, input.to, jti, message, encrypted);
    return { sent, answer };
  }

  async #record(
    direction: "in" | "out",
    sender: string,
    recipient: string,
    jti: string,
    message: AttestationMessage,
    encrypted: boolean,
  ): Promise<StoredMessage> {
    const peer = direction === "in" ? sender : recipient;
    const replyTo = "replyTo" in message && typeof message.replyTo === "string" ? message.replyTo : null;
    const threadId = (replyTo === null ? undefined : await this.#repo.threadOf(replyTo, peer)) ?? message.identifier;
    const stored: StoredMessage = {
      direction,
      sender,
      recipient,
      jti,
      identifier: message.identifier,
      replyTo,
      threadId,
      type: message["@type"],
      encrypted,
      at: new Date().toISOString(),
      message,
    };
    await this.#repo.insert(stored);
    return stored;
  }
  /** Conversations, the most recently active first: [lastAt, threadId] keyset pages. */
  conversations(page: KeysetPage): Promise<Conversation[]> {
    return this.#repo.conversations(page);
  }

  /** The messages of one conversation, oldest first: [at, jti] keyset pages. */
  thread(threadId: string, page: KeysetPage): Promise<StoredMessage[]> {
    return this.#repo.thread(threadId, page);
  }

  /** Messages of one type received, newest first. */
  received(type: string, limit: number): Promise<StoredMessage[]> {
    return this.#repo.received(type, limit);
  }
}

/** The default report of a failed flow handler: one JSON line on stderr, where the agent's logs go. */
function reportFlowError(error: unknown, received: StoredMessage): void {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 50, msg: "attestation flow failed", type: received.type, identifier: received.identifier, reason })}\n`,
  );
}

/** The keyset of a conversation page's row. */
export const conversationKey = (c: Conversation): CursorKey => [c.lastAt, c.threadId];
export const messageKey = (m: StoredMessage): CursorKey => [m.at, m.jti];

/** The jti of a JWT this agent just signed. */
function jtiOf(jws: string): string {
  const payload = JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as { jti: string };
  return payload.jti;
}

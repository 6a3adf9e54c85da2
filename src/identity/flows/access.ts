// The enterprise agent's side of access permissions (EEA use case 6, messages RequestAccess, GrantAccess, DenyAccess,
// RetractAccess, RetrieveAttestations). The agent's operator asks a person for access to attestation types with a
// purpose: a RequestAccess (PERMISSION_OCAP whose grantee is this agent's messaging DID) goes through the outbox to the
// person's endpoint, and is recorded with where the person's hub is. The person's answers arrive at the inbox and are
// recorded per peer by onReceived handlers: granted, denied, retracted (a notice; the hub enforces the retraction
// itself, at once). Retrieval signs a RetrieveAttestations message as the messaging DID, addressed to the hub's owner,
// short-lived and single use, posts it to the hub, and opens the copies the person sealed to this agent's key.
import { randomUUID } from "node:crypto";
import type { Resolvable } from "did-resolver";
import { withDidKey } from "../../core/identity/didKey.ts";
import { openJwe } from "../../core/identity/ecdhJwe.ts";
import { IdentityError, invalidInput } from "../../core/identity/errors.ts";
import type { Keystore } from "../../core/identity/keystore.ts";
import { peerRefused } from "../../core/identity/messages/http.ts";
import {
  ATTESTATION_FORMATS,
  MESSAGE_CONTEXT,
  type MessageOf,
  type MessageSender,
  sealMessage,
} from "../../core/identity/messages/index.ts";
import type { Store } from "../../core/store/index.ts";
import { HubRequestError } from "../hub/client.ts";
import { type CopyContent, retrieveFromHub } from "../hub/permissionsClient.ts";
import type { AttestationMessaging, StoredMessage } from "../messaging.ts";
import { AccessError } from "./accessErrors.ts";
import { type AccessRecord, AccessRepository, type AccessStatus } from "./repositoryAccess.ts";

export type { AccessRecord, AccessStatus } from "./repositoryAccess.ts";

/** How long a RetrieveAttestations message lives: one round trip to the hub (which accepts at most 120 s). */
const RETRIEVE_TTL_SECONDS = 60;

export interface AccessRequestInput {
  /** The person's DID for this agent (their pairwise DID, learnt when linking). */
  to: string;
  /** Where the person takes messages (their hub's inbox, or their device's endpoint). */
  endpoint: string;
  /** The person's identity hub: the agent URL hosting it and its owner DID (retrievals are addressed to it). */
  hub: { url: string; owner: string };
  attestationTypes: string[];
  purpose: string;
  /** Unix seconds: the expiry the agent asks for (the person may grant a shorter one). */
  expiresAt?: number;
}

/** A copy as the user agent seals it (permissionsClient.ts sealCopy): nothing more, nothing less. */
function isCopyContent(value: unknown): value is CopyContent {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (
    Object.keys(v).every((k) => k === "attestationType" || k === "format" || k === "payload") &&
    typeof v.attestationType === "string" &&
    (ATTESTATION_FORMATS as readonly unknown[]).includes(v.format) &&
    typeof v.payload === "string" &&
    v.payload.length >= 16
  );
}

export interface AccessFlowOptions {
  store: Store;
  keystore: Keystore;
  messaging: AttestationMessaging;
  resolver: Resolvable;
  fetch?: typeof fetch;
}

export class AccessFlow {
  readonly #repo: AccessRepository;
  readonly #keystore: Keystore;
  readonly #messaging: AttestationMessaging;
  readonly #resolver: Resolvable;
  readonly #fetch: typeof fetch;

  constructor(options: AccessFlowOptions) {
    this.#repo = new AccessRepository(options.store);
    this.#keystore = options.keystore;
    this.#messaging = options.messaging;
    this.#resolver = withDidKey(options.resolver);
    this.#fetch = options.fetch ?? fetch;
    options.messaging.onReceived("GrantAccess", (m) => this.#onGrant(m));
    options.messaging.onReceived("DenyAccess", (m) => this.#onDeny(m));
    options.messaging.onReceived("RetractAccess", (m) => this.#onRetract(m));
  }

  get repository(): AccessRepository {
    return this.#repo;
  }

  /** Sends a RequestAccess to the person and records it (status "requested"). */
  async request(input: AccessRequestInput, requestedBy: string): Promise<AccessRecord> {
    const now = Math.floor(Date.now() / 1000);
    if (input.expiresAt !== undefined && input.expiresAt <= now) {
      throw invalidInput("body.expiresAt", "must be in the future");
    }
    const { did } = await this.#messaging.identity();
    const record: AccessRecord = {
      permissionId: `perm-${randomUUID()}`,
      requestIdentifier: `req-${randomUUID()}`,
      peer: input.to,
      endpoint: input.endpoint,
      hub: input.hub,
      attestationTypes: input.attestationTypes,
      expiresAt: input.expiresAt ?? null,
      purpose: input.purpose,
      status: "requested",
      requestedBy,
      requestedAt: new Date().toISOString(),
      answeredAt: null,
      reason: null,
      retractedAt: null,
    };
    const message: MessageOf<"RequestAccess"> = {
      "@context": MESSAGE_CONTEXT,
      "@type": "RequestAccess",
      identifier: record.requestIdentifier,
      object: {
        id: record.permissionId,
        grantee: did,
        attestationTypes: record.attestationTypes,
        actions: ["read"],
        ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
      },
      purpose: input.purpose,
    };
    // Recorded first, so that an answer arriving before the outbox returns finds it; removed if delivery fails.
    await this.#repo.insert(record);
    try {
      await this.#messaging.send({ to: input.to, endpoint: input.endpoint, message });
    } catch (error) {
      await this.#repo.remove(record.permissionId);
      throw error;
    }
    return record;
  }

  async get(permissionId: string): Promise<AccessRecord> {
    const found = await this.#repo.get(permissionId);
    if (!found) {
      throw new AccessError("ACCESS_NOT_FOUND", `this agent asked for no permission ${permissionId}`, {
        field: "params.permissionId",
      });
    }
    return found;
  }

  list(limit: number, after?: readonly [string, string], status?: AccessStatus): Promise<AccessRecord[]> {
    return this.#repo.list(limit, after, status);
  }

  /**
   * Retrieves the attestations a granted permission lets this agent read: a RetrieveAttestations message signed as
   * the messaging DID to the hub's owner, posted to the hub; the copies opened with the messaging key. The hub's
   * refusal is MESSAGE_REFUSED with its status and code (HUB_ACCESS_RETRACTED, HUB_ACCESS_EXPIRED, ...).
   */
  async retrieve(
    permissionId: string,
    attestationTypes?: string[],
  ): Promise<{ record: AccessRecord; attestations: CopyContent[] }> {
    const record = await this.get(permissionId);
    if (record.status !== "granted") {
      throw new AccessError("ACCESS_NOT_GRANTED", `permission ${permissionId} is ${record.status}, not granted`, {
        details: { status: record.status },
      });
    }
    const sender = await this.#sender();
    const message: MessageOf<"RetrieveAttestations"> = {
      "@context": MESSAGE_CONTEXT,
      "@type": "RetrieveAttestations",
      identifier: `ret-${randomUUID()}`,
      object: { permissionId, ...(attestationTypes === undefined ? {} : { attestationTypes }) },
    };
    const token = await sealMessage(message, sender, record.hub.owner, this.#resolver, {
      ttlSeconds: RETRIEVE_TTL_SECONDS,
    });
    let retrieved: Awaited<ReturnType<typeof retrieveFromHub>>;
    try {
      retrieved = await retrieveFromHub(record.hub.url, record.hub.owner, token, this.#fetch);
    } catch (error) {
      const peer = error instanceof HubRequestError ? error : undefined;
      throw new IdentityError(
        peer && peerRefused(peer.status) ? "MESSAGE_REFUSED" : "MESSAGE_DELIVERY_FAILED",
        `the hub at ${record.hub.url} refused the retrieval: ${peer ? `${String(peer.body.code)} ${String(peer.body.message)}` : String(error)}`,
        {
          details: {
            endpoint: record.hub.url,
            peerStatus: peer?.status ?? null,
            peerCode: peer?.body.code ?? null,
            peerMessage: peer?.body.message ?? null,
          },
          cause: error,
        },
      );
    }
    const { keyId, kid } = await this.#messaging.identity();
    const attestations = retrieved.attestations.map((copy, i) => {
      let content: unknown;
      try {
        const opened = openJwe(copy.jwe, (wanted, epk) =>
          wanted === kid ? this.#keystore.deriveSharedSecret(keyId, { kty: "EC", crv: "P-256", ...epk }) : undefined,
        );
        content = JSON.parse(opened.plaintext.toString("utf8")) as unknown;
      } catch (error) {
        throw new IdentityError("MESSAGE_UNDECRYPTABLE", `copy ${i} does not open with this agent's key`, {
          cause: error,
        });
      }
      if (!isCopyContent(content) || content.attestationType !== copy.attestationType) {
        throw new AccessError(
          "ATTESTATION_NOT_ACCEPTED",
          `copy ${i} is not an attestation of ${copy.attestationType}`,
          {
            details: { problem: "copy-shape", index: i },
          },
        );
      }
      return content;
    });
    return { record, attestations };
  }

  async #sender(): Promise<MessageSender> {
    const { did, kid, keyId } = await this.#messaging.identity();
    return { did, kid, sign: this.#keystore.es256Signer(keyId) };
  }

  /** The permission a reply answers, from the same peer the request went to. */
  async #answered(received: StoredMessage, replyTo: string): Promise<AccessRecord> {
    const record = await this.#repo.byRequest(replyTo);
    if (!record || record.peer !== received.sender) {
      throw new Error(`${received.type} from ${received.sender} answers no RequestAccess sent to it (${replyTo})`);
    }
    return record;
  }

  async #onGrant(received: StoredMessage): Promise<void> {
    const message = received.message as MessageOf<"GrantAccess">;
    const record = await this.#answered(received, message.replyTo);
    const { did } = await this.#messaging.identity();
    const granted = message.object;
    if (granted.id !== record.permissionId || granted.grantee !== did) {
      throw new Error(`GrantAccess ${message.identifier} names another permission or grantee`);
    }
    if (!granted.attestationTypes.every((t) => record.attestationTypes.includes(t))) {
      throw new Error(`GrantAccess ${message.identifier} grants types that were not asked for`);
    }
    await this.#repo.answer(record.permissionId, "requested", "granted", received.at, null);
  }

  async #onDeny(received: StoredMessage): Promise<void> {
    const message = received.message as MessageOf<"DenyAccess">;
    const record = await this.#answered(received, message.replyTo);
    await this.#repo.answer(record.permissionId, "requested", "denied", received.at, message.purpose ?? null);
  }

  async #onRetract(received: StoredMessage): Promise<void> {
    const message = received.message as MessageOf<"RetractAccess">;
    const record = await this.#repo.get(message.object.permissionId);
    if (!record || record.peer !== received.sender) {
      throw new Error(`RetractAccess from ${received.sender} names no permission it granted here`);
    }
    await this.#repo.answer(record.permissionId, "granted", "retracted", received.at, message.purpose ?? null);
  }
}

// The subject's key split among its custodians (issue 18). The consent's controller splits its per-subject key with
// Shamir's scheme (shamir-secret-sharing, GF(2^8)) into one share per named custodian, any `threshold` of which rebuild
// it, and delivers each share to its custodian member's agent, member to member, in the platform's message envelope
// (src/core/identity/messages: a JWT signed ES256 by the sender's custody key, then a JWE, ECDH-ES + A256GCM, to the
// custodian's custody key; short-lived, single use). A custody key is a P-256 key in the agent's keystore, named as a
// did:key and bound to its member by the member account's EIP-191 signature: the controller checks the custodian's
// binding before it seals to it, and the custodian checks the sender's binding names the consent's controller on chain.
// The controller keeps no share (it holds the key itself). A custodian hands its share to its own operator
// (`release`) until the key's erasure is requested on chain; from then on it refuses, and its attestation pass
// destroys the share (custodyService.ts), which its destruction record states (`heldKey: true`).
import { randomBytes } from "node:crypto";
import { Value } from "@sinclair/typebox/value";
import { Resolver } from "did-resolver";
import { combine, split } from "shamir-secret-sharing";
import {
  type Address,
  bytesToHex,
  type Hex,
  hexToBytes,
  keccak256,
  type LocalAccount,
  recoverMessageAddress,
} from "viem";
import { invalidField } from "../core/errors/index.ts";
import { didKeyOfP256, didKeyResolver, p256JwkOfDidKey } from "../core/identity/didKey.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import { type MessageSender, openEnvelope, type ReplayGuard, sealEnvelope } from "../core/identity/messages/index.ts";
import { DataUsageError } from "./errors.ts";
import type { InsightsReadModel } from "./readModelInsights.ts";
import type { InsightsRepository } from "./repositoryInsights.ts";
import { KeyShareMessage } from "./schemasShare.ts";

export const CUSTODY_KEY_LABEL = "datausage-custody";
export const CUSTODY_KEY_PATH = "/v1/datausage/custody-key";
export const KEY_SHARE_INBOX_PATH = "/v1/datausage/custody/inbox";
export const KEY_SHARE_TYPE = "telco-ledger subject key share v1" as const;
const PEER_TIMEOUT_MS = 30_000;

/** An agent's custody key as it publishes it. */
export interface CustodyKey {
  member: Address;
  did: string;
  proof: Hex;
}

export interface KeyShareMessageBody {
  type: typeof KEY_SHARE_TYPE;
  consentId: Hex;
  controller: Address;
  custodian: Address;
  splitId: Hex;
  index: number;
  count: number;
  threshold: number;
  share: Hex;
  keyDigest: Hex;
  controllerKey: CustodyKey;
}

/** What the member account signs to bind a custody key (a did:key) to itself. */
export const custodyKeyStatement = (member: Address, did: string) =>
  `telco-ledger datausage custody key\nmember: ${member.toLowerCase()}\ndid: ${did}`;

/** Whether `key`'s proof is `member`'s signature of its statement. */
export async function custodyKeyHolds(key: CustodyKey, member: Address): Promise<boolean> {
  if (key.member.toLowerCase() !== member.toLowerCase()) return false;
  const signer = await recoverMessageAddress({
    message: custodyKeyStatement(key.member, key.did),
    signature: key.proof,
  }).catch(() => undefined);
  return signer !== undefined && signer.toLowerCase() === member.toLowerCase();
}

/** `count` shares of a 32-byte key, any `threshold` of which rebuild it (with m = 1 each share is the key). */
export async function splitKey(key: Hex, count: number, threshold: number): Promise<Hex[]> {
  if (threshold === 1) return Array.from({ length: count }, () => key);
  return (await split(hexToBytes(key), count, threshold)).map((share) => bytesToHex(share));
}

/** The key `shares` rebuild; throws when fewer than two shares are given for a threshold above one. */
export async function rebuildKey(shares: readonly Hex[], threshold: number): Promise<Hex> {
  if (threshold === 1 && shares[0] !== undefined) return shares[0];
  return bytesToHex(await combine(shares.map((share) => hexToBytes(share))));
}

export interface KeyShareServiceOptions {
  keystore: Keystore;
  /** The member account (signs the custody key's binding). */
  account: Pick<LocalAccount, "signMessage">;
  me: Address;
  readModel: InsightsReadModel;
  repository: InsightsRepository;
  replay: ReplayGuard;
  sync: () => Promise<unknown>;
  fetch?: typeof fetch;
}

interface Identity extends CustodyKey {
  keyId: string;
  kid: string;
}

const notHeld = (consentId: Hex, why: string) =>
  new DataUsageError("DATAUSAGE_NOT_HELD", `contract ${consentId}: ${why}`, { field: "params.id" });
const badShare = (message: string, facts: Record<string, unknown>) =>
  new DataUsageError("DATAUSAGE_BAD_KEY_SHARE", message, { field: "body.envelope", details: facts });
const erased = (consentId: Hex, field: "params.id" | "params.consentId" | "body.envelope") =>
  new DataUsageError("DATAUSAGE_KEY_ERASED", `the subject key of ${consentId} is being erased: no share moves`, {
    field,
  });

export class KeyShareService {
  readonly #o: KeyShareServiceOptions;
  readonly #resolver = new Resolver(didKeyResolver());
  #identity: Promise<Identity> | undefined;

  constructor(options: KeyShareServiceOptions) {
    this.#o = options;
  }

  /** This agent's custody key (made on first use), with its member's signature. */
  async custodyKey(): Promise<CustodyKey> {
    const { member, did, proof } = await this.#me();
    return { member, did, proof };
  }

  #me(): Promise<Identity> {
    this.#identity ??= (async () => {
      const { keystore } = this.#o;
      const info =
        keystore
          .list()
          .filter((k) => k.label === CUSTODY_KEY_LABEL && k.kind === "p256" && !k.retiredAt)
          .at(-1) ?? (await keystore.create({ kind: "p256", label: CUSTODY_KEY_LABEL }));
      const did = didKeyOfP256(keystore.publicJwk(info.kid));
      const member = this.#o.me;
      const proof = await this.#o.account.signMessage({ message: custodyKeyStatement(member, did) });
      return { member, did, proof, keyId: info.kid, kid: `${did}#${did.slice("did:key:".length)}` };
    })().catch((error) => {
      this.#identity = undefined;
      throw error;
    });
    return this.#identity;
  }

  /**
   * As the consent's controller: splits its subject key among the custodians named on chain and delivers each its
   * share, sealed to the custodian's custody key, at the agent `agents` names for it. A new call makes a new split
   * (with a new `splitId`) that replaces every custodian's share.
   */
  async distribute(anyCase: Hex, agents: ReadonlyArray<{ custodian: Address; endpoint: string }>) {
    const consentId = anyCase.toLowerCase() as Hex;
    await this.#o.sync();
    const custody = await this.#o.readModel.custody(consentId);
    if (!custody)
      throw new DataUsageError("DATAUSAGE_NO_CUSTODIANS", `contract ${consentId} has no custodians`, {
        field: "params.id",
      });
    if (custody.controller !== this.#o.me)
      throw notHeld(consentId, `its key is ${custody.controller}'s, not this member's`);
    if (await this.#o.readModel.keyErasure(consentId)) throw erased(consentId, "params.id");
    const key = await this.#o.repository.subjectKey(consentId);
    if (key === undefined) throw notHeld(consentId, "this agent holds no subject key for it");
    const custodians = JSON.parse(custody.custodians) as Address[];
    const threshold = Number(custody.threshold);
    const endpointOf = new Map<string, string>();
    for (const [i, a] of agents.entries()) {
      const custodian = a.custodian.toLowerCase();
      if (!custodians.includes(custodian as Address))
        throw new DataUsageError("DATAUSAGE_BAD_CUSTODY", `${a.custodian} is not a custodian of ${consentId}`, {
          field: `body.agents[${i}].custodian`,
        });
      if (endpointOf.has(custodian))
        throw new DataUsageError("DATAUSAGE_BAD_CUSTODY", `${a.custodian} is named twice`, {
          field: `body.agents[${i}].custodian`,
        });
      endpointOf.set(custodian, a.endpoint);
    }
    const missing = custodians.filter((c) => !endpointOf.has(c));
    if (missing.length > 0)
      throw new DataUsageError("DATAUSAGE_BAD_CUSTODY", `no agent named for custodian(s) ${missing.join(", ")}`, {
        field: "body.agents",
      });
    // Every custodian's key is checked before anything is split or sent.
    const peers: Array<{ custodian: Address; endpoint: string; key: CustodyKey }> = [];
    for (const custodian of custodians) {
      const endpoint = endpointOf.get(custodian) ?? "";
      peers.push({ custodian, endpoint, key: await this.#peerKey(custodian, endpoint) });
    }
    const shares = await splitKey(key, custodians.length, threshold);
    const splitId = bytesToHex(randomBytes(16));
    const keyDigest = keccak256(key);
    const me = await this.#me();
    const sender: MessageSender = {
      did: me.did,
      kid: me.kid,
      sign: this.#o.keystore.es256Signer(me.keyId),
    };
    const deliveries = [];
    for (const [i, { custodian, endpoint, key: peer }] of peers.entries()) {
      const share = shares[i];
      if (share === undefined) throw new Error(`unreachable: no share ${i + 1} of ${shares.length}`);
      const msg: KeyShareMessageBody = {
        type: KEY_SHARE_TYPE,
        consentId,
        controller: this.#o.me,
        custodian,
        splitId,
        index: i + 1,
        count: custodians.length,
        threshold,
        share,
        keyDigest,
        controllerKey: { member: me.member, did: me.did, proof: me.proof },
      };
      const envelope = await sealKeyShare(msg, sender, peer.did);
      const url = new URL(KEY_SHARE_INBOX_PATH, endpoint).toString();
      const answer = await this.#peer(custodian, url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ envelope }),
      });
      deliveries.push({ custodian, index: i + 1, deliveredTo: url, receivedAt: String(answer.receivedAt) });
    }
    return { consentId, splitId, count: custodians.length, threshold, keyDigest, deliveries };
  }

  async #peerKey(custodian: Address, endpoint: string): Promise<CustodyKey> {
    const url = new URL(CUSTODY_KEY_PATH, endpoint).toString();
    const key = (await this.#peer(custodian, url, { method: "GET" })) as unknown as CustodyKey;
    if (typeof key.did !== "string" || typeof key.proof !== "string" || !(await custodyKeyHolds(key, custodian)))
      throw new DataUsageError(
        "DATAUSAGE_CUSTODIAN_UNREACHABLE",
        `the custody key at ${url} is not signed by custodian ${custodian}`,
        { field: "body.agents", details: { custodian, endpoint: url } },
      );
    return key;
  }

  async #peer(custodian: Address, url: string, init: RequestInit): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await (this.#o.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(PEER_TIMEOUT_MS) });
    } catch (cause) {
      throw new DataUsageError(
        "DATAUSAGE_CUSTODIAN_UNREACHABLE",
        `custodian ${custodian}'s agent at ${url} could not be reached: ${(cause as Error).message}`,
        { field: "body.agents", details: { custodian, endpoint: url }, cause },
      );
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok)
      throw new DataUsageError(
        "DATAUSAGE_CUSTODIAN_UNREACHABLE",
        `custodian ${custodian}'s agent at ${url} refused: ${String(answer.code ?? response.status)} ${String(answer.message ?? "")}`.trim(),
        {
          field: "body.agents",
          details: { custodian, endpoint: url, peerStatus: response.status, peerCode: answer.code ?? null },
        },
      );
    return answer;
  }

  /**
   * As custodian: opens a delivered share (for this agent's custody key; signature, expiry, schema, single use), checks
   * the sender's custody key is the consent's controller's on chain and the share is addressed to this member as the
   * named custodian at its place, then keeps it. Any refusal is named and stores nothing.
   */
  async receive(envelope: string) {
    const me = await this.#me();
    const opened = await openEnvelope<KeyShareMessageBody>(envelope, {
      resolver: this.#resolver,
      recipientDid: me.did,
      sharedSecretOf: (kid, epk) =>
        kid === me.kid ? this.#o.keystore.deriveSharedSecret(me.keyId, { kty: "EC", crv: "P-256", ...epk }) : undefined,
      replay: this.#o.replay,
      validate: validShare,
      clearRefusal: () => "a share of a subject's key must arrive encrypted to the custodian's custody key (JWE)",
    });
    const msg = opened.message;
    const consentId = msg.consentId.toLowerCase() as Hex;
    if (opened.sender !== msg.controllerKey.did || !(await custodyKeyHolds(msg.controllerKey, msg.controller)))
      throw badShare(`the share was signed by ${opened.sender}, a key ${msg.controller}'s account did not sign`, {
        sender: opened.sender,
        controller: msg.controller,
      });
    await this.#o.sync();
    const custody = await this.#o.readModel.custody(consentId);
    if (!custody)
      throw new DataUsageError("DATAUSAGE_NO_CUSTODIANS", `contract ${consentId} has no custodians on chain`, {
        field: "body.envelope",
      });
    const custodians = JSON.parse(custody.custodians) as string[];
    const controller = msg.controller.toLowerCase();
    if (custody.controller !== controller)
      throw badShare(`the share's sender ${controller} is not ${consentId}'s controller ${custody.controller}`, {
        sender: controller,
        controller: custody.controller,
      });
    const position = custodians.indexOf(this.#o.me);
    if (msg.custodian.toLowerCase() !== this.#o.me || position < 0)
      throw badShare(`the share is for ${msg.custodian}; this member ${this.#o.me} is not that named custodian`, {
        custodian: msg.custodian,
        me: this.#o.me,
      });
    if (msg.index !== position + 1 || msg.count !== custodians.length || msg.threshold !== Number(custody.threshold))
      throw badShare(
        `share ${msg.index} of ${msg.count}, threshold ${msg.threshold}, differs from the chain's custody (share ${position + 1} of ${custodians.length}, threshold ${custody.threshold})`,
        { index: msg.index, count: msg.count, threshold: msg.threshold },
      );
    if (await this.#o.readModel.keyErasure(consentId)) throw erased(consentId, "body.envelope");
    const receivedAt = new Date().toISOString();
    await this.#o.repository.keepKeyShare({
      consent_id: consentId,
      controller,
      split_id: msg.splitId.toLowerCase(),
      share_index: msg.index,
      share: msg.share.toLowerCase(),
      threshold: msg.threshold,
      key_digest: msg.keyDigest.toLowerCase(),
      received_at: receivedAt,
    });
    return { consentId, custodian: this.#o.me, index: msg.index, splitId: msg.splitId.toLowerCase(), receivedAt };
  }

  /** As custodian, to its own operator: the share it holds, until the key's erasure is requested on chain. */
  async release(anyCase: Hex) {
    const consentId = anyCase.toLowerCase() as Hex;
    await this.#o.sync();
    if (await this.#o.readModel.keyErasure(consentId)) throw erased(consentId, "params.consentId");
    const row = await this.#o.repository.keyShare(consentId);
    if (!row)
      throw new DataUsageError("DATAUSAGE_NO_KEY_SHARE", `this agent holds no share of ${consentId}'s key`, {
        field: "params.consentId",
      });
    return {
      consentId,
      custodian: this.#o.me,
      controller: row.controller,
      splitId: row.split_id,
      index: Number(row.share_index),
      threshold: Number(row.threshold),
      share: row.share as Hex,
      keyDigest: row.key_digest as Hex,
      receivedAt: row.received_at,
    };
  }
}

/** A key share sealed as `sender` (its custody key) to the custodian's custody key `recipientDid` (a P-256 did:key). */
export function sealKeyShare(msg: KeyShareMessageBody, sender: MessageSender, recipientDid: string): Promise<string> {
  const { x, y } = p256JwkOfDidKey(recipientDid);
  return sealEnvelope(msg, sender, recipientDid, {
    x,
    y,
    kid: `${recipientDid}#${recipientDid.slice("did:key:".length)}`,
  });
}

/** The envelope's `msg` as a key share, or VALIDATION_FAILED naming the first wrong field under body.envelope.msg. */
function validShare(msg: unknown): KeyShareMessageBody {
  const first = Value.Errors(KeyShareMessage, msg).First();
  if (first) {
    const path = first.path.split("/").filter(Boolean);
    throw invalidField(
      `body.envelope.msg${path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`,
      first.message,
    );
  }
  return msg as KeyShareMessageBody;
}

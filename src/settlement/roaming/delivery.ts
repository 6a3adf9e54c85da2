// A batch's records travel from the visited operator's agent to the home operator's agent and nowhere else: sealed
// with the platform's message envelope (src/core/identity/messages: a JWT signed ES256 by the visited operator's DID,
// then a JWE, ECDH-ES + A256GCM, to the home operator's newest encryption key), addressed (`aud`) to the home
// operator's DID, short-lived and single-use. Both operators are found the way the roaming exchange finds them: the
// DID each names in the OperatorRegistry, its keyAgreement key (published by roaming), and, for the endpoint, the
// agent service that DID's document lists. The home agent opens the envelope with its own key (the keystore's ECDH),
// checks the signer is the DID the batch's visited operator names on chain, and confirms exactly as `.../confirm` does.
import { Value } from "@sinclair/typebox/value";
import type { Address, Hex } from "viem";
import { invalidField } from "../../core/errors/index.ts";
import { verificationMethodOf } from "../../core/identity/credentials.ts";
import type { DidService } from "../../core/identity/did.ts";
import { IdentityError } from "../../core/identity/errors.ts";
import type { Keystore } from "../../core/identity/keystore.ts";
import {
  type MessageSender,
  openEnvelope,
  type ReplayGuard,
  sealEnvelope,
} from "../../core/identity/messages/index.ts";
import type { DidResolver } from "../../core/identity/resolver.ts";
import type { RoamingOperatorKeys } from "../../roaming/published.ts";
import { SettlementError } from "../errors.ts";
import type { RoamingBatches } from "./batches.ts";
import { DELIVERY_TYPE, DeliveryMessage } from "./schemas.ts";

/** The home agent's route that takes sealed deliveries. */
export const INBOX_PATH = "/v1/settlement/inbox";
/** The agent endpoint's service type in a DID document (core/identity/erc1056.ts `did/svc/TelcoLedgerAgent`). */
const AGENT_SERVICE_TYPE = "TelcoLedgerAgent";
/** Long enough for the home agent to rate the batch and have its confirmation mined. */
const DELIVERY_TIMEOUT_MS = 120_000;

export interface DeliveryMessageBody {
  type: typeof DELIVERY_TYPE;
  batchId: Hex;
  agreementId: Hex;
  salt: Hex;
  records: Array<Record<string, unknown>>;
}

export interface BatchDeliveryOptions {
  batches: RoamingBatches;
  memberAccount: Address;
  roaming: RoamingOperatorKeys;
  dids: DidService;
  keystore: Keystore;
  resolver: DidResolver;
  replay: ReplayGuard;
}

export interface DeliveryResult {
  batchId: Hex;
  /** The home agent's confirmBatch transaction; null when the home agent had it confirmed already (a duplicate). */
  txHash: Hex | null;
  status: "received";
  homeDid: string;
  deliveredTo: string;
}

/** The home agent's answer to a delivery: confirmed now, or (`duplicate`) confirmed by an earlier copy. */
export interface ReceiveResult {
  batchId: Hex;
  /** The confirmBatch transaction; null for a duplicate. */
  txHash: Hex | null;
  status: "received";
  duplicate: boolean;
}

const peerUnknown = (message: string) => new SettlementError("SETTLEMENT_PEER_UNKNOWN", message);

export class BatchDelivery {
  readonly #o: BatchDeliveryOptions;
  readonly #me: Address;
  /** Deliveries under way, per batch: a second request (the API's or the automatic one) waits for the same answer. */
  readonly #delivering = new Map<string, Promise<DeliveryResult>>();
  /** Receptions per batch, one after the other: a retry arriving while the first is confirmed sees it received. */
  readonly #receiving = new Map<string, Promise<unknown>>();

  constructor(options: BatchDeliveryOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase() as Address;
  }

  /** Visited: seals the batch's records and salt to the home operator and posts them to its agent's inbox. */
  deliver(batchId: Hex): Promise<DeliveryResult> {
    const key = batchId.toLowerCase();
    const running = this.#delivering.get(key);
    if (running) return running;
    const run = this.#deliver(batchId).finally(() => this.#delivering.delete(key));
    this.#delivering.set(key, run);
    return run;
  }

  async #deliver(batchId: Hex): Promise<DeliveryResult> {
    const parties = await this.#o.batches.partiesOf(batchId);
    if (parties.visited !== this.#me) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only the visited operator ${parties.visited} delivers batch ${parties.batchId} (this member is ${this.#me})`,
      );
    }
    if (parties.status !== "anchored") {
      throw new SettlementError("SETTLEMENT_WRONG_STATE", `batch ${parties.batchId} is ${parties.status}`, {
        details: { status: parties.status },
      });
    }
    const held = await this.#o.batches.records(parties.batchId);
    const homeDid = await this.#operatorDid(parties.home, "the home operator");
    const endpoint = await this.#agentEndpoint(homeDid);
    let key: Awaited<ReturnType<RoamingOperatorKeys["encryptionKeyOf"]>>;
    try {
      key = await this.#o.roaming.encryptionKeyOf(parties.home);
    } catch (error) {
      throw peerUnknown(`the home operator ${parties.home} publishes no encryption key (${(error as Error).message})`);
    }
    const msg: DeliveryMessageBody = {
      type: DELIVERY_TYPE,
      batchId: held.batchId,
      agreementId: held.agreementId,
      salt: held.salt,
      records: held.records,
    };
    const envelope = await sealEnvelope(msg, await this.#sender(), homeDid, key);
    const url = new URL(INBOX_PATH, endpoint).toString();
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ envelope }),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new SettlementError(
        "SETTLEMENT_DELIVERY_FAILED",
        `the home operator's agent at ${url} could not be reached: ${(cause as Error).message}`,
        { details: { deliveredTo: url }, cause },
      );
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      throw new SettlementError(
        "SETTLEMENT_DELIVERY_FAILED",
        `the home operator's agent refused batch ${parties.batchId}: ${String(answer.code ?? response.status)} ${String(answer.message ?? "")}`.trim(),
        {
          details: {
            deliveredTo: url,
            peerStatus: response.status,
            peerCode: answer.code ?? null,
            peerMessage: answer.message ?? null,
          },
        },
      );
    }
    return {
      batchId: parties.batchId,
      txHash: (answer.txHash ?? null) as Hex | null,
      status: "received",
      homeDid,
      deliveredTo: url,
    };
  }

  /**
   * Home: opens a delivered envelope (for this member's key and DID, signature, expiry, schema, single use), checks
   * this member is the batch's home operator and the signer the DID its visited operator names on chain, then
   * confirms as `.../confirm` does. Any refusal is named and changes nothing but the replay guard's record.
   */
  async receive(envelope: string): Promise<ReceiveResult> {
    const myDid = await this.#operatorDid(this.#me, "this member");
    const opened = await openEnvelope<DeliveryMessageBody>(envelope, {
      resolver: this.#o.resolver,
      recipientDid: myDid,
      sharedSecretOf: await this.#o.roaming.sharedSecrets(),
      replay: this.#o.replay,
      validate: validDelivery,
      clearRefusal: () => "a batch's records are personal data and must arrive encrypted to the home operator (JWE)",
    });
    const msg = opened.message;
    const parties = await this.#o.batches.partiesOf(msg.batchId);
    if (parties.home !== this.#me) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `batch ${parties.batchId} is between ${parties.visited} and ${parties.home}: this member (${this.#me}) is not its home operator`,
        { field: "body.envelope" },
      );
    }
    const visitedDid = await this.#o.roaming.operatorDid(parties.visited);
    if (visitedDid === undefined || visitedDid.toLowerCase() !== opened.sender.toLowerCase()) {
      throw new SettlementError(
        "SETTLEMENT_SENDER_NOT_VISITED",
        `batch ${parties.batchId} was sent by ${opened.sender}, not by its visited operator ${parties.visited} (DID ${visitedDid ?? "none named"})`,
        { field: "body.envelope", details: { sender: opened.sender, visited: parties.visited } },
      );
    }
    if (msg.agreementId.toLowerCase() !== parties.agreementId) {
      throw invalidField("body.envelope.msg.agreementId", `is not batch ${parties.batchId}'s agreement`);
    }
    // One reception per batch at a time: the visited agent retries until it hears the answer, so the same batch may
    // arrive again while (or after) it is confirmed. It is confirmed once; a later copy is answered as received.
    const key = parties.batchId.toLowerCase();
    const before = this.#receiving.get(key) ?? Promise.resolve();
    const run = before.catch(() => {}).then(() => this.#confirmOnce(parties.batchId, msg));
    this.#receiving.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#receiving.get(key) === run) this.#receiving.delete(key);
    }
  }

  /** Confirms a delivered batch, or answers `duplicate` when it is received already with the same salt held here. */
  async #confirmOnce(batchId: Hex, msg: DeliveryMessageBody): Promise<ReceiveResult> {
    const { status } = await this.#o.batches.partiesOf(batchId);
    if (status !== "anchored") {
      const held = await this.#o.batches.records(batchId).catch(() => undefined);
      if (held && held.salt.toLowerCase() === msg.salt.toLowerCase()) {
        return { batchId: held.batchId, txHash: null, status: "received", duplicate: true };
      }
    }
    const confirmed = await this.#o.batches.confirm(batchId, msg, "body.envelope.msg.records");
    return { ...confirmed, duplicate: false };
  }

  async #operatorDid(operator: Address, who: string): Promise<string> {
    const did = await this.#o.roaming.operatorDid(operator);
    if (did === undefined) {
      throw peerUnknown(
        `${who} (${operator}) names no DID in the OperatorRegistry: publish its key with POST /v1/roaming/keys/publish`,
      );
    }
    return did;
  }

  /** The home agent's URL: the agent service its DID document lists. */
  async #agentEndpoint(did: string): Promise<string> {
    const { didDocument } = await this.#o.resolver.resolve(did);
    const service = (didDocument?.service ?? []).find((s) => s.type === AGENT_SERVICE_TYPE);
    const endpoint = typeof service?.serviceEndpoint === "string" ? service.serviceEndpoint : undefined;
    if (!endpoint || !/^https?:\/\//.test(endpoint)) throw peerUnknown(`${did} names no agent endpoint`);
    return endpoint;
  }

  /** This member's DID (the one it names in the OperatorRegistry), hosted here, with its signing key. */
  async #sender(): Promise<MessageSender> {
    const did = await this.#operatorDid(this.#me, "this member");
    const hosted = await this.#o.dids.get(did);
    if (hosted.signingKid === null) {
      throw new IdentityError("DID_NO_SIGNING_KEY", `${hosted.did} has no signing key`, { details: { did } });
    }
    const kid = await verificationMethodOf(
      this.#o.resolver,
      hosted.did,
      hosted.address,
      this.#o.keystore.info(hosted.signingKid).publicKeyHex,
    );
    return { did: hosted.did, kid, sign: this.#o.keystore.es256Signer(hosted.signingKid) };
  }
}

/** The envelope's `msg` as a delivery, or VALIDATION_FAILED naming the first wrong field under body.envelope.msg. */
function validDelivery(msg: unknown): DeliveryMessageBody {
  const first = Value.Errors(DeliveryMessage, msg).First();
  if (first) {
    const path = first.path.split("/").filter(Boolean);
    const field = path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
    throw invalidField(`body.envelope.msg${field}`, first.message);
  }
  return msg as DeliveryMessageBody;
}

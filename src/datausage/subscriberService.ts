// The subscriber's own part in the insights market. The subscriber is no member and holds no account: it registers a
// wallet key for its consent (its signature proves it holds the key), and signs its accept or decline of each insight
// offered about it; the controller's agent only submits, and the contract checks the signature against the registered
// key, so an operator cannot answer for the subscriber. An accepted insight is sealed to that key (ECIES on secp256k1)
// and stored where the subscriber named: this agent's store by default, or a URL it PUTs the envelope to. Each reading
// from this agent's store is asked for with the subscriber's signature and recorded on chain (a fingerprint of the
// reader and the insight, never content).
import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { canonicalJson } from "../core/canonicalJson.ts";
import { DataUsageError } from "./errors.ts";
import { type Envelope, openAtRest, sealForSubscriber } from "./insightsCrypto.ts";
import type { InsightsLedger } from "./insightsLedger.ts";
import type { InsightRow, InsightsReadModel } from "./readModelInsights.ts";
import type { InsightsRepository } from "./repositoryInsights.ts";
import {
  AGENT_STORE,
  locationDigestOf,
  recoverAnswerSigner,
  recoverReadingSigner,
  recoverSubscriberKeySigner,
  type SigningDomain,
  signingDomain,
} from "./subscriberSigning.ts";

/** How far a reading request's issuedAt may be from this agent's clock, seconds (bounds a replayed request). */
export const READING_WINDOW_SECONDS = 300;

/** Puts an envelope at a location the subscriber named (an http(s) URL); throws when the location refuses it. */
export type EnvelopeStore = (url: string, envelope: Envelope & { insightId: Hex }) => Promise<void>;

export const putEnvelope: EnvelopeStore = async (url, envelope) => {
  const response = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(envelope),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
};

export interface SubscriberServiceOptions {
  ledger: InsightsLedger;
  readModel: InsightsReadModel;
  repository: InsightsRepository;
  chainId: number;
  me: Address;
  /** The consent's state in the data-usage read model: undefined when unknown. */
  consentRevoked: (consentId: Hex) => Promise<boolean | undefined>;
  sync: () => Promise<unknown>;
  store?: EnvelopeStore;
  now?: () => number;
}

/** keccak256(abi.encode(insightId, reader)): which key read which insight, without the content. */
export const readerFingerprintOf = (insightId: Hex, reader: Address): Hex =>
  keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }], [insightId, reader]));

export class SubscriberService {
  readonly #o: SubscriberServiceOptions;

  constructor(options: SubscriberServiceOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  /** The EIP-712 domain the subscriber signs under. */
  domain(): SigningDomain {
    return signingDomain(this.#o.chainId, this.#o.ledger.market);
  }

  /** Submits the subscriber's registration of its key for a consent, checked here first (nothing sent if refused). */
  async registerKey(input: { consentId: Hex; publicKey: Hex; signature: Hex }) {
    const consentId = input.consentId.toLowerCase() as Hex;
    await this.#o.sync();
    const revoked = await this.#o.consentRevoked(consentId);
    if (revoked === undefined)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${consentId}`, {
        field: "body.consentId",
      });
    if (revoked)
      throw new DataUsageError("DATAUSAGE_DENIED", `contract ${consentId} is revoked`, {
        field: "body.consentId",
        details: { reason: "revoked contract" },
      });
    const existing = await this.#o.readModel.subscriberKey(consentId);
    if (existing)
      throw new DataUsageError("DATAUSAGE_SUBSCRIBER_KEY_EXISTS", `contract ${consentId} has a subscriber key`, {
        field: "body.consentId",
        details: { subscriberKey: existing.key_address },
      });
    const key = keyAddressOf(input.publicKey);
    const signer = await this.#recover(() => recoverSubscriberKeySigner(this.domain(), consentId, input.signature));
    if (signer !== key) throw badSignature(signer, key);
    const receipt = await this.#o.ledger.registerSubscriberKey(consentId, input.publicKey, input.signature);
    await this.#o.sync();
    return { consentId, subscriberKey: key, txHash: receipt.transactionHash };
  }

  async subscriberKey(anyCase: Hex) {
    const row = await this.#o.readModel.subscriberKey(anyCase);
    if (!row)
      throw new DataUsageError("DATAUSAGE_NO_SUBSCRIBER_KEY", `no subscriber key for ${anyCase}`, {
        field: "params.consentId",
      });
    return { consentId: row.consent_id, subscriberKey: row.key_address, publicKey: row.public_key };
  }

  /**
   * Submits the subscriber's signed answer to an insight this agent controls; on an accept, seals the insight to the
   * subscriber's key and stores it where the subscriber named (this agent's store when the location is "agent"; when a
   * URL refuses it, here instead, with the reason in `storageError`).
   */
  async answer(anyCase: Hex, input: { accepted: boolean; location: string; deadline: number; signature: Hex }) {
    await this.#o.sync();
    const insight = await this.#controlled(anyCase);
    const insightId = insight.id as Hex;
    const key = await this.#o.readModel.subscriberKey(insight.consent_id);
    if (!key)
      throw new DataUsageError("DATAUSAGE_NO_SUBSCRIBER_KEY", `the subscriber of ${insightId} registered no key`, {
        field: "params.id",
      });
    const answered = await this.#o.readModel.answer(insightId);
    if (answered)
      throw new DataUsageError("DATAUSAGE_ALREADY_ANSWERED", `the subscriber answered ${insightId} already`, {
        field: "params.id",
        details: { accepted: Number(answered.accepted) === 1 },
      });
    if (input.deadline < this.#now())
      throw new DataUsageError("DATAUSAGE_SIGNATURE_EXPIRED", `the answer's deadline ${input.deadline} has passed`, {
        field: "body.deadline",
      });
    const message = {
      insightId,
      accepted: input.accepted,
      locationDigest: locationDigestOf(input.location),
      deadline: BigInt(input.deadline),
    };
    const signer = await this.#recover(() => recoverAnswerSigner(this.domain(), message, input.signature));
    if (signer !== key.key_address) throw badSignature(signer, key.key_address);
    // Sealed before sending, so an accept whose insight cannot be opened here any more is refused with nothing sent.
    const envelope = input.accepted ? await this.#sealed(insight, key.public_key as Hex) : null;
    const receipt = await this.#o.ledger.answer(
      insightId,
      input.accepted,
      message.locationDigest,
      message.deadline,
      input.signature,
    );
    await this.#o.sync();
    let storedAt: string | null = null;
    let storageError: string | undefined;
    if (envelope) {
      storedAt = input.location;
      if (input.location !== AGENT_STORE) {
        try {
          await (this.#o.store ?? putEnvelope)(input.location, { insightId, ...envelope });
        } catch (error) {
          storageError = error instanceof Error ? error.message : String(error);
          storedAt = AGENT_STORE;
        }
      }
      await this.#o.repository.keepSubscriberDelivery({
        insightId,
        consentId: insight.consent_id,
        location: storedAt,
        envelope: storedAt === AGENT_STORE ? envelope : null,
      });
    }
    return {
      insightId,
      accepted: input.accepted,
      subscriberKey: key.key_address,
      locationDigest: message.locationDigest,
      storedAt,
      ...(storageError ? { storageError } : {}),
      txHash: receipt.transactionHash,
    };
  }

  async answerOf(anyCase: Hex) {
    const row = await this.#o.readModel.answer(anyCase);
    if (!row)
      throw new DataUsageError("DATAUSAGE_NOT_ANSWERED", `the subscriber has not answered ${anyCase}`, {
        field: "params.id",
      });
    return {
      insightId: row.insight_id,
      consentId: row.consent_id,
      subscriberKey: row.subscriber_key,
      accepted: Number(row.accepted) === 1,
      locationDigest: row.location_digest,
      answeredAt: Number(row.answered_at),
      txHash: row.tx_hash,
    };
  }

  /** Serves an accepted insight from this agent's store to its subscriber (signed request) and records the reading. */
  async read(anyCase: Hex, input: { issuedAt: number; signature: Hex }) {
    await this.#o.sync();
    const insight = await this.#controlled(anyCase);
    const insightId = insight.id as Hex;
    const answer = await this.#o.readModel.answer(insightId);
    if (!answer || Number(answer.accepted) !== 1)
      throw new DataUsageError("DATAUSAGE_NOT_ACCEPTED", `the subscriber has not accepted ${insightId}`, {
        field: "params.id",
      });
    if (Math.abs(input.issuedAt - this.#now()) > READING_WINDOW_SECONDS)
      throw new DataUsageError("DATAUSAGE_SIGNATURE_EXPIRED", `issuedAt is more than ${READING_WINDOW_SECONDS}s off`, {
        field: "body.issuedAt",
      });
    const message = { insightId, issuedAt: BigInt(input.issuedAt) };
    const signer = await this.#recover(() => recoverReadingSigner(this.domain(), message, input.signature));
    if (signer !== answer.subscriber_key) throw badSignature(signer, answer.subscriber_key);
    const delivery = await this.#o.repository.subscriberDelivery(insightId);
    if (!delivery?.envelope)
      throw new DataUsageError("DATAUSAGE_NOT_STORED_HERE", `${insightId} is not stored in this agent`, {
        field: "params.id",
        details: { storedAt: delivery?.location ?? null },
      });
    const fingerprint = readerFingerprintOf(insightId, signer);
    const receipt = await this.#o.ledger.recordReading(insightId, fingerprint);
    await this.#o.sync();
    return { insightId, readerFingerprint: fingerprint, txHash: receipt.transactionHash, ...delivery.envelope };
  }

  async #sealed(insight: InsightRow, publicKey: Hex): Promise<Envelope> {
    const stored = await this.#o.repository.payload(insight.id);
    const subjectKey = await this.#o.repository.subjectKey(insight.consent_id);
    if (!stored || !subjectKey)
      throw new DataUsageError("DATAUSAGE_INSIGHT_ERASED", `insight ${insight.id} is no longer held here`, {
        field: "params.id",
      });
    const payload = JSON.parse(openAtRest(subjectKey, insight.id as Hex, stored)) as unknown;
    return sealForSubscriber(publicKey, insight.id as Hex, canonicalJson({ payload, salt: stored.salt }));
  }

  async #controlled(anyCase: Hex): Promise<InsightRow> {
    const insight = await this.#o.readModel.insight(anyCase);
    if (!insight)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${anyCase}`, { field: "params.id" });
    if (insight.controller !== this.#o.me)
      throw new DataUsageError("DATAUSAGE_NOT_INSIGHT_CONTROLLER", `insight ${insight.id} is ${insight.controller}'s`, {
        field: "params.id",
      });
    if (Number(insight.erased_at) !== 0)
      throw new DataUsageError(
        "DATAUSAGE_INSIGHT_ERASED",
        `insight ${insight.id} was erased on the subject's request`,
        {
          field: "params.id",
          details: { erasedAt: Number(insight.erased_at), erasureDigest: insight.erasure_digest },
        },
      );
    return insight;
  }

  async #recover(recover: () => Promise<Address>): Promise<Address> {
    try {
      return (await recover()).toLowerCase() as Address;
    } catch {
      throw new DataUsageError("DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE", "the signature does not recover to any key", {
        field: "body.signature",
      });
    }
  }
}

/** The address of an uncompressed secp256k1 public key (0x04 || x || y), as the contract derives it. */
export const keyAddressOf = (publicKey: Hex): Address =>
  `0x${keccak256(`0x${publicKey.slice(4)}`).slice(-40)}`.toLowerCase() as Address;

const badSignature = (signer: Address, expected: string) =>
  new DataUsageError("DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE", "the signature is not the subscriber's registered key's", {
    field: "body.signature",
    details: { signer, subscriberKey: expected },
  });

// Sharing an insight with a friend. The friend (no member, no account) registers a wallet key with its own signature;
// the subscriber holding an accepted insight opens it with its own key on its own side, seals it to the friend's
// registered key (insightsCrypto.sealForFriend) and signs the share; any member's agent submits it (the contract
// checks the signature against the consent's subscriber key, so only the holder shares) and keeps the envelope,
// which only the friend's key opens. Neither this agent nor the chain ever sees the plaintext.
import { type Address, type Hex, keccak256, stringToHex } from "viem";
import { canonicalJson } from "../core/canonicalJson.ts";
import { DataUsageError } from "./errors.ts";
import type { Envelope } from "./insightsCrypto.ts";
import { type InsightsLedger, shareIdOf } from "./insightsLedger.ts";
import type { InsightsReadModel, ShareRow } from "./readModelInsights.ts";
import type { InsightsRepository } from "./repositoryInsights.ts";
import { keyAddressOf } from "./subscriberService.ts";
import { recoverFriendKeySigner, recoverShareSigner, type SigningDomain, signingDomain } from "./subscriberSigning.ts";

/** keccak256 of the envelope's canonical JSON: what the share on chain commits to. */
export const envelopeDigestOf = (envelope: Envelope): Hex =>
  keccak256(
    stringToHex(
      canonicalJson({
        ephemeralPublicKey: envelope.ephemeralPublicKey.toLowerCase(),
        iv: envelope.iv.toLowerCase(),
        ciphertext: envelope.ciphertext.toLowerCase(),
        tag: envelope.tag.toLowerCase(),
      }),
    ),
  );

export interface ShareServiceOptions {
  ledger: InsightsLedger;
  readModel: InsightsReadModel;
  repository: InsightsRepository;
  chainId: number;
  /** The consent's state in the data-usage read model: undefined when unknown. */
  consentRevoked: (consentId: Hex) => Promise<boolean | undefined>;
  sync: () => Promise<unknown>;
  now?: () => number;
}

export class ShareService {
  readonly #o: ShareServiceOptions;

  constructor(options: ShareServiceOptions) {
    this.#o = options;
  }

  #domain(): SigningDomain {
    return signingDomain(this.#o.chainId, this.#o.ledger.market);
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  /** Submits a friend's registration of its key (signed by that key), checked here first: nothing sent if refused. */
  async registerFriendKey(input: { publicKey: Hex; signature: Hex }) {
    await this.#o.sync();
    const key = keyAddressOf(input.publicKey);
    if (await this.#o.readModel.friendKey(key))
      throw new DataUsageError("DATAUSAGE_FRIEND_KEY_EXISTS", `friend key ${key} is registered already`, {
        field: "body.publicKey",
      });
    const signer = await recovered(() => recoverFriendKeySigner(this.#domain(), key, input.signature));
    if (signer !== key) throw badSignature(signer, key);
    const receipt = await this.#o.ledger.registerFriendKey(input.publicKey, input.signature);
    await this.#o.sync();
    return { friendKey: key, txHash: receipt.transactionHash };
  }

  async friendKey(anyCase: Hex) {
    const row = await this.#o.readModel.friendKey(anyCase);
    if (!row)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_FRIEND_KEY", `no friend registered ${anyCase}`, {
        field: "params.key",
      });
    return { friendKey: row.key_address, publicKey: row.public_key, submittedBy: row.submitted_by };
  }

  /**
   * Submits the subscriber's signed share of an insight it holds with a friend's registered key, and keeps the
   * envelope the subscriber sealed to the friend. Every rule the contract checks is checked here first.
   */
  async share(anyCase: Hex, input: { friendKey: Address; envelope: Envelope; deadline: number; signature: Hex }) {
    await this.#o.sync();
    const insight = await this.#o.readModel.insight(anyCase);
    if (!insight)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${anyCase}`, { field: "params.id" });
    const insightId = insight.id as Hex;
    if (Number(insight.erased_at) !== 0)
      throw new DataUsageError("DATAUSAGE_INSIGHT_ERASED", `insight ${insightId} was erased on the subject's request`, {
        field: "params.id",
        details: { erasedAt: Number(insight.erased_at), erasureDigest: insight.erasure_digest },
      });
    const answer = await this.#o.readModel.answer(insightId);
    if (!answer || Number(answer.accepted) !== 1)
      throw new DataUsageError("DATAUSAGE_NOT_ACCEPTED", `the subscriber has not accepted ${insightId}`, {
        field: "params.id",
      });
    if (await this.#o.consentRevoked(insight.consent_id as Hex))
      throw new DataUsageError("DATAUSAGE_DENIED", `contract ${insight.consent_id} is revoked`, {
        field: "params.id",
        details: { reason: "revoked contract" },
      });
    const friendKey = input.friendKey.toLowerCase() as Address;
    if (!(await this.#o.readModel.friendKey(friendKey)))
      throw new DataUsageError("DATAUSAGE_UNKNOWN_FRIEND_KEY", `no friend registered ${friendKey}`, {
        field: "body.friendKey",
      });
    if (friendKey === answer.subscriber_key)
      throw new DataUsageError("DATAUSAGE_SELF_SHARE", "the subscriber cannot share with its own key", {
        field: "body.friendKey",
      });
    if (input.deadline < this.#now())
      throw new DataUsageError("DATAUSAGE_SIGNATURE_EXPIRED", `the share's deadline ${input.deadline} has passed`, {
        field: "body.deadline",
      });
    const shareId = shareIdOf(insightId, friendKey);
    if (await this.#o.readModel.share(shareId))
      throw new DataUsageError("DATAUSAGE_SHARE_EXISTS", `${insightId} is shared with ${friendKey} already`, {
        field: "body.friendKey",
      });
    const envelopeDigest = envelopeDigestOf(input.envelope);
    const message = { insightId, friendKey, envelopeDigest, deadline: BigInt(input.deadline) };
    const signer = await recovered(() => recoverShareSigner(this.#domain(), message, input.signature));
    if (signer !== answer.subscriber_key) throw badSignature(signer, answer.subscriber_key);
    // Kept before sending: a share mined while this agent restarts still finds its envelope here.
    await this.#o.repository.keepShareEnvelope(shareId, insightId, input.envelope);
    const receipt = await this.#o.ledger.share(insightId, friendKey, envelopeDigest, message.deadline, input.signature);
    await this.#o.sync();
    return { shareId, insightId, friendKey, subscriberKey: signer, envelopeDigest, txHash: receipt.transactionHash };
  }

  /** A share as on chain, with its envelope when this agent keeps it; refused once the insight is erased. */
  async shareOf(anyCase: Hex) {
    await this.#o.sync();
    const row = await this.#o.readModel.share(anyCase);
    if (!row) throw new DataUsageError("DATAUSAGE_UNKNOWN_SHARE", `no share ${anyCase}`, { field: "params.shareId" });
    const insight = await this.#o.readModel.insight(row.insight_id);
    if (insight && Number(insight.erased_at) !== 0)
      throw new DataUsageError("DATAUSAGE_INSIGHT_ERASED", `insight ${row.insight_id} was erased`, {
        field: "params.shareId",
        details: { erasedAt: Number(insight.erased_at), erasureDigest: insight.erasure_digest },
      });
    const envelope = await this.#o.repository.shareEnvelope(row.share_id);
    return { ...shareView(row), envelope: envelope ?? null };
  }
}

export const shareView = (row: ShareRow) => ({
  shareId: row.share_id,
  insightId: row.insight_id,
  friendKey: row.friend_key,
  subscriberKey: row.subscriber_key,
  envelopeDigest: row.envelope_digest,
  submittedBy: row.submitted_by,
  sharedAt: Number(row.shared_at),
  txHash: row.tx_hash,
});

async function recovered(recover: () => Promise<Address>): Promise<Address> {
  try {
    return (await recover()).toLowerCase() as Address;
  } catch {
    throw new DataUsageError("DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE", "the signature does not recover to any key", {
      field: "body.signature",
    });
  }
}

const badSignature = (signer: Address, expected: string) =>
  new DataUsageError("DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE", "the signature is not the expected key's", {
    field: "body.signature",
    details: { signer, subscriberKey: expected },
  });

// Records this agent keeps itself for the insights market: the per-subject keys (one per subject contract it
// controls; deleting one is the erasure), the payloads sealed under them with their digest salts, the private delivery
// keys of its own purchases, its erasure certificates, the insights it delivered to subscribers' keys, the envelopes of
// shares it submitted, and as custodian the records of the destructions it attested. SQL only; the service decides.
import type { Hex } from "viem";
import type { Queryable, Store } from "../core/store/store.ts";
import type { Envelope, Sealed } from "./insightsCrypto.ts";

export interface StoredPayload extends Sealed {
  insightId: Hex;
  consentId: Hex;
  salt: Hex;
}

export interface ErasureRow {
  consent_id: string;
  digest: string;
  certificate: string;
  tx_hash: string | null;
}

export class InsightsRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async subjectKey(consentId: string): Promise<Hex | undefined> {
    const row = await this.#store.one<{ subject_key: string }>(
      `SELECT subject_key FROM datausage_subject_keys WHERE consent_id = $1`,
      [consentId.toLowerCase()],
    );
    return row?.subject_key as Hex | undefined;
  }

  /** Keeps `key` as the subject's key unless one exists; answers the one kept. */
  async keepSubjectKey(consentId: string, key: Hex): Promise<Hex> {
    await this.#store.exec(
      `INSERT INTO datausage_subject_keys (consent_id, subject_key, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (consent_id) DO NOTHING`,
      [consentId.toLowerCase(), key, new Date().toISOString()],
    );
    return (await this.subjectKey(consentId)) as Hex;
  }

  async keepPayload(p: StoredPayload): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_insight_payloads (insight_id, consent_id, salt, iv, ciphertext, tag)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (insight_id) DO NOTHING`,
      [p.insightId.toLowerCase(), p.consentId.toLowerCase(), p.salt, p.iv, p.ciphertext, p.tag],
    );
  }

  async payload(insightId: string): Promise<StoredPayload | undefined> {
    const row = await this.#store.one<{
      insight_id: string;
      consent_id: string;
      salt: string;
      iv: string;
      ciphertext: string;
      tag: string;
    }>(`SELECT * FROM datausage_insight_payloads WHERE insight_id = $1`, [insightId.toLowerCase()]);
    if (!row) return undefined;
    return {
      insightId: row.insight_id as Hex,
      consentId: row.consent_id as Hex,
      salt: row.salt as Hex,
      iv: row.iv as Hex,
      ciphertext: row.ciphertext as Hex,
      tag: row.tag as Hex,
    };
  }

  /**
   * Crypto-shredding: deletes the subject's key and every payload sealed under it, and keeps the erasure
   * certificate, in one transaction.
   */
  async shred(consentId: string, digest: Hex, certificate: unknown): Promise<void> {
    const id = consentId.toLowerCase();
    await this.#store.transaction(async (tx: Queryable) => {
      await tx.exec(`DELETE FROM datausage_subject_keys WHERE consent_id = $1`, [id]);
      await tx.exec(`DELETE FROM datausage_insight_payloads WHERE consent_id = $1`, [id]);
      await tx.exec(`DELETE FROM datausage_subscriber_deliveries WHERE consent_id = $1`, [id]);
      await tx.exec(
        `INSERT INTO datausage_erasures (consent_id, digest, certificate, tx_hash) VALUES ($1, $2, $3, NULL)
         ON CONFLICT (consent_id) DO NOTHING`,
        [id, digest, JSON.stringify(certificate)],
      );
    });
  }

  async erasureRecorded(consentId: string, txHash: Hex): Promise<void> {
    await this.#store.exec(`UPDATE datausage_erasures SET tx_hash = $2 WHERE consent_id = $1`, [
      consentId.toLowerCase(),
      txHash,
    ]);
  }

  erasure(consentId: string): Promise<ErasureRow | undefined> {
    return this.#store.one<ErasureRow>(`SELECT * FROM datausage_erasures WHERE consent_id = $1`, [
      consentId.toLowerCase(),
    ]);
  }

  async keepDeliveryKey(purchaseId: string, publicKey: Hex, privateKey: Hex): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_delivery_keys (purchase_id, public_key, private_key) VALUES ($1, $2, $3)
       ON CONFLICT (purchase_id) DO NOTHING`,
      [purchaseId.toLowerCase(), publicKey, privateKey],
    );
  }

  async deliveryKey(purchaseId: string): Promise<{ publicKey: Hex; privateKey: Hex } | undefined> {
    const row = await this.#store.one<{ public_key: string; private_key: string }>(
      `SELECT public_key, private_key FROM datausage_delivery_keys WHERE purchase_id = $1`,
      [purchaseId.toLowerCase()],
    );
    return row ? { publicKey: row.public_key as Hex, privateKey: row.private_key as Hex } : undefined;
  }

  async forgetDeliveryKey(purchaseId: string): Promise<void> {
    await this.#store.exec(`DELETE FROM datausage_delivery_keys WHERE purchase_id = $1`, [purchaseId.toLowerCase()]);
  }

  /** Keeps what was delivered to the subscriber: the envelope when stored here, else only where it went. */
  async keepSubscriberDelivery(d: {
    insightId: string;
    consentId: string;
    location: string;
    envelope: Envelope | null;
  }): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_subscriber_deliveries (insight_id, consent_id, location, envelope, stored_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (insight_id) DO NOTHING`,
      [
        d.insightId.toLowerCase(),
        d.consentId.toLowerCase(),
        d.location,
        d.envelope ? JSON.stringify(d.envelope) : null,
        new Date().toISOString(),
      ],
    );
  }

  async subscriberDelivery(
    insightId: string,
  ): Promise<{ location: string; envelope: Envelope | null; storedAt: string } | undefined> {
    const row = await this.#store.one<{ location: string; envelope: string | null; stored_at: string }>(
      `SELECT location, envelope, stored_at FROM datausage_subscriber_deliveries WHERE insight_id = $1`,
      [insightId.toLowerCase()],
    );
    if (!row) return undefined;
    return {
      location: row.location,
      envelope: row.envelope ? (JSON.parse(row.envelope) as Envelope) : null,
      storedAt: row.stored_at,
    };
  }

  /** Keeps a share's envelope (sealed to the friend; this agent cannot open it). */
  async keepShareEnvelope(shareId: string, insightId: string, envelope: Envelope): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_share_envelopes (share_id, insight_id, envelope, stored_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (share_id) DO NOTHING`,
      [shareId.toLowerCase(), insightId.toLowerCase(), JSON.stringify(envelope), new Date().toISOString()],
    );
  }

  async shareEnvelope(shareId: string): Promise<Envelope | undefined> {
    const row = await this.#store.one<{ envelope: string }>(
      `SELECT envelope FROM datausage_share_envelopes WHERE share_id = $1`,
      [shareId.toLowerCase()],
    );
    return row ? (JSON.parse(row.envelope) as Envelope) : undefined;
  }

  /** As custodian: the record of the destruction this agent attested (or is about to), if it made one. */
  custodyDestruction(consentId: string): Promise<{ digest: Hex; record: string; tx_hash: Hex | null } | undefined> {
    return this.#store.one(`SELECT digest, record, tx_hash FROM datausage_custody_destructions WHERE consent_id = $1`, [
      consentId.toLowerCase(),
    ]);
  }

  /**
   * As custodian: destroys what this agent holds of the consent's subject key (the key, its payloads and deliveries,
   * as `shred` does) and keeps the record of the destruction, in one transaction.
   */
  async destroyCustody(consentId: string, digest: Hex, record: unknown): Promise<void> {
    const id = consentId.toLowerCase();
    await this.#store.transaction(async (tx: Queryable) => {
      await tx.exec(`DELETE FROM datausage_subject_keys WHERE consent_id = $1`, [id]);
      await tx.exec(`DELETE FROM datausage_insight_payloads WHERE consent_id = $1`, [id]);
      await tx.exec(`DELETE FROM datausage_subscriber_deliveries WHERE consent_id = $1`, [id]);
      await tx.exec(`DELETE FROM datausage_key_shares WHERE consent_id = $1`, [id]);
      await tx.exec(
        `INSERT INTO datausage_custody_destructions (consent_id, digest, record) VALUES ($1, $2, $3)
         ON CONFLICT (consent_id) DO NOTHING`,
        [id, digest, JSON.stringify(record)],
      );
    });
  }

  async custodyAttested(consentId: string, txHash: Hex): Promise<void> {
    await this.#store.exec(`UPDATE datausage_custody_destructions SET tx_hash = $2 WHERE consent_id = $1`, [
      consentId.toLowerCase(),
      txHash,
    ]);
  }

  /** As custodian: keeps (or replaces, on a new split) its share of a consent's subject key. */
  async keepKeyShare(k: KeyShareRow): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_key_shares
         (consent_id, controller, split_id, share_index, share, threshold, key_digest, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (consent_id) DO UPDATE SET controller = $2, split_id = $3, share_index = $4, share = $5,
         threshold = $6, key_digest = $7, received_at = $8`,
      [
        k.consent_id.toLowerCase(),
        k.controller,
        k.split_id,
        k.share_index,
        k.share,
        k.threshold,
        k.key_digest,
        k.received_at,
      ],
    );
  }

  keyShare(consentId: string): Promise<KeyShareRow | undefined> {
    return this.#store.one<KeyShareRow>(`SELECT * FROM datausage_key_shares WHERE consent_id = $1`, [
      consentId.toLowerCase(),
    ]);
  }

  /** As custodian: deletes every share whose key's erasure is requested on chain (attested or not); answers how many. */
  async shredErasedShares(): Promise<number> {
    const deleted = await this.#store.exec(
      `DELETE FROM datausage_key_shares WHERE consent_id IN (SELECT consent_id FROM datausage_key_erasures)`,
    );
    return deleted.changes;
  }
}

/** A custodian's share of a subject key as kept (table datausage_key_shares). */
export interface KeyShareRow {
  consent_id: string;
  controller: string;
  split_id: string;
  share_index: number;
  share: string;
  threshold: number;
  key_digest: string;
  received_at: string;
}

// Records this agent keeps itself: the data it holds under a contract (with the policy, the salts and, for a
// controller, the consent record it issued), the secrets of the processor contracts it created, its consultation
// records (with batch and proof once anchored) and the obligations that fire after use. SQL only; the service decides.
import type { Hex } from "viem";
import type { Store } from "../core/store/store.ts";
import type { ConsentRecord, Salts } from "./fingerprints.ts";
import type { DataRecord } from "./modify.ts";
import type { OdrlPolicy } from "./odrl.ts";

export interface Holding {
  contractId: Hex;
  policy: OdrlPolicy;
  data: DataRecord;
  salts: Salts;
  consent: ConsentRecord | null;
}

export interface Consultation {
  leaf: Hex;
  contractId: Hex;
  dataFingerprint: Hex;
  activity: string;
  purpose: string;
  verdict: string;
  at: number;
  batchId: Hex | null;
  proof: Hex[] | null;
}

interface ConsultationRow {
  leaf: string;
  contract_id: string;
  data_fingerprint: string;
  activity: string;
  purpose: string;
  verdict: string;
  at: number;
  batch_id: string | null;
  proof: string | null;
}

const toConsultation = (r: ConsultationRow): Consultation => ({
  leaf: r.leaf as Hex,
  contractId: r.contract_id as Hex,
  dataFingerprint: r.data_fingerprint as Hex,
  activity: r.activity,
  purpose: r.purpose,
  verdict: r.verdict,
  at: Number(r.at),
  batchId: (r.batch_id as Hex | null) ?? null,
  proof: r.proof === null ? null : (JSON.parse(r.proof) as Hex[]),
});

export class DataUsageRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async hold(h: Holding): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_holdings (contract_id, policy, data, salts, consent, received_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (contract_id) DO NOTHING`,
      [
        h.contractId.toLowerCase(),
        JSON.stringify(h.policy),
        JSON.stringify(h.data),
        JSON.stringify(h.salts),
        h.consent === null ? null : JSON.stringify(h.consent),
        new Date().toISOString(),
      ],
    );
  }

  async holding(contractId: string): Promise<Holding | undefined> {
    const row = await this.#store.one<{
      contract_id: string;
      policy: string;
      data: string;
      salts: string;
      consent: string | null;
    }>(`SELECT contract_id, policy, data, salts, consent FROM datausage_holdings WHERE contract_id = $1`, [
      contractId.toLowerCase(),
    ]);
    if (!row) return undefined;
    return {
      contractId: row.contract_id as Hex,
      policy: JSON.parse(row.policy) as OdrlPolicy,
      data: JSON.parse(row.data) as DataRecord,
      salts: JSON.parse(row.salts) as Salts,
      consent: row.consent === null ? null : (JSON.parse(row.consent) as ConsentRecord),
    };
  }

  /** Every held contract's policy: the decision index compiles them. */
  policies(): Promise<{ contract_id: string; policy: string }[]> {
    return this.#store.query(`SELECT contract_id, policy FROM datausage_holdings`);
  }

  async keepTransferSecret(contractId: Hex, secret: Hex): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_transfer_secrets (contract_id, secret) VALUES ($1, $2) ON CONFLICT (contract_id) DO NOTHING`,
      [contractId.toLowerCase(), secret],
    );
  }

  async recordConsultation(c: Omit<Consultation, "batchId" | "proof">): Promise<void> {
    await this.#store.exec(
      `INSERT INTO datausage_consultations (leaf, contract_id, data_fingerprint, activity, purpose, verdict, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (leaf) DO NOTHING`,
      [c.leaf, c.contractId.toLowerCase(), c.dataFingerprint, c.activity, c.purpose, c.verdict, c.at],
    );
  }

  async pendingConsultations(limit: number): Promise<Consultation[]> {
    const rows = await this.#store.query<ConsultationRow>(
      `SELECT leaf, contract_id, data_fingerprint, activity, purpose, verdict, at, batch_id, proof
       FROM datausage_consultations WHERE batch_id IS NULL ORDER BY leaf LIMIT $1`,
      [limit],
    );
    return rows.map(toConsultation);
  }

  async markAnchored(batchId: Hex, proofs: ReadonlyMap<Hex, Hex[]>): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (const [leaf, proof] of proofs)
        await tx.exec(`UPDATE datausage_consultations SET batch_id = $2, proof = $3 WHERE leaf = $1`, [
          leaf,
          batchId,
          JSON.stringify(proof),
        ]);
    });
  }

  async consultationsOf(contractId: string, limit: number, after = ""): Promise<Consultation[]> {
    const rows = await this.#store.query<ConsultationRow>(
      `SELECT leaf, contract_id, data_fingerprint, activity, purpose, verdict, at, batch_id, proof
       FROM datausage_consultations WHERE contract_id = $1 AND leaf > $2 ORDER BY leaf LIMIT $3`,
      [contractId.toLowerCase(), after, limit + 1],
    );
    return rows.map(toConsultation);
  }

  async addObligation(o: { id: string; contractId: Hex; action: string; dueAt: number; createdAt: number }) {
    await this.#store.exec(
      `INSERT INTO datausage_obligations (id, contract_id, action, due_at, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [o.id, o.contractId.toLowerCase(), o.action, o.dueAt, o.createdAt],
    );
  }
}

// Queries over the identity-assurance read model (identity_vouchings, identity_attestations): the only SQL reading
// them.
import type { Address, Hex } from "viem";
import type { Queryable } from "../../core/store/store.ts";

export interface VouchingView {
  vouchId: Hex;
  fingerprint: Hex;
  member: Address;
  status: "standing" | "revoked";
  vouchedAt: number;
  revokedAt: number | null;
  block: number;
}

export interface AttestationView {
  attestationId: Hex;
  subject: Address;
  claim: Hex;
  attester: Address;
  organisation: boolean;
  relayer: Address;
  status: "standing" | "withdrawn";
  attestedAt: number;
  withdrawnAt: number | null;
  block: number;
  log: number;
}

interface VouchingRow {
  vouch_id: string;
  fingerprint: string;
  member: string;
  vouched_block: number | string;
  vouched_log: number | string;
  vouched_at: number | string;
  revoked_at: number | string | null;
}

interface AttestationRow {
  attestation_id: string;
  subject: string;
  claim: string;
  attester: string;
  organisation: number | string;
  relayer: string;
  attested_block: number | string;
  attested_log: number | string;
  attested_at: number | string;
  withdrawn_at: number | string | null;
}

const vouching = (r: VouchingRow): VouchingView => ({
  vouchId: r.vouch_id as Hex,
  fingerprint: r.fingerprint as Hex,
  member: r.member as Address,
  status: r.revoked_at === null ? "standing" : "revoked",
  vouchedAt: Number(r.vouched_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  block: Number(r.vouched_block),
});

const attestation = (r: AttestationRow): AttestationView => ({
  attestationId: r.attestation_id as Hex,
  subject: r.subject as Address,
  claim: r.claim as Hex,
  attester: r.attester as Address,
  organisation: Number(r.organisation) === 1,
  relayer: r.relayer as Address,
  status: r.withdrawn_at === null ? "standing" : "withdrawn",
  attestedAt: Number(r.attested_at),
  withdrawnAt: r.withdrawn_at === null ? null : Number(r.withdrawn_at),
  block: Number(r.attested_block),
  log: Number(r.attested_log),
});

export class AssuranceReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async vouching(vouchId: string): Promise<VouchingView | undefined> {
    const row = await this.#db.one<VouchingRow>(`SELECT * FROM identity_vouchings WHERE vouch_id = $1`, [
      vouchId.toLowerCase(),
    ]);
    return row ? vouching(row) : undefined;
  }

  /** Every vouching of a fingerprint, in mining order (a file has a handful: one per member at most). */
  async vouchingsOf(fingerprint: string, limit: number, after?: readonly [number, string]): Promise<VouchingView[]> {
    const params: Array<string | number> = [fingerprint.toLowerCase()];
    let where = "fingerprint = $1";
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (vouched_block > $2 OR (vouched_block = $2 AND vouch_id > $3))`;
    }
    params.push(limit + 1);
    const rows = await this.#db.query<VouchingRow>(
      `SELECT * FROM identity_vouchings WHERE ${where} ORDER BY vouched_block, vouch_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(vouching);
  }

  async attestation(attestationId: string): Promise<AttestationView | undefined> {
    const row = await this.#db.one<AttestationRow>(`SELECT * FROM identity_attestations WHERE attestation_id = $1`, [
      attestationId.toLowerCase(),
    ]);
    return row ? attestation(row) : undefined;
  }

  /** Attestations about a subject (optionally of one claim), in mining order. */
  async attestationsOf(
    subject: string,
    claim: string | undefined,
    limit: number,
    after?: readonly [number, string],
  ): Promise<AttestationView[]> {
    const params: Array<string | number> = [subject.toLowerCase()];
    const where = ["subject = $1"];
    if (claim) {
      params.push(claim.toLowerCase());
      where.push(`claim = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      const b = params.length - 1;
      where.push(`(attested_block > $${b} OR (attested_block = $${b} AND attestation_id > $${b + 1}))`);
    }
    params.push(limit + 1);
    const rows = await this.#db.query<AttestationRow>(
      `SELECT * FROM identity_attestations WHERE ${where.join(" AND ")}
       ORDER BY attested_block, attestation_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(attestation);
  }

  /** Standing attestations of a claim about a subject, by people and by members. */
  async tally(subject: string, claim: string): Promise<{ people: number; organisations: number }> {
    const rows = await this.#db.query<{ organisation: number | string; n: number | string }>(
      `SELECT organisation, COUNT(*) AS n FROM identity_attestations
       WHERE subject = $1 AND claim = $2 AND withdrawn_at IS NULL GROUP BY organisation`,
      [subject.toLowerCase(), claim.toLowerCase()],
    );
    let people = 0;
    let organisations = 0;
    for (const r of rows) {
      if (Number(r.organisation) === 1) organisations = Number(r.n);
      else people = Number(r.n);
    }
    return { people, organisations };
  }
}

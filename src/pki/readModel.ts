// Reads of the PKI read model (the tables projection.ts writes from CertificateLedger events): applications with their
// certificates and revocations, who vouched for each, and the issuing CAs. The only SQL reader of those tables; lists
// are keyset-paginated (`LIMIT n + 1` in key order, the caller builds the page).
import type { Address, Hex } from "viem";
import type { Queryable } from "../core/store/store.ts";
import type { CertificateKind } from "./projection.ts";

export type ApplicationState = "filed" | "issued" | "revoked";

interface ApplicationRow {
  id: string;
  applicant: string;
  kind: string;
  identified: number;
  dns_name: string;
  organization: string;
  public_key: string;
  state: string;
  domain_attestations: number;
  endorsements: number;
  filed_block: number | string;
  filed_tx: string;
  issuer: string | null;
  serial: string | null;
  certificate_hash: string | null;
  ca_hash: string | null;
  certificate: string | null;
  issued_block: number | string | null;
  issued_at: number | string | null;
  revoked_by: string | null;
  revoked_at: number | string | null;
  revocation_reason: number | null;
}

export interface Vouch {
  member: Address;
  kind: "domain-control" | "endorsement";
  blockNumber: number;
}

export interface ApplicationView {
  id: Hex;
  applicant: Address;
  kind: CertificateKind;
  identified: boolean;
  dnsName: string;
  organization: string | null;
  /** The certified key's SubjectPublicKeyInfo, DER as 0x hex. */
  publicKey: Hex;
  state: ApplicationState;
  domainAttestations: number;
  endorsements: number;
  filedBlock: number;
  filedTx: Hex;
  certificate: null | {
    serial: string;
    sha256: Hex;
    issuer: Address;
    caHash: Hex;
    der: Hex;
    issuedBlock: number;
    issuedAt: number;
  };
  revocation: null | { by: Address; at: number; reason: number };
}

export interface CaView {
  caHash: Hex;
  issuer: Address;
  certificate: Hex;
  blockNumber: number;
}

const toView = (r: ApplicationRow): ApplicationView => ({
  id: r.id as Hex,
  applicant: r.applicant as Address,
  kind: r.kind as CertificateKind,
  identified: Number(r.identified) === 1,
  dnsName: r.dns_name,
  organization: r.organization === "" ? null : r.organization,
  publicKey: r.public_key as Hex,
  state: r.state as ApplicationState,
  domainAttestations: Number(r.domain_attestations),
  endorsements: Number(r.endorsements),
  filedBlock: Number(r.filed_block),
  filedTx: r.filed_tx as Hex,
  certificate:
    r.certificate_hash && r.serial && r.issuer && r.ca_hash && r.certificate
      ? {
          serial: r.serial,
          sha256: r.certificate_hash as Hex,
          issuer: r.issuer as Address,
          caHash: r.ca_hash as Hex,
          der: r.certificate as Hex,
          issuedBlock: Number(r.issued_block),
          issuedAt: Number(r.issued_at),
        }
      : null,
  revocation:
    r.revoked_by && r.revoked_at !== null
      ? { by: r.revoked_by as Address, at: Number(r.revoked_at), reason: Number(r.revocation_reason) }
      : null,
});

export class PkiReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async application(id: string): Promise<ApplicationView | undefined> {
    const row = await this.#db.one<ApplicationRow>(`SELECT * FROM pki_applications WHERE id = $1`, [id.toLowerCase()]);
    return row ? toView(row) : undefined;
  }

  async applicationByCertificate(sha256: string): Promise<ApplicationView | undefined> {
    const row = await this.#db.one<ApplicationRow>(`SELECT * FROM pki_applications WHERE certificate_hash = $1`, [
      sha256.toLowerCase(),
    ]);
    return row ? toView(row) : undefined;
  }

  async applicationBySerial(serial: string): Promise<ApplicationView | undefined> {
    const row = await this.#db.one<ApplicationRow>(`SELECT * FROM pki_applications WHERE serial = $1`, [
      serial.toLowerCase(),
    ]);
    return row ? toView(row) : undefined;
  }

  /** Applications in filing order (block, then id), optionally in one state; `after` is the last key of the page. */
  async applications(
    filter: { state?: ApplicationState },
    limit: number,
    after?: readonly [number, string],
  ): Promise<ApplicationView[]> {
    const params: Array<string | number> = [];
    const where: string[] = [];
    if (filter.state) {
      params.push(filter.state);
      where.push(`state = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      where.push(
        `(filed_block > $${params.length - 1} OR (filed_block = $${params.length - 1} AND id > $${params.length}))`,
      );
    }
    params.push(limit + 1);
    const rows = await this.#db.query<ApplicationRow>(
      `SELECT * FROM pki_applications ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY filed_block, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toView);
  }

  async vouches(id: string): Promise<Vouch[]> {
    const rows = await this.#db.query<{ member: string; kind: string; block_number: number | string }>(
      `SELECT member, kind, block_number FROM pki_vouches WHERE application_id = $1 ORDER BY block_number, member`,
      [id.toLowerCase()],
    );
    return rows.map((r) => ({
      member: r.member as Address,
      kind: r.kind as Vouch["kind"],
      blockNumber: Number(r.block_number),
    }));
  }

  /** The issuing CA registered last (the one the contract issues under). */
  async currentCa(): Promise<CaView | undefined> {
    const row = await this.#db.one<{ ca_hash: string; issuer: string; certificate: string; block_number: number }>(
      `SELECT * FROM pki_cas ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    );
    return row ? caView(row) : undefined;
  }

  async ca(caHash: string): Promise<CaView | undefined> {
    const row = await this.#db.one<{ ca_hash: string; issuer: string; certificate: string; block_number: number }>(
      `SELECT * FROM pki_cas WHERE ca_hash = $1`,
      [caHash.toLowerCase()],
    );
    return row ? caView(row) : undefined;
  }

  /** Every application id with its state and counts: what the consistency check compares with the contract. */
  async allForConsistency(): Promise<ApplicationView[]> {
    const rows = await this.#db.query<ApplicationRow>(`SELECT * FROM pki_applications ORDER BY id`);
    return rows.map(toView);
  }
}

const caView = (r: {
  ca_hash: string;
  issuer: string;
  certificate: string;
  block_number: number | string;
}): CaView => ({
  caHash: r.ca_hash as Hex,
  issuer: r.issuer as Address,
  certificate: r.certificate as Hex,
  blockNumber: Number(r.block_number),
});

export interface CheckpointView {
  treeSize: number;
  rootHash: Hex;
  operator: Address;
  cosignatures: number;
  blockNumber: number;
}

interface CheckpointRow {
  tree_size: number | string;
  root_hash: string;
  operator: string;
  cosignatures: number;
  block_number: number | string;
}

const checkpointView = (r: CheckpointRow): CheckpointView => ({
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash as Hex,
  operator: r.operator as Address,
  cosignatures: Number(r.cosignatures),
  blockNumber: Number(r.block_number),
});

/** Reads of the transparency log's leaves and checkpoints. */
export class PkiLogReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Leaf hashes from `fromIndex` on, in log order. */
  async leavesFrom(fromIndex: number): Promise<Array<{ index: number; leafHash: Hex }>> {
    const rows = await this.#db.query<{ leaf_index: number | string; leaf_hash: string }>(
      `SELECT leaf_index, leaf_hash FROM pki_log_leaves WHERE leaf_index >= $1 ORDER BY leaf_index`,
      [fromIndex],
    );
    return rows.map((r) => ({ index: Number(r.leaf_index), leafHash: r.leaf_hash as Hex }));
  }

  async size(): Promise<number> {
    const row = await this.#db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM pki_log_leaves`);
    return Number(row?.n ?? 0);
  }

  async leafOfApplication(applicationId: string): Promise<number | undefined> {
    const row = await this.#db.one<{ leaf_index: number | string }>(
      `SELECT leaf_index FROM pki_log_leaves WHERE application_id = $1`,
      [applicationId.toLowerCase()],
    );
    return row ? Number(row.leaf_index) : undefined;
  }

  async checkpoint(treeSize: number): Promise<CheckpointView | undefined> {
    const row = await this.#db.one<CheckpointRow>(`SELECT * FROM pki_log_checkpoints WHERE tree_size = $1`, [treeSize]);
    return row ? checkpointView(row) : undefined;
  }

  /** The largest checkpoint with at least `threshold` co-signatures. */
  async latestWitnessed(threshold: number): Promise<CheckpointView | undefined> {
    const row = await this.#db.one<CheckpointRow>(
      `SELECT * FROM pki_log_checkpoints WHERE cosignatures >= $1 ORDER BY tree_size DESC LIMIT 1`,
      [threshold],
    );
    return row ? checkpointView(row) : undefined;
  }

  async latest(): Promise<CheckpointView | undefined> {
    const row = await this.#db.one<CheckpointRow>(`SELECT * FROM pki_log_checkpoints ORDER BY tree_size DESC LIMIT 1`);
    return row ? checkpointView(row) : undefined;
  }

  async witnesses(treeSize: number): Promise<Address[]> {
    const rows = await this.#db.query<{ witness: string }>(
      `SELECT witness FROM pki_log_cosigns WHERE tree_size = $1 ORDER BY witness`,
      [treeSize],
    );
    return rows.map((r) => r.witness as Address);
  }
}

// The EIDL read model's queries: the only code that reads the tables the projection writes (organisations, vetting
// history, grants and their history). Typed rows out; lists are keyset pages (`LIMIT n + 1` in key order).
import type { Queryable, SqlParam } from "../core/store/store.ts";
import { type PageAsk, type PageSlice, sliceOf } from "./paging.ts";

export interface OrgRow {
  org: string;
  name: string;
  org_type: number;
  member: string;
  controller: string;
  created_at: string;
  updated_at: string;
  created_block: number;
}

export interface VettingRow {
  event_key: string;
  org: string;
  vetter: string;
  status: number;
  result: number;
  vetted_at: string;
  version: number;
  credential_hash: string;
  block_number: number;
  tx_hash: string;
}

export interface GrantRow {
  id: string;
  parent_id: string | null;
  prefix: string;
  kind: number;
  issuer: string;
  holder: string;
  valid_from: number;
  valid_until: number;
  allow_redelegation: number;
  credential_hash: string;
  intended_use: string;
  /** The salted hash of the caller name and purpose GrantRecorded carried (zero when none). */
  caller_hash: string;
  revoked_at: number;
  revoke_reason: number | null;
  created_block: number;
  /** The GrantRecorded's log index in its block: with created_block, the order grants were made in. */
  created_log: number;
  tx_hash: string;
}

/** A grant with the caller name and purpose, when this agent issued its credential (they never reach the chain). */
export interface GrantWithCaller extends GrantRow {
  /** The TN Authorization credential document this agent issued for the grant, JSON; null when another agent did. */
  credential_document: string | null;
}

/** One event in a number's chain of custody, with the grant it happened to. */
export interface CustodyRow {
  event_key: string;
  /** granted | revoked | ported */
  event: string;
  /** JSON: `{at, reason?, ...}` */
  detail: string;
  block_number: number;
  event_tx_hash: string;
  id: string;
  prefix: string;
  kind: number;
  issuer: string;
  holder: string;
  valid_from: number;
  valid_until: number;
  credential_hash: string;
  revoked_at: number;
}

/** Everything the in-memory prefix index is built from at agent start. */
export interface IndexSource {
  orgs: OrgRow[];
  /** Complete vettings, each organisation's oldest first (the last one per organisation stands). */
  completeVettings: VettingRow[];
  grants: GrantRow[];
}

/** A grant row and the document of the credential this agent issued for it (where the caller name lives). */
const WITH_CALLER = `g.*, c.document AS credential_document FROM eidl_grants g
  LEFT JOIN eidl_issued_credentials c ON c.subject_kind = 'grant' AND c.subject_ref = g.id`;

/** `$from, $from+1, ...` for an IN list. */
const placeholders = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(", ");

export class EidlReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async organisation(address: string): Promise<OrgRow | undefined> {
    return this.#db.one<OrgRow>(`SELECT * FROM eidl_orgs WHERE org = $1`, [address.toLowerCase()]);
  }

  /** The oldest organisation of `orgType` that member `member` registered (e.g. its TNSP account), if any. */
  async oldestOrganisationOf(member: string, orgType: number): Promise<OrgRow | undefined> {
    return this.#db.one<OrgRow>(
      `SELECT * FROM eidl_orgs WHERE member = $1 AND org_type = $2 ORDER BY created_block, org LIMIT 1`,
      [member.toLowerCase(), orgType],
    );
  }

  /** The organisations among `addresses` (lower-case), oldest first, keyed by (created_block, org). */
  async organisationsAmong(addresses: readonly string[], page: PageAsk): Promise<PageSlice<OrgRow>> {
    if (addresses.length === 0) return { items: [], nextKey: null };
    const params: SqlParam[] = [...addresses];
    let after = "";
    if (page.after) {
      params.push(Number(page.after[0]), String(page.after[1]));
      const [b, o] = [`$${params.length - 1}`, `$${params.length}`];
      after = `AND (created_block > ${b} OR (created_block = ${b} AND org > ${o}))`;
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<OrgRow>(
      `SELECT * FROM eidl_orgs WHERE org IN (${placeholders(addresses.length)}) ${after}
       ORDER BY created_block, org LIMIT $${params.length}`,
      params,
    );
    return sliceOf(rows, page.limit, (r) => [Number(r.created_block), r.org]);
  }

  /**
   * Every organisation on the ledger, oldest first, keyed by (created_block, org), each with its latest vetting decision
   * (vetter and result; null for one never vetted, the trust hierarchy's roots): the whole vetting tree, a page at a time.
   */
  async organisationsWithVetting(
    page: PageAsk,
  ): Promise<PageSlice<OrgRow & { vetter: string | null; result: number | null }>> {
    const params: SqlParam[] = [];
    let after = "";
    if (page.after) {
      params.push(Number(page.after[0]), String(page.after[1]));
      after = "WHERE (o.created_block > $1 OR (o.created_block = $1 AND o.org > $2))";
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<OrgRow & { vetter: string | null; result: number | null }>(
      `SELECT o.*, v.vetter, v.result FROM eidl_orgs o
       LEFT JOIN eidl_vettings v ON v.event_key = (
         SELECT event_key FROM eidl_vettings WHERE org = o.org ORDER BY version DESC, block_number DESC LIMIT 1)
       ${after} ORDER BY o.created_block, o.org LIMIT $${params.length}`,
      params,
    );
    return sliceOf(rows, page.limit, (r) => [Number(r.created_block), r.org]);
  }

  /** An organisation's vetting decisions, oldest first, keyed by (version, event_key). */
  async vettings(org: string, page: PageAsk): Promise<PageSlice<VettingRow>> {
    const params: SqlParam[] = [org];
    let after = "";
    if (page.after) {
      params.push(Number(page.after[0]), String(page.after[1]));
      after = `AND (version > $2 OR (version = $2 AND event_key > $3))`;
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<VettingRow>(
      `SELECT * FROM eidl_vettings WHERE org = $1 ${after} ORDER BY version, event_key LIMIT $${params.length}`,
      params,
    );
    return sliceOf(rows, page.limit, (r) => [Number(r.version), r.event_key]);
  }

  async latestVetting(org: string): Promise<VettingRow | undefined> {
    return this.#db.one<VettingRow>(
      `SELECT * FROM eidl_vettings WHERE org = $1 ORDER BY version DESC, block_number DESC LIMIT 1`,
      [org],
    );
  }

  async grant(id: string): Promise<GrantWithCaller | undefined> {
    return this.#db.one<GrantWithCaller>(`SELECT ${WITH_CALLER} WHERE g.id = $1`, [id]);
  }

  /** Grants held by an organisation, newest first, keyed by (created_block, created_log) descending. */
  async grantsHeldBy(holder: string, page: PageAsk): Promise<PageSlice<GrantWithCaller>> {
    const params: SqlParam[] = [holder];
    let after = "";
    if (page.after) {
      params.push(Number(page.after[0]), Number(page.after[1]));
      after = `AND (g.created_block < $2 OR (g.created_block = $2 AND g.created_log < $3))`;
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<GrantWithCaller>(
      `SELECT ${WITH_CALLER} WHERE g.holder = $1 ${after}
       ORDER BY g.created_block DESC, g.created_log DESC LIMIT $${params.length}`,
      params,
    );
    return sliceOf(rows, page.limit, (r) => [Number(r.created_block), Number(r.created_log)]);
  }

  /**
   * Every event of every grant on `prefixes` (a number and its blocks), oldest first, keyed by
   * (block_number, event_key).
   */
  async custody(prefixes: readonly string[], page: PageAsk): Promise<PageSlice<CustodyRow>> {
    const params: SqlParam[] = [...prefixes];
    let after = "";
    if (page.after) {
      params.push(Number(page.after[0]), String(page.after[1]));
      const [b, k] = [`$${params.length - 1}`, `$${params.length}`];
      after = `AND (h.block_number > ${b} OR (h.block_number = ${b} AND h.event_key > ${k}))`;
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<CustodyRow>(
      `SELECT h.event_key, h.kind AS event, h.detail, h.block_number, h.tx_hash AS event_tx_hash,
              g.id, g.prefix, g.kind, g.issuer, g.holder, g.valid_from, g.valid_until, g.credential_hash, g.revoked_at
         FROM eidl_grant_history h JOIN eidl_grants g ON g.id = h.grant_id
        WHERE h.prefix IN (${placeholders(prefixes.length)}) ${after}
        ORDER BY h.block_number, h.event_key LIMIT $${params.length}`,
      params,
    );
    return sliceOf(rows, page.limit, (r) => [Number(r.block_number), r.event_key]);
  }

  /** Every organisation, every vetting record and every grant (grants in chain order): for the consistency check. */
  async everything(): Promise<{ orgs: OrgRow[]; vettings: VettingRow[]; grants: GrantRow[] }> {
    return {
      orgs: await this.#db.query<OrgRow>(`SELECT * FROM eidl_orgs ORDER BY created_block, org`),
      vettings: await this.#db.query<VettingRow>(`SELECT * FROM eidl_vettings ORDER BY org, version, block_number`),
      grants: await this.#db.query<GrantRow>(`SELECT * FROM eidl_grants ORDER BY created_block, created_log`),
    };
  }

  /** Every organisation, Complete vetting and grant: what the prefix index is built from. */
  async indexSource(): Promise<IndexSource> {
    return {
      orgs: await this.#db.query<OrgRow>(`SELECT * FROM eidl_orgs ORDER BY created_block, org`),
      completeVettings: await this.#db.query<VettingRow>(
        `SELECT * FROM eidl_vettings WHERE status = 1 ORDER BY org, version, block_number`,
      ),
      grants: await this.#db.query<GrantRow>(`SELECT * FROM eidl_grants ORDER BY created_block, created_log`),
    };
  }
}

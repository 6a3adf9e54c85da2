// Reads of the vetter flags (registries_vetter_flags, written by tracebackProjection): numbers of confirmed robocall
// campaigns flagged to their holder's vetter. Lists are keyset-paginated by id.
import type { Address, Hex } from "viem";
import type { Queryable } from "../../core/store/store.ts";

export interface VetterFlagView {
  flagId: Hex;
  traceId: Hex;
  /** The member that flagged it: the trace's requester or its origin. */
  flagger: Address;
  /** The number's keyed hash (HMAC-SHA256 under the consortium key, "tn:" + number). */
  subject: Hex;
  /** The EIDL organisation holding the number, and its vetter (identity addresses), and the vetter's member. */
  holder: Address;
  vetter: Address;
  vetterMember: Address;
  evidence: Hex;
  flaggedAt: string;
  acknowledgedAt: string | null;
  flaggedBlock: number;
  txHash: Hex;
  acknowledgedTx: Hex | null;
}

interface FlagRow {
  flag_id: string;
  trace_id: string;
  flagger: string;
  subject: string;
  holder: string;
  vetter: string;
  vetter_member: string;
  evidence: string;
  flagged_at: number | string;
  flagged_block: number | string;
  flagged_tx: string;
  acknowledged_at: number | string | null;
  acknowledged_tx: string | null;
}

const iso = (seconds: number | string) => new Date(Number(seconds) * 1000).toISOString();

const flagView = (r: FlagRow): VetterFlagView => ({
  flagId: r.flag_id as Hex,
  traceId: r.trace_id as Hex,
  flagger: r.flagger as Address,
  subject: r.subject as Hex,
  holder: r.holder as Address,
  vetter: r.vetter as Address,
  vetterMember: r.vetter_member as Address,
  evidence: r.evidence as Hex,
  flaggedAt: iso(r.flagged_at),
  acknowledgedAt: r.acknowledged_at === null ? null : iso(r.acknowledged_at),
  flaggedBlock: Number(r.flagged_block),
  txHash: r.flagged_tx as Hex,
  acknowledgedTx: r.acknowledged_tx as Hex | null,
});

export class VetterFlagReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async flag(flagId: string): Promise<VetterFlagView | undefined> {
    const row = await this.#db.one<FlagRow>(`SELECT * FROM registries_vetter_flags WHERE flag_id = $1`, [
      flagId.toLowerCase(),
    ]);
    return row ? flagView(row) : undefined;
  }

  /**
   * Flags by id: addressed to one vetter (its member account or its organisation's identity address), of one trace,
   * acknowledged or not; `after` pages.
   */
  async flags(
    filter: { vetter?: string; traceId?: string; acknowledged?: boolean },
    page: { limit: number; after?: string },
  ): Promise<VetterFlagView[]> {
    const params: string[] = [];
    const where: string[] = [];
    const param = (value: string) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.vetter) {
      const vetter = param(filter.vetter.toLowerCase());
      where.push(`(vetter_member = ${vetter} OR vetter = ${vetter})`);
    }
    if (filter.traceId) where.push(`trace_id = ${param(filter.traceId.toLowerCase())}`);
    if (filter.acknowledged !== undefined) {
      where.push(filter.acknowledged ? "acknowledged_at IS NOT NULL" : "acknowledged_at IS NULL");
    }
    if (page.after) where.push(`flag_id > ${param(page.after.toLowerCase())}`);
    const rows = await this.#db.query<FlagRow>(
      `SELECT * FROM registries_vetter_flags ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY flag_id LIMIT ${page.limit + 1}`,
      params,
    );
    return rows.map(flagView);
  }
}

// Reads of the trigger read model (the tables triggers/projection.ts writes): triggers in ledger order, optionally on
// one asset or in one state, and everything for the consistency check. The only SQL of those tables.
import type { Address, Hex } from "viem";
import type { Queryable, SqlParam } from "../../core/store/store.ts";

export type TriggerState = "open" | "armed" | "disputed" | "executed";

export interface ProjectedTrigger {
  triggerId: Hex;
  assetId: Hex;
  state: TriggerState;
  holder: Address;
  newHolder: Address;
  threshold: number;
  matching: number;
  disputeWindowSeconds: number;
  firesAt: number;
  assetHolder: Address;
  blockNumber: number;
}

interface Row {
  trigger_id: string;
  asset_id: string;
  state: string;
  holder: string;
  new_holder: string;
  threshold: number | string;
  matching: number | string;
  dispute_window: number | string;
  fires_at: number | string;
  asset_holder: string;
  block_number: number | string;
}

const SELECT = `
  SELECT t.trigger_id, t.asset_id, t.state, t.holder, t.new_holder, t.threshold, t.matching, t.dispute_window,
    t.fires_at, a.holder AS asset_holder, t.block_number
  FROM pki_triggers t JOIN pki_trigger_assets a ON a.asset_id = t.asset_id`;

const viewOf = (r: Row): ProjectedTrigger => ({
  triggerId: r.trigger_id as Hex,
  assetId: r.asset_id as Hex,
  state: r.state as TriggerState,
  holder: r.holder as Address,
  newHolder: r.new_holder as Address,
  threshold: Number(r.threshold),
  matching: Number(r.matching),
  disputeWindowSeconds: Number(r.dispute_window),
  firesAt: Number(r.fires_at),
  assetHolder: r.asset_holder as Address,
  blockNumber: Number(r.block_number),
});

export class TriggerReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Triggers in ledger order; `limit + 1` rows for the caller's page. */
  async list(
    filter: { state?: TriggerState; assetId?: Hex },
    limit: number,
    after?: readonly [number, string],
  ): Promise<ProjectedTrigger[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (filter.state) {
      params.push(filter.state);
      where.push(`t.state = $${params.length}`);
    }
    if (filter.assetId) {
      params.push(filter.assetId.toLowerCase());
      where.push(`t.asset_id = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      const [b, id] = [params.length - 1, params.length];
      where.push(`(t.block_number > $${b} OR (t.block_number = $${b} AND t.trigger_id > $${id}))`);
    }
    params.push(limit + 1);
    const rows = await this.#db.query<Row>(
      `${SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY t.block_number, t.trigger_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(viewOf);
  }

  async allForConsistency(): Promise<{
    triggers: ProjectedTrigger[];
    assets: Array<{ assetId: Hex; holder: Address; registrant: Address }>;
  }> {
    const triggers = (await this.#db.query<Row>(`${SELECT} ORDER BY t.trigger_id`)).map(viewOf);
    const assets = await this.#db.query<{ asset_id: string; holder: string; registrant: string }>(
      `SELECT asset_id, holder, registrant FROM pki_trigger_assets ORDER BY asset_id`,
    );
    return {
      triggers,
      assets: assets.map((a) => ({
        assetId: a.asset_id as Hex,
        holder: a.holder as Address,
        registrant: a.registrant as Address,
      })),
    };
  }
}

// Reads of the projected channels (settlement_channels, written by projection.ts only).
import type { Queryable } from "../../core/store/store.ts";

export interface ChannelRow {
  channel_id: string;
  member_a: string;
  member_b: string;
  token: string;
  challenge_period: number;
  status: "open" | "closing" | "closed";
  deposit_a: string;
  deposit_b: string;
  version: number;
  balance_a: string;
  balance_b: string;
  closes_at: number | null;
  closer: string | null;
  payout_a: string | null;
  payout_b: string | null;
  opened_block: number;
}

export class ChannelReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  channel(id: string): Promise<ChannelRow | undefined> {
    return this.#db.one<ChannelRow>(`SELECT * FROM settlement_channels WHERE channel_id = $1`, [id.toLowerCase()]);
  }

  /** The channels `member` is one of the two members of, in id order, `limit + 1` rows after the cursor's id. */
  channelsOf(member: string, page: { limit: number; after?: string | undefined }): Promise<ChannelRow[]> {
    const m = member.toLowerCase();
    return this.#db.query<ChannelRow>(
      `SELECT * FROM settlement_channels WHERE (member_a = $1 OR member_b = $1) AND channel_id > $2
       ORDER BY channel_id LIMIT $3`,
      [m, page.after ?? "", page.limit + 1],
    );
  }

  /** The oldest open channel of the two members in `token` (either may be A), if any. */
  openBetween(member: string, other: string, token: string): Promise<ChannelRow | undefined> {
    return this.#db.one<ChannelRow>(
      `SELECT * FROM settlement_channels WHERE status = 'open' AND token = $3
       AND ((member_a = $1 AND member_b = $2) OR (member_a = $2 AND member_b = $1))
       ORDER BY opened_block, channel_id LIMIT 1`,
      [member.toLowerCase(), other.toLowerCase(), token.toLowerCase()],
    );
  }

  /** This member's channels being closed by the other member (what the watchtower looks at). */
  closingAgainst(member: string): Promise<ChannelRow[]> {
    const m = member.toLowerCase();
    return this.#db.query<ChannelRow>(
      `SELECT * FROM settlement_channels WHERE status = 'closing' AND (member_a = $1 OR member_b = $1)
       AND closer <> $1 ORDER BY channel_id`,
      [m],
    );
  }
}

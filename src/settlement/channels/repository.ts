// What this agent keeps off chain about its channels: every state both members signed (the newest is what the
// watchtower answers a stale close with), and the counterparty agent's URL and the API key that agent issued to this
// member. SQL only.
import { GroupCommit } from "../../core/store/groupCommit.ts";
import type { Queryable, SqlParam } from "../../core/store/store.ts";
import { NO_BATCH, type SignedState } from "./state.ts";

interface StateRow {
  channel_id: string;
  version: number | string;
  balance_a: string;
  balance_b: string;
  deposit_a: string;
  deposit_b: string;
  is_final: boolean | number;
  sig_a: string;
  sig_b: string;
  usage_ref: string | null;
}

const toState = (row: StateRow): SignedState => ({
  state: {
    channelId: row.channel_id as `0x${string}`,
    version: BigInt(row.version),
    balanceA: BigInt(row.balance_a),
    balanceB: BigInt(row.balance_b),
    depositA: BigInt(row.deposit_a),
    depositB: BigInt(row.deposit_b),
    isFinal: Number(row.is_final) === 1,
    batchId: (row.usage_ref ?? NO_BATCH) as `0x${string}`,
  },
  sigA: row.sig_a as `0x${string}`,
  sigB: row.sig_b as `0x${string}`,
});

export interface UsageRow {
  batch_id: string;
  counterparty: string;
  amount: string;
  /** pending: to pay (retried); paid: a co-signed state carries it; refused: not payable (funds); no-channel: none open. */
  status: "pending" | "paid" | "refused" | "no-channel";
  channel_id: string | null;
  version: number | string | null;
  error: string | null;
  created_at: number | string;
}

export class ChannelRepository {
  readonly #db: Queryable;

  /** States of all channels stored at one moment go in one statement: one fsync for many exchanges. */
  readonly #states: GroupCommit<SignedState>;

  constructor(db: Queryable) {
    this.#db = db;
    this.#states = new GroupCommit((states) => this.#insertStates(states), 2000);
  }

  /**
   * Keeps co-signed states, durably once this resolves; the same version twice keeps the first (both are signed by
   * both, so equal). A state's batchId (the batch its update pays) is kept in usage_ref: unique per channel. Calls
   * made while an earlier one is being committed are committed together (group commit).
   */
  saveStates(states: readonly SignedState[]): Promise<void> {
    return this.#states.add(states);
  }

  /** One INSERT of up to 2,000 states (20,000 parameters: within SQLite's and PostgreSQL's limits). */
  async #insertStates(states: readonly SignedState[]): Promise<void> {
    const values: SqlParam[] = [];
    const rows = states.map((signed, i) => {
      const s = signed.state;
      values.push(
        s.channelId.toLowerCase(),
        Number(s.version),
        s.balanceA.toString(),
        s.balanceB.toString(),
        s.depositA.toString(),
        s.depositB.toString(),
        s.isFinal ? 1 : 0,
        signed.sigA,
        signed.sigB,
        s.batchId === NO_BATCH ? null : s.batchId.toLowerCase(),
      );
      return `(${Array.from({ length: 10 }, (_, k) => `$${i * 10 + k + 1}`).join(", ")})`;
    });
    await this.#db.exec(
      `INSERT INTO settlement_channel_states (channel_id, version, balance_a, balance_b, deposit_a, deposit_b,
         is_final, sig_a, sig_b, usage_ref) VALUES ${rows.join(", ")}
       ON CONFLICT (channel_id, version) DO NOTHING`,
      values,
    );
  }

  async latestState(channelId: string): Promise<SignedState | undefined> {
    const row = await this.#db.one<StateRow>(
      `SELECT * FROM settlement_channel_states WHERE channel_id = $1 ORDER BY version DESC LIMIT 1`,
      [channelId.toLowerCase()],
    );
    return row ? toState(row) : undefined;
  }

  async state(channelId: string, version: number): Promise<SignedState | undefined> {
    const row = await this.#db.one<StateRow>(
      `SELECT * FROM settlement_channel_states WHERE channel_id = $1 AND version = $2`,
      [channelId.toLowerCase(), version],
    );
    return row ? toState(row) : undefined;
  }

  /** The co-signed state of a channel that paid for `usageRef` (a batch id), if any. */
  async stateByUsage(channelId: string, usageRef: string): Promise<SignedState | undefined> {
    const row = await this.#db.one<StateRow>(
      `SELECT * FROM settlement_channel_states WHERE channel_id = $1 AND usage_ref = $2`,
      [channelId.toLowerCase(), usageRef.toLowerCase()],
    );
    return row ? toState(row) : undefined;
  }

  /** Records a confirmed batch to pay through the channel with `counterparty` (once: a second call changes nothing). */
  async addUsage(batchId: string, counterparty: string, amount: bigint): Promise<void> {
    await this.#db.exec(
      `INSERT INTO settlement_channel_usage (batch_id, counterparty, amount, status, created_at)
       VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (batch_id) DO NOTHING`,
      [batchId.toLowerCase(), counterparty.toLowerCase(), amount.toString(), Math.floor(Date.now() / 1000)],
    );
  }

  usage(batchId: string): Promise<UsageRow | undefined> {
    return this.#db.one<UsageRow>(`SELECT * FROM settlement_channel_usage WHERE batch_id = $1`, [
      batchId.toLowerCase(),
    ]);
  }

  pendingUsage(limit: number): Promise<UsageRow[]> {
    return this.#db.query<UsageRow>(
      `SELECT * FROM settlement_channel_usage WHERE status = 'pending' ORDER BY batch_id LIMIT $1`,
      [limit],
    );
  }

  async setUsage(
    batchId: string,
    outcome: { status: UsageRow["status"]; channelId?: string; version?: bigint; error?: string },
  ): Promise<void> {
    await this.#db.exec(
      `UPDATE settlement_channel_usage SET status = $2, channel_id = $3, version = $4, error = $5 WHERE batch_id = $1`,
      [
        batchId.toLowerCase(),
        outcome.status,
        outcome.channelId?.toLowerCase() ?? null,
        outcome.version === undefined ? null : Number(outcome.version),
        outcome.error ?? null,
      ],
    );
  }

  async setPeer(channelId: string, url: string, apiKey: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO settlement_channel_peers (channel_id, url, api_key) VALUES ($1, $2, $3)
       ON CONFLICT (channel_id) DO UPDATE SET url = excluded.url, api_key = excluded.api_key`,
      [channelId.toLowerCase(), url, apiKey],
    );
  }

  peer(channelId: string): Promise<{ url: string; api_key: string } | undefined> {
    return this.#db.one(`SELECT url, api_key FROM settlement_channel_peers WHERE channel_id = $1`, [
      channelId.toLowerCase(),
    ]);
  }
}

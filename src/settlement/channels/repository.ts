// What this agent keeps off chain about its channels: every state both members signed (the newest is what the
// watchtower answers a stale close with), and the counterparty agent's URL and the API key that agent issued to this
// member. SQL only.
import type { Queryable, SqlParam } from "../../core/store/store.ts";
import type { SignedState } from "./state.ts";

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
  },
  sigA: row.sig_a as `0x${string}`,
  sigB: row.sig_b as `0x${string}`,
});

export class ChannelRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /**
   * Keeps co-signed states in one statement; the same version twice keeps the first (both are signed by both, so
   * equal).
   */
  async saveStates(states: readonly SignedState[]): Promise<void> {
    if (states.length === 0) return;
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
      );
      return `(${Array.from({ length: 9 }, (_, k) => `$${i * 9 + k + 1}`).join(", ")})`;
    });
    await this.#db.exec(
      `INSERT INTO settlement_channel_states (channel_id, version, balance_a, balance_b, deposit_a, deposit_b,
         is_final, sig_a, sig_b) VALUES ${rows.join(", ")}
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

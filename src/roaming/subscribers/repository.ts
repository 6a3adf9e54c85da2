// The home subscriber register in the agent's store (SQLite or PostgreSQL): the built-in SubscriberRegister, the
// HLR/HSS adapter's SQL implementation. SQL only: callers validate first (validation.ts); a call's subscribers are
// written in one transaction, so a failure changes nothing.
import type { Store } from "../../core/store/store.ts";
import { type ManagedSubscriberRegister, SERVICES, type Subscriber, type SubscriberInput } from "./register.ts";

interface Row {
  imsi: string;
  msisdn: string;
  status: string;
  roaming_allowed: number;
  services: string;
  updated_at: string;
}

const COLUMNS = "imsi, msisdn, status, roaming_allowed, services, updated_at";

const toSubscriber = (r: Row): Subscriber => ({
  imsi: r.imsi,
  msisdn: r.msisdn,
  status: r.status as Subscriber["status"],
  roamingAllowed: Number(r.roaming_allowed) === 1,
  services: JSON.parse(r.services) as Subscriber["services"],
  updatedAt: r.updated_at,
});

export class SqlSubscriberRegister implements ManagedSubscriberRegister {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async lookup(imsi: string): Promise<Subscriber | undefined> {
    const row = await this.#store.one<Row>(`SELECT ${COLUMNS} FROM roaming_subscribers WHERE imsi = $1`, [imsi]);
    return row ? toSubscriber(row) : undefined;
  }

  async upsert(subscribers: readonly SubscriberInput[]): Promise<number> {
    const now = new Date().toISOString();
    await this.#store.transaction(async (tx) => {
      for (const s of subscribers) {
        const services = JSON.stringify(Object.fromEntries(SERVICES.map((k) => [k, s.services[k]])));
        await tx.exec(
          `INSERT INTO roaming_subscribers (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (imsi) DO UPDATE SET msisdn = $2, status = $3, roaming_allowed = $4, services = $5, updated_at = $6`,
          [s.imsi, s.msisdn, s.status, s.roamingAllowed ? 1 : 0, services, now],
        );
      }
    });
    return subscribers.length;
  }

  async remove(imsi: string): Promise<boolean> {
    const { changes } = await this.#store.exec(`DELETE FROM roaming_subscribers WHERE imsi = $1`, [imsi]);
    return changes > 0;
  }

  /** By IMSI, `limit` rows after `after`. */
  async list(page: { limit: number; after?: string }): Promise<Subscriber[]> {
    const rows = await this.#store.query<Row>(
      `SELECT ${COLUMNS} FROM roaming_subscribers WHERE imsi > $1 ORDER BY imsi LIMIT $2`,
      [page.after ?? "", page.limit],
    );
    return rows.map(toSubscriber);
  }

  async count(): Promise<number> {
    const row = await this.#store.one<{ n: number }>(`SELECT COUNT(*) AS n FROM roaming_subscribers`);
    return Number(row?.n ?? 0);
  }
}

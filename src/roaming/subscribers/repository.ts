// The home subscriber register in the agent's store (SQLite or PostgreSQL): the built-in SubscriberRegister, the
// HLR/HSS adapter's SQL implementation. SQL only: callers validate first (validation.ts); a call's subscribers are
// written in one transaction, so a failure changes nothing. A write that re-binds a number to another SIM journals
// the SIM swap in that same transaction (repositorySimSwaps.ts); the journal's listeners hear of it after the commit.
import type { Queryable, Store } from "../../core/store/store.ts";
import {
  type ManagedSubscriberRegister,
  SERVICES,
  type SimBindingOutcome,
  type Subscriber,
  type SubscriberInput,
} from "./register.ts";
import { journalSwap, type SqlSimSwapJournal } from "./repositorySimSwaps.ts";

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

const servicesJson = (s: SubscriberInput) =>
  JSON.stringify(Object.fromEntries(SERVICES.map((k) => [k, s.services[k]])));

async function write(tx: Queryable, s: SubscriberInput, now: string): Promise<void> {
  await tx.exec(
    `INSERT INTO roaming_subscribers (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (imsi) DO UPDATE SET msisdn = $2, status = $3, roaming_allowed = $4, services = $5, updated_at = $6`,
    [s.imsi, s.msisdn, s.status, s.roamingAllowed ? 1 : 0, servicesJson(s), now],
  );
}

/** The SIMs `msisdn` is bound to, the most recently changed first. */
const boundTo = (tx: Queryable, msisdn: string) =>
  tx.query<Row>(`SELECT ${COLUMNS} FROM roaming_subscribers WHERE msisdn = $1 ORDER BY updated_at DESC, imsi`, [
    msisdn,
  ]);

export class SqlSubscriberRegister implements ManagedSubscriberRegister {
  readonly #store: Store;
  readonly #swaps: SqlSimSwapJournal;

  constructor(store: Store, swaps: SqlSimSwapJournal) {
    this.#store = store;
    this.#swaps = swaps;
  }

  async lookup(imsi: string): Promise<Subscriber | undefined> {
    const row = await this.#store.one<Row>(`SELECT ${COLUMNS} FROM roaming_subscribers WHERE imsi = $1`, [imsi]);
    return row ? toSubscriber(row) : undefined;
  }

  async upsert(subscribers: readonly SubscriberInput[]): Promise<number> {
    const now = new Date().toISOString();
    const swaps = await this.#store.transaction(async (tx) => {
      let swapped = 0;
      for (const s of subscribers) {
        // A number bound to other SIMs only, now bound to this one too: a SIM swap (a first binding is not one).
        const bound = await boundTo(tx, s.msisdn);
        const previous = bound[0];
        if (previous && !bound.some((b) => b.imsi === s.imsi)) {
          await journalSwap(tx, { msisdn: s.msisdn, previousImsi: previous.imsi, imsi: s.imsi, swappedAt: now });
          swapped += 1;
        }
        await write(tx, s, now);
      }
      return swapped;
    });
    if (swaps > 0) this.#swaps.notify();
    return subscribers.length;
  }

  async bindSim(msisdn: string, imsi: string): Promise<SimBindingOutcome> {
    const now = new Date().toISOString();
    const result = await this.#store.transaction(async (tx): Promise<SimBindingOutcome> => {
      const bound = await boundTo(tx, msisdn);
      const current = bound[0];
      if (!current) return { outcome: "no-subscriber" };
      const target = await tx.one<Row>(`SELECT ${COLUMNS} FROM roaming_subscribers WHERE imsi = $1`, [imsi]);
      if (target && target.msisdn !== msisdn) return { outcome: "sim-in-use" };
      // The number leaves every other SIM; the subscription (status, roaming, services) moves with it.
      await tx.exec(`DELETE FROM roaming_subscribers WHERE msisdn = $1 AND imsi <> $2`, [msisdn, imsi]);
      if (target) return { outcome: "unchanged", subscriber: toSubscriber(target) };
      const subscriber = { ...toSubscriber(current), imsi, updatedAt: now };
      await write(tx, subscriber, now);
      const swap = await journalSwap(tx, { msisdn, previousImsi: current.imsi, imsi, swappedAt: now });
      return { outcome: "swapped", subscriber, previousImsi: current.imsi, swapId: swap.swapId, swappedAt: now };
    });
    if (result.outcome === "swapped") this.#swaps.notify();
    return result;
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

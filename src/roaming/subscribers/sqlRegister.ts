// SubscriberRegister over the agent's store (SQLite or PostgreSQL): the home operator's subscribers as the roaming
// answer needs them. Writes are validated first and applied in one transaction: a bad row changes nothing.
import type { Store } from "../../core/store/store.ts";
import { invalidRoamingInput } from "../errors.ts";
import { parseImsi } from "../imsi.ts";
import {
  type ManagedSubscriberRegister,
  SERVICES,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberInput,
} from "./register.ts";

interface Row {
  imsi: string;
  msisdn: string;
  status: string;
  roaming_allowed: number;
  services: string;
  updated_at: string;
}

const toSubscriber = (r: Row): Subscriber => ({
  imsi: r.imsi,
  msisdn: r.msisdn,
  status: r.status as Subscriber["status"],
  roamingAllowed: Number(r.roaming_allowed) === 1,
  services: JSON.parse(r.services) as Subscriber["services"],
  updatedAt: r.updated_at,
});

/** Checks one subscriber; `field` prefixes the failing field (e.g. "body.items[3]"). */
export function validateSubscriber(input: SubscriberInput, field: string): SubscriberInput {
  parseImsi(input.imsi, `${field}.imsi`);
  if (typeof input.msisdn !== "string" || !/^[1-9][0-9]{6,14}$/.test(input.msisdn)) {
    throw invalidRoamingInput(`${field}.msisdn`, "must be an E.164 number without + (7 to 15 digits)");
  }
  if (!SUBSCRIBER_STATUSES.includes(input.status)) {
    throw invalidRoamingInput(`${field}.status`, `must be one of ${SUBSCRIBER_STATUSES.join(", ")}`);
  }
  if (typeof input.roamingAllowed !== "boolean")
    throw invalidRoamingInput(`${field}.roamingAllowed`, "must be a boolean");
  for (const s of SERVICES) {
    if (typeof input.services?.[s] !== "boolean")
      throw invalidRoamingInput(`${field}.services.${s}`, "must be a boolean");
  }
  return input;
}

export class SqlSubscriberRegister implements ManagedSubscriberRegister {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async lookup(imsi: string): Promise<Subscriber | undefined> {
    const row = await this.#store.one<Row>(`SELECT * FROM roaming_subscribers WHERE imsi = $1`, [imsi]);
    return row ? toSubscriber(row) : undefined;
  }

  async upsert(subscribers: readonly SubscriberInput[]): Promise<number> {
    subscribers.forEach((s, i) => {
      validateSubscriber(s, `items[${i}]`);
    });
    const now = new Date().toISOString();
    await this.#store.transaction(async (tx) => {
      for (const s of subscribers) {
        const services = JSON.stringify(Object.fromEntries(SERVICES.map((k) => [k, s.services[k]])));
        await tx.exec(
          `INSERT INTO roaming_subscribers (imsi, msisdn, status, roaming_allowed, services, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6)
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

  async list(page: { limit: number; after?: string }): Promise<Subscriber[]> {
    const rows = await this.#store.query<Row>(
      `SELECT * FROM roaming_subscribers WHERE imsi > $1 ORDER BY imsi LIMIT $2`,
      [page.after ?? "", page.limit],
    );
    return rows.map(toSubscriber);
  }

  async count(): Promise<number> {
    const row = await this.#store.one<{ n: number }>(`SELECT COUNT(*) AS n FROM roaming_subscribers`);
    return Number(row?.n ?? 0);
  }
}

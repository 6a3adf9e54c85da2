// The seam to the home operator's subscriber register (HLR/HSS). The roaming workflow only needs a lookup by IMSI;
// a production adapter would query the operator's HSS (e.g. over Diameter S6a or its provisioning API) behind the
// same interface. SqlSubscriberRegister (repository.ts) is the built-in implementation in the agent's own store.

export const SERVICES = ["voice", "sms", "data", "volte", "5g"] as const;
export type Service = (typeof SERVICES)[number];
export type ServiceFlags = Record<Service, boolean>;

export const SUBSCRIBER_STATUSES = ["active", "suspended", "barred"] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export interface Subscriber {
  imsi: string;
  /** E.164 without "+". */
  msisdn: string;
  status: SubscriberStatus;
  roamingAllowed: boolean;
  /** What the subscription includes, abroad included when roamingAllowed. */
  services: ServiceFlags;
  updatedAt: string;
}

export type SubscriberInput = Omit<Subscriber, "updatedAt">;

export interface SubscriberRegister {
  lookup(imsi: string): Promise<Subscriber | undefined>;
}

/**
 * What re-binding a number to a SIM did: `swapped` (journalled as a SIM swap), `unchanged` (the number is on that SIM
 * already), `no-subscriber` (no SIM holds the number), `sim-in-use` (the SIM holds another number).
 */
export type SimBindingOutcome =
  | { outcome: "swapped"; subscriber: Subscriber; previousImsi: string; swapId: string; swappedAt: string }
  | { outcome: "unchanged"; subscriber: Subscriber }
  | { outcome: "no-subscriber" }
  | { outcome: "sim-in-use" };

/** The management side of a register this agent owns (the SQL one); a read-only HSS adapter need not offer it. */
export interface ManagedSubscriberRegister extends SubscriberRegister {
  /**
   * Creates or replaces subscribers by IMSI. An item that binds a number already bound to other SIMs to a SIM that
   * did not hold it is a SIM swap, journalled in the same transaction.
   */
  upsert(subscribers: readonly SubscriberInput[]): Promise<number>;
  /** Moves the subscription of `msisdn` onto the SIM `imsi` (a SIM swap): the previous SIM leaves the register. */
  bindSim(msisdn: string, imsi: string): Promise<SimBindingOutcome>;
  remove(imsi: string): Promise<boolean>;
  list(page: { limit: number; after?: string }): Promise<Subscriber[]>;
  count(): Promise<number>;
}

export const noServices = (): ServiceFlags => Object.fromEntries(SERVICES.map((s) => [s, false])) as ServiceFlags;

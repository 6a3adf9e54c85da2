// How many requests the home agent answers per visited operator: at most `limit` in each fixed window of
// `windowSeconds`, counted per VPMN, so one operator flooding this home network (or probing its IMSIs) is refused
// while every other operator is still served. The excess gets the same refusal ("throttled") whatever the IMSI, so
// a throttled answer says nothing about whether the subscriber exists.

export interface VpmnQuotaOptions {
  /** Requests answered per visited operator per window. */
  limit: number;
  windowSeconds: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/** Visited operators tracked before windows that have ended are swept (members of the consortium: few). */
const SWEEP_AT = 10_000;

export class VpmnQuota {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, Window>();

  constructor(options: VpmnQuotaOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error("the VPMN quota must be at least 1");
    if (!Number.isInteger(options.windowSeconds) || options.windowSeconds < 1) {
      throw new Error("the VPMN quota window must be at least 1 s");
    }
    this.#limit = options.limit;
    this.#windowMs = options.windowSeconds * 1000;
  }

  /** Counts one request of `vpmn` at `now` (ms); false when it is over the quota of the current window. */
  take(vpmn: string, now: number): boolean {
    const key = vpmn.toLowerCase();
    let window = this.#windows.get(key);
    if (!window || now - window.startedAt >= this.#windowMs) {
      if (this.#windows.size >= SWEEP_AT) this.#sweep(now);
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit) return false;
    window.count++;
    return true;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#windowMs) this.#windows.delete(key);
    }
  }
}

// One "drain after each event" loop for the agents that follow the indexer and then work through a read-model query
// (port-out signals, traceback answers; the port executor should use it too). Chaining a drain per event made a
// burst of events into as many queries, all but the first finding nothing. Here at most one drain runs and at most
// one follow-up waits: a poke during a drain asks for one more pass (the drain may have queried before the event's
// rows were committed), and any number of further pokes during that drain ask for the same single pass.

export class CoalescingDrain {
  readonly #drain: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | null = null;
  #again = false;

  /** `drain` works until its query finds nothing; its errors go to `onError` and do not stop later pokes. */
  constructor(drain: () => Promise<void>, onError: (error: unknown) => void) {
    this.#drain = drain;
    this.#onError = onError;
  }

  /** Asks for a drain: starts one now, or one follow-up after the running one. */
  poke(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop();
  }

  /** Resolves once every poke so far is drained (never rejects). */
  settled(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #loop(): Promise<void> {
    try {
      do {
        this.#again = false;
        try {
          await this.#drain();
        } catch (error) {
          this.#onError(error);
        }
      } while (this.#again);
    } finally {
      this.#running = null;
    }
  }
}

/**
 * A background worker's drain: woken by its events (`follow`), by a timer for retries, and by `poke`; `stop` waits
 * for the pass under way. The shape of the publishers that work through a journal (identity's SIM-swap recorder,
 * registries' SIM-swap signals).
 */
export class FollowedDrain {
  readonly #drainer: CoalescingDrain;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(drain: () => Promise<void>, onError: (error: unknown) => void, pollMs: number) {
    this.#drainer = new CoalescingDrain(drain, onError);
    this.#pollMs = pollMs;
  }

  /** Drains now, after each event `subscribe` reports, and every pollMs. */
  follow(subscribe: (wake: () => void) => void): void {
    subscribe(() => this.poke());
    this.#timer = setInterval(() => this.poke(), this.#pollMs);
    this.#timer.unref();
    this.poke();
  }

  poke(): void {
    if (!this.#stopped) this.#drainer.poke();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Resolves once every poke so far is drained. */
  settled(): Promise<void> {
    return this.#drainer.settled();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#drainer.settled();
  }
}

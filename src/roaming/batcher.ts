// The batching engine: items for the same destination (a counterpart operator) accumulate until `maxSize` or until
// the oldest has waited `maxDelayMs`, then go out as one flush (one transaction). Several flushes may be in flight at
// once (`maxInFlight`), so the rate is bounded by batch size x transactions per block, not by one attach per tx.
export interface BatcherOptions<T> {
  maxSize: number;
  maxDelayMs: number;
  /** Flushes running at the same time, all destinations together. Default 4. */
  maxInFlight?: number;
  /** Sends one batch; a rejection fails every item of the batch (their callers see it). */
  flush(destination: string, items: T[]): Promise<void>;
}

interface Pending<T> {
  items: T[];
  waiters: Array<{ resolve(): void; reject(error: unknown): void }>;
  timer: NodeJS.Timeout | undefined;
}

export class Batcher<T> {
  readonly #o: Required<BatcherOptions<T>>;
  readonly #pending = new Map<string, Pending<T>>();
  readonly #ready: Array<{ destination: string; batch: Pending<T> }> = [];
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: BatcherOptions<T>) {
    if (!(options.maxSize >= 1)) throw new RangeError("maxSize must be at least 1");
    if (!(options.maxDelayMs >= 0)) throw new RangeError("maxDelayMs must be 0 or more");
    this.#o = { maxInFlight: 4, ...options };
  }

  /** Queues an item; resolves once the batch holding it was flushed. */
  add(destination: string, item: T): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the batcher is closed"));
    let batch = this.#pending.get(destination);
    if (!batch) {
      batch = { items: [], waiters: [], timer: undefined };
      this.#pending.set(destination, batch);
      const b = batch;
      b.timer = setTimeout(() => this.#seal(destination, b), this.#o.maxDelayMs);
    }
    batch.items.push(item);
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.items.length >= this.#o.maxSize) this.#seal(destination, batch);
    return done;
  }

  /** Items waiting, not yet flushed. */
  get queued(): number {
    let n = 0;
    for (const b of this.#pending.values()) n += b.items.length;
    for (const r of this.#ready) n += r.batch.items.length;
    return n;
  }

  /** Flushes everything queued now and waits for every flush in flight. */
  async drain(): Promise<void> {
    for (const [destination, batch] of [...this.#pending]) this.#seal(destination, batch);
    while (this.#running.size > 0 || this.#ready.length > 0) {
      this.#pump();
      await Promise.allSettled([...this.#running]);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  #seal(destination: string, batch: Pending<T>): void {
    if (this.#pending.get(destination) !== batch) return;
    clearTimeout(batch.timer);
    this.#pending.delete(destination);
    this.#ready.push({ destination, batch });
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < this.#o.maxInFlight && this.#ready.length > 0) {
      const { destination, batch } = this.#ready.shift() as { destination: string; batch: Pending<T> };
      const run = this.#o
        .flush(destination, batch.items)
        .then(
          () => {
            for (const w of batch.waiters) w.resolve();
          },
          (error: unknown) => {
            for (const w of batch.waiters) w.reject(error);
          },
        )
        .finally(() => {
          this.#running.delete(run);
          this.#pump();
        });
      this.#running.add(run);
    }
  }
}

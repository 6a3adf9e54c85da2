// The batching engine: items for the same destination (a counterpart operator) accumulate until `maxSize` or until
// the oldest has waited `maxDelayMs`; the destination is then due and goes out as one flush (one transaction) as
// soon as one of `maxInFlight` flush slots is free. Items keep joining a due destination while it waits for a slot,
// so under load each flush carries everything that arrived meanwhile (up to `maxSize`): the rate is bounded by
// batch size x flushes per block, not by one attach per transaction, and not by how often the timer fired.
export interface BatcherOptions<T> {
  maxSize: number;
  maxDelayMs: number;
  /** Flushes running at the same time, all destinations together. Default 4. */
  maxInFlight?: number;
  /** Sends one batch; a rejection fails every item of the batch (their callers see it). */
  flush(destination: string, items: T[]): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Queue<T> {
  items: T[];
  waiters: Waiter[];
  timer: NodeJS.Timeout | undefined;
}

export class Batcher<T> {
  readonly #o: Required<BatcherOptions<T>>;
  readonly #queues = new Map<string, Queue<T>>();
  /** Destinations whose items should go out now, oldest first; each at most once. */
  readonly #due = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: BatcherOptions<T>) {
    if (!(options.maxSize >= 1)) throw new RangeError("maxSize must be at least 1");
    if (!(options.maxDelayMs >= 0)) throw new RangeError("maxDelayMs must be 0 or more");
    if (options.maxInFlight !== undefined && !(options.maxInFlight >= 1)) {
      throw new RangeError("maxInFlight must be at least 1");
    }
    this.#o = { maxInFlight: 4, ...options };
  }

  /** Queues an item; resolves once the batch holding it was flushed. */
  add(destination: string, item: T): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the batcher is closed"));
    let queue = this.#queues.get(destination);
    if (!queue) {
      queue = { items: [], waiters: [], timer: undefined };
      this.#queues.set(destination, queue);
      queue.timer = setTimeout(() => this.#markDue(destination), this.#o.maxDelayMs);
    }
    queue.items.push(item);
    const queued = queue;
    const done = new Promise<void>((resolve, reject) => queued.waiters.push({ resolve, reject }));
    if (queue.items.length >= this.#o.maxSize) this.#markDue(destination);
    return done;
  }

  /** Items waiting, not yet handed to a flush. */
  get queued(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.items.length;
    return n;
  }

  /** Flushes everything queued now and waits for every flush in flight. */
  async drain(): Promise<void> {
    for (const destination of this.#queues.keys()) this.#markDue(destination);
    while (this.#running.size > 0 || this.#due.size > 0) {
      this.#pump();
      await Promise.allSettled([...this.#running]);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  #markDue(destination: string): void {
    if (!this.#queues.has(destination)) return;
    this.#due.add(destination);
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < this.#o.maxInFlight && this.#due.size > 0) {
      const destination = this.#due.values().next().value as string;
      this.#due.delete(destination);
      const queue = this.#queues.get(destination);
      if (!queue) continue;
      const items = queue.items.splice(0, this.#o.maxSize);
      const waiters = queue.waiters.splice(0, this.#o.maxSize);
      if (queue.items.length === 0) {
        clearTimeout(queue.timer);
        this.#queues.delete(destination);
      } else {
        // What is left arrived while the destination waited for a slot: it goes out with the next free one.
        this.#due.add(destination);
      }
      const run = this.#o
        .flush(destination, items)
        .then(
          () => {
            for (const w of waiters) w.resolve();
          },
          (error: unknown) => {
            for (const w of waiters) w.reject(error);
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

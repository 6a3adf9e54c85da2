// A FIFO async mutex. SQLite has one connection shared by every caller, so while a transaction awaits between its
// statements nobody else may use the connection, or their statements would silently become part of it.

export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs fn once every earlier holder has finished; fn's failure does not block later callers. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

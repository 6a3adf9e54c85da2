// Callers waiting for a session to be decided (POST /attach and GET /sessions/{id} with waitMs): woken when the
// session leaves the open states, or at their timeout, whichever comes first. In memory: a waiter lives no longer
// than its HTTP request.
export class SessionWaiters {
  readonly #waiters = new Map<string, Array<() => void>>();

  /** Resolves at the next wake(id) or after timeoutMs. */
  async wait(id: string, timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      const list = this.#waiters.get(id) ?? [];
      list.push(done);
      this.#waiters.set(id, list);
    });
    this.#waiters.delete(id);
  }

  wake(id: string): void {
    for (const done of this.#waiters.get(id) ?? []) done();
  }
}

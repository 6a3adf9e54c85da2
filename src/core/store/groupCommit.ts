// Group commit: writes asked for while one is being committed wait and go together in the next one. Each commit of a
// durable store ends in an fsync (milliseconds on a real disk) and node:sqlite blocks the event loop meanwhile, so
// one commit per caller caps a busy writer at a few hundred commits a second whatever the CPU; gathering the
// callers of that moment into one statement pays the fsync once for all of them. A caller's promise resolves once its
// items are durable. Should a shared commit fail (nothing of it is stored), each of its callers is committed alone, so
// one caller's bad items refuse that caller only.

interface Waiting<T> {
  items: readonly T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T> {
  readonly #write: (items: readonly T[]) => Promise<void>;
  readonly #maxItems: number;
  #waiting: Waiting<T>[] = [];
  #writing = false;

  /** `write` commits its items at once (one statement or one transaction); a commit takes at most `maxItems`. */
  constructor(write: (items: readonly T[]) => Promise<void>, maxItems: number) {
    this.#write = write;
    this.#maxItems = maxItems;
  }

  /** Resolves once `items` are committed (with whatever else was waiting then). */
  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ items, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        // whole callers only, up to maxItems (a caller larger than that goes alone)
        let count = 0;
        let taken = 0;
        for (const w of this.#waiting) {
          if (taken > 0 && count + w.items.length > this.#maxItems) break;
          count += w.items.length;
          taken++;
        }
        const group = this.#waiting.splice(0, taken);
        try {
          await this.#write(group.flatMap((w) => w.items));
          for (const w of group) w.resolve();
        } catch (error) {
          if (group.length === 1) (group[0] as Waiting<T>).reject(error);
          else await this.#oneByOne(group);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  /** After a shared commit failed: each caller alone, so that only the one whose items fail is refused. */
  async #oneByOne(group: readonly Waiting<T>[]): Promise<void> {
    for (const w of group) {
      try {
        await this.#write(w.items);
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }
  }
}

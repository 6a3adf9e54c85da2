// Where the phone wallet keeps its keys on the "device": IndexedDB in the browser (a CryptoKey is stored as itself, by
// structured clone, so its non-extractable private half is never serialised by the page), or memory in unit tests.
import type { DeviceKey } from "./deviceCrypto.ts";

export interface StoredKey extends DeviceKey {
  /** The hub owner key (one per wallet) or a relationship's pairwise key. */
  role: "owner" | "pairwise";
  /** For a pairwise key: the peer's DID. */
  peer?: string;
  createdAt: string;
}

export interface WalletStore {
  load(): Promise<StoredKey[]>;
  save(key: StoredKey): Promise<void>;
  /** Forgets every key (the demo's "new phone"). */
  clear(): Promise<void>;
}

export class MemoryWalletStore implements WalletStore {
  readonly #keys = new Map<string, StoredKey>();
  async load() {
    return [...this.#keys.values()];
  }
  async save(key: StoredKey) {
    this.#keys.set(key.did, key);
  }
  async clear() {
    this.#keys.clear();
  }
}

const DB = "telco-ledger-phone-wallet";
const KEYS = "keys";

export class IndexedDbWalletStore implements WalletStore {
  #db: Promise<IDBDatabase> | undefined;

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(KEYS, { keyPath: "did" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.#db;
  }

  async #run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const request = work(db.transaction(KEYS, mode).objectStore(KEYS));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async load(): Promise<StoredKey[]> {
    return this.#run("readonly", (s) => s.getAll() as IDBRequest<StoredKey[]>);
  }
  async save(key: StoredKey): Promise<void> {
    await this.#run("readwrite", (s) => s.put(key));
  }
  async clear(): Promise<void> {
    await this.#run("readwrite", (s) => s.clear());
  }
}

// The in-memory answer to "is this device blocked?": an open-addressing hash set of the first 64 bits of each keyed
// hash that some live report holds. Keyed hashes are uniformly random, so their low bits are the slot and no hash
// function is needed; two typed arrays instead of a Map (a Map holds at most 2^24 entries and costs about 80 bytes a
// key, this costs 9 bytes a slot). A 64-bit prefix is a false positive with probability n / 2^64 (1e-11 at 200 M
// devices); the API confirms every hit against the read model, which holds the whole hash.

const EMPTY = 0;
const ACTIVE = 1;
/** A device that was blocked and is no longer: its slot stays taken so that probing goes on past it. */
const INACTIVE = 2;
const MAX_LOAD = 0.7;

export class DeviceIndex {
  #keys: Uint32Array;
  #states: Uint8Array;
  #mask: number;
  #used = 0;
  #active = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.#keys = new Uint32Array(capacity * 2);
    this.#states = new Uint8Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Devices currently blocked. */
  get size(): number {
    return this.#active;
  }

  /** Whether `device` (0x-prefixed 32-byte hex, any case) is blocked by some live report. */
  has(device: string): boolean {
    const slot = this.#find(prefixHi(device), prefixLo(device));
    return slot >= 0 && this.#states[slot] === ACTIVE;
  }

  /** Marks `device` blocked or not. Idempotent: setting the same state twice changes nothing. */
  set(device: string, blocked: boolean): void {
    const hi = prefixHi(device);
    const lo = prefixLo(device);
    const found = this.#find(hi, lo);
    if (found >= 0) {
      const was = this.#states[found] === ACTIVE;
      if (was !== blocked) {
        this.#states[found] = blocked ? ACTIVE : INACTIVE;
        this.#active += blocked ? 1 : -1;
      }
      return;
    }
    if (!blocked) return;
    if ((this.#used + 1) / this.#states.length > MAX_LOAD) this.#grow();
    this.#insert(hi, lo);
    this.#active++;
  }

  clear(): void {
    this.#keys.fill(0);
    this.#states.fill(EMPTY);
    this.#used = 0;
    this.#active = 0;
  }

  #find(hi: number, lo: number): number {
    const keys = this.#keys;
    const states = this.#states;
    let slot = lo & this.#mask;
    while (states[slot] !== EMPTY) {
      if (keys[slot * 2] === hi && keys[slot * 2 + 1] === lo) return slot;
      slot = (slot + 1) & this.#mask;
    }
    return -1;
  }

  #insert(hi: number, lo: number): void {
    let slot = lo & this.#mask;
    while (this.#states[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
    this.#keys[slot * 2] = hi;
    this.#keys[slot * 2 + 1] = lo;
    this.#states[slot] = ACTIVE;
    this.#used++;
  }

  // Doubles the table, keeping only active devices (inactive slots are dropped here, so churn does not fill it).
  #grow(): void {
    const keys = this.#keys;
    const states = this.#states;
    const capacity = this.#active * 2 > states.length ? states.length * 2 : states.length;
    this.#keys = new Uint32Array(capacity * 2);
    this.#states = new Uint8Array(capacity);
    this.#mask = capacity - 1;
    this.#used = 0;
    for (let slot = 0; slot < states.length; slot++) {
      if (states[slot] === ACTIVE) this.#insert(keys[slot * 2] as number, keys[slot * 2 + 1] as number);
    }
  }
}

// "0x" + 64 hex digits: bits 0-31 are hex digits 2..9, bits 32-63 are 10..17.
const prefixHi = (device: string): number => Number.parseInt(device.slice(2, 10), 16) >>> 0;
const prefixLo = (device: string): number => Number.parseInt(device.slice(10, 18), 16) >>> 0;

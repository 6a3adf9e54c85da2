// The consortium key in use: loaded once, replaced through the API (PUT /v1/registries/key). Every member's agent
// must hold the same key to find the same devices; the fingerprint lets members compare without showing the key.
import { createHmac } from "node:crypto";
import type { Hex } from "viem";
import type { FieldPath } from "../core/errors/index.ts";
import { RegistriesError } from "./errors.ts";
import { imeiDigits, keyedDeviceHash, keyFingerprint } from "./imei.ts";
import type { ConsortiumKeyRepository } from "./repository.ts";

const noKey = () =>
  new RegistriesError(
    "REGISTRIES_NO_CONSORTIUM_KEY",
    "this agent holds no consortium key: set it with PUT /v1/registries/key (telco-ledger registries key set)",
  );

export class ConsortiumKey {
  readonly #repository: ConsortiumKeyRepository;
  readonly #listeners: Array<() => void> = [];
  #key: Uint8Array | undefined;
  #fingerprint: string | undefined;

  constructor(repository: ConsortiumKeyRepository) {
    this.#repository = repository;
  }

  async load(): Promise<void> {
    const stored = await this.#repository.load();
    if (stored) this.#use(Buffer.from(stored.keyHex, "hex"));
  }

  /** The fingerprint of the key in use, or null before one is set. */
  get fingerprint(): string | null {
    return this.#fingerprint ?? null;
  }

  /** Stores `keyHex` (0x and 64 hex digits, checked by the route's schema) as the key in use. */
  async set(keyHex: string): Promise<string> {
    const key = Buffer.from(keyHex.slice(2), "hex");
    const fingerprint = keyFingerprint(key);
    await this.#repository.save(key.toString("hex"), fingerprint, new Date().toISOString());
    this.#use(key);
    for (const listener of this.#listeners) listener();
    return fingerprint;
  }

  /** `listener` runs after each `set` (work waiting for a key can start). */
  onSet(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** The keyed hash of an IMEI (validated, naming `field`). */
  hashImei(imei: string, field: FieldPath): Hex {
    const digits = imeiDigits(imei, field);
    if (!this.#key) throw noKey();
    return keyedDeviceHash(this.#key, digits);
  }

  /**
   * The keyed digest of a call (traceback): its PASSporT origid, calling and called numbers and time, so the chain
   * names a call without showing its numbers.
   */
  hashCall(call: { origid: string; orig: string; dest: string; iat: number }): Hex {
    return this.#hmac(`call:${call.origid.toLowerCase()}|${call.orig}|${call.dest}|${call.iat}`);
  }

  /** The keyed digest of an E.164 number (a fraud signal's subject). */
  hashNumber(number: string): Hex {
    return this.#hmac(`tn:${number}`);
  }

  #hmac(message: string): Hex {
    if (!this.#key) throw noKey();
    return `0x${createHmac("sha256", this.#key).update(message).digest("hex")}`;
  }

  #use(key: Uint8Array): void {
    this.#key = key;
    this.#fingerprint = keyFingerprint(key);
  }
}

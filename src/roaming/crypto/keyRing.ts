// The operator's P-256 key-agreement keys (JWE ECDH-ES and the pairwise pseudonym key), held by the agent's keystore
// under the label "roaming-enc": the keystore does the ECDH, no private key ever leaves it.
//
// Rotation keeps old keys: the newest unretired key is current (peers encrypt to it); an older one was replaced when
// its successor was created and still decrypts requests in flight until replacedAt + grace, then dropExpired retires
// it in the keystore, after which it derives nothing.
import type { Keystore } from "../../core/identity/keystore.ts";
import { RoamingError } from "../errors.ts";
import type { EncryptionPublicJwk } from "./jwk.ts";

export const ENCRYPTION_KEY_LABEL = "roaming-enc";

export interface EncryptionKeyInfo {
  kid: string;
  /** Uncompressed SEC1 point 0x04 || x || y, hex with 0x: what the DID document publishes. */
  publicKeyHex: `0x${string}`;
  createdAt: string;
  /** Set when a newer key replaced it: it then only decrypts, until usableUntil. */
  retiredAt: string | null;
  usableUntil: string | null;
}

export interface EncryptionKeyRingOptions {
  /** How long a replaced key still decrypts, when the rotation did not say (e.g. after a restart). */
  graceSeconds: number;
}

export class EncryptionKeyRing {
  readonly #keystore: Keystore;
  readonly #defaultGrace: number;
  /** Grace chosen at rotation time, per replaced kid (in memory; after a restart the default applies). */
  readonly #grace = new Map<string, number>();
  /** list() is on the path of every decryption: computed once per change of the key set. */
  #cached: EncryptionKeyInfo[] | undefined;

  constructor(keystore: Keystore, options: EncryptionKeyRingOptions) {
    this.#keystore = keystore;
    this.#defaultGrace = options.graceSeconds;
  }

  /** Usable keys, oldest first, with their replacement times. */
  list(): EncryptionKeyInfo[] {
    this.#cached ??= this.#compute();
    return this.#cached.map((k) => ({ ...k }));
  }

  #compute(): EncryptionKeyInfo[] {
    const live = this.#keystore
      .list()
      .filter((k) => k.kind === "p256" && k.label === ENCRYPTION_KEY_LABEL && k.retiredAt === null);
    return live.map((k, i) => {
      const successor = live[i + 1];
      if (!successor) {
        return { kid: k.kid, publicKeyHex: k.publicKeyHex, createdAt: k.createdAt, retiredAt: null, usableUntil: null };
      }
      const grace = this.#grace.get(k.kid) ?? this.#defaultGrace;
      const until = new Date(Date.parse(successor.createdAt) + grace * 1000).toISOString();
      return {
        kid: k.kid,
        publicKeyHex: k.publicKeyHex,
        createdAt: k.createdAt,
        retiredAt: successor.createdAt,
        usableUntil: until,
      };
    });
  }

  /** The newest key: the one peers encrypt to. */
  current(): EncryptionKeyInfo | undefined {
    return this.list().at(-1);
  }

  has(kid: string): boolean {
    this.#cached ??= this.#compute();
    return this.#cached.some((k) => k.kid === kid);
  }

  publicJwk(kid: string): EncryptionPublicJwk {
    this.#live(kid);
    return this.#keystore.publicJwk(kid);
  }

  /** Raw ECDH with a peer's public key, done inside the keystore; ROAMING_KEY_NOT_FOUND once dropped. */
  sharedSecret(kid: string, peer: Pick<EncryptionPublicJwk, "x" | "y">): Buffer {
    this.#live(kid);
    return Buffer.from(this.#keystore.deriveSharedSecret(kid, { kty: "EC", crv: "P-256", x: peer.x, y: peer.y }));
  }

  /**
   * Creates a new current key. The previous current key stays usable for decryption for `graceSeconds` (at least the
   * longest request lifetime), so requests already encrypted to it still complete.
   */
  async rotate(graceSeconds: number): Promise<EncryptionKeyInfo> {
    const previous = this.current();
    if (previous) {
      this.#grace.set(previous.kid, graceSeconds);
      // createdAt (milliseconds) orders the keys: never let two share one.
      while (new Date().toISOString() <= previous.createdAt) await new Promise((r) => setTimeout(r, 1));
    }
    const created = await this.#keystore.create({ kind: "p256", label: ENCRYPTION_KEY_LABEL });
    this.#cached = undefined;
    const info = this.list().find((k) => k.kid === created.kid);
    if (!info) throw new Error(`the new key ${created.kid} is not in the keystore`);
    return info;
  }

  /** Retires (in the keystore) replaced keys past their grace period; returns the kids dropped. */
  async dropExpired(now = new Date()): Promise<string[]> {
    const expired = this.list().filter((k) => k.usableUntil !== null && k.usableUntil <= now.toISOString());
    for (const key of expired) {
      await this.#keystore.retire(key.kid);
      this.#grace.delete(key.kid);
      this.#cached = undefined;
    }
    return expired.map((k) => k.kid);
  }

  #live(kid: string): void {
    if (!this.has(kid)) {
      throw new RoamingError("ROAMING_KEY_NOT_FOUND", `no encryption key ${kid} (unknown or expired)`);
    }
  }
}

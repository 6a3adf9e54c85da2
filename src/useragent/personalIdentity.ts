// The person's public identity, beside their pairwise DIDs: a did:ethr of a secp256k1 key generated on the device and
// kept in the wallet's keystore. It is what others must be able to check without a relationship: the holder named in
// an ID file their operator vouches for (IDM-002), the signer of a consent that lets a relying member reuse that
// vouching, and the signer of their own social attestations (IDM-004). One per wallet, made on first use; the person
// shows it only where they choose to be recognisable (pairwise DIDs stay unlinkable to it and to each other).
import type { Address, Hex } from "viem";
import { formatDid } from "../core/identity/didEthr.ts";
import { invalidInput } from "../core/identity/errors.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import {
  consentMessage,
  fingerprintOf,
  type IdDocument,
  type IdFile,
  newIdFile,
  type ReuseConsent,
  type UnsignedConsent,
} from "../identity/assurance/idFile.ts";

/** Keystore label of the key behind the person's public did:ethr (one per wallet). */
export const PERSONAL_KEY_LABEL = "person's public did:ethr key";
/** The longest a consent may be valid for: a relying member reuses a vouching for one onboarding, not for ever. */
export const MAX_CONSENT_SECONDS = 30 * 24 * 3600;

export class PersonalIdentity {
  readonly #keystore: Keystore;

  constructor(keystore: Keystore) {
    this.#keystore = keystore;
  }

  /** The key's address, the key generated (and sealed in the keystore) the first time. */
  async address(): Promise<Address> {
    const existing = this.#keystore
      .list()
      .find((k) => k.kind === "secp256k1" && k.retiredAt === null && k.label === PERSONAL_KEY_LABEL);
    const key = existing ?? (await this.#keystore.create({ kind: "secp256k1", label: PERSONAL_KEY_LABEL }));
    if (!key.address) throw new Error("a secp256k1 key has an address");
    return key.address as Address;
  }

  /** The person's did:ethr on the chain with `chainId`. */
  async did(chainId: number): Promise<string> {
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw invalidInput("chainId", "must be a positive integer");
    return formatDid(chainId, await this.address());
  }

  /** A new ID file held by this person (fresh salt): what their operator checks and vouches for. */
  async idFile(chainId: number, data: Record<string, string>, documents: IdDocument[]): Promise<IdFile> {
    return newIdFile(await this.did(chainId), data, documents);
  }

  /** The person's consent that `relyingMember` may reuse the vouchings of `file`, valid `ttlSeconds` from `now`. */
  async consent(file: IdFile, relyingMember: Address, ttlSeconds: number, now: number): Promise<ReuseConsent> {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_CONSENT_SECONDS) {
      throw invalidInput("ttlSeconds", `must be an integer from 1 to ${MAX_CONSENT_SECONDS}`);
    }
    const address = await this.address();
    if (!file.holder.toLowerCase().endsWith(address.toLowerCase())) {
      throw invalidInput("file.holder", `this wallet's key is ${address}, not the file's holder ${file.holder}`);
    }
    const unsigned: UnsignedConsent = {
      type: "KycReuseConsent",
      fingerprint: fingerprintOf(file),
      holder: file.holder,
      relyingMember,
      issuedAt: now,
      expiresAt: now + ttlSeconds,
    };
    const signature = await this.#keystore.account(address).signMessage({ message: consentMessage(unsigned) });
    return { ...unsigned, signature };
  }

  /** EIP-191 signature of a 32-byte digest an agent gave (a person's attestation or its withdrawal). */
  async signDigest(digest: Hex): Promise<Hex> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) throw invalidInput("digest", "must be 0x and 64 hex digits");
    return this.#keystore.account(await this.address()).signMessage({ message: { raw: digest } });
  }
}

// The subscriber's ID file (IDM-002) and the consent to reuse its vouching (KYC reuse), off chain. The file is JSON:
// structured data, document scans (bytes, base64) and a random 32-byte salt. Its fingerprint is
// keccak256(salt || utf8(canonical JSON of the file without its salt)), canonical = keys sorted, no spaces (RFC 8785
// for the strings, booleans and integers the schema allows). Only the fingerprint goes on chain; without the salt a
// guessed file cannot be confirmed against it.
import { randomBytes } from "node:crypto";
import {
  type Address,
  bytesToHex,
  concat,
  type Hex,
  hexToBytes,
  keccak256,
  recoverMessageAddress,
  toBytes,
} from "viem";
import { canonicalJson } from "../../core/canonicalJson.ts";

export { canonicalJson };

export interface IdDocument {
  /** What the scan is ("passport", "utility-bill" ...). */
  kind: string;
  mediaType: string;
  /** The scan's bytes, base64. */
  content: string;
}

export interface IdFile {
  version: 1;
  /** 0x + 64 hex: random, chosen by the subscriber's device, kept in the file. */
  salt: Hex;
  /** The subscriber's DID (did:ethr), whose key signs consents to reuse. */
  holder: string;
  /** Structured data (names, date of birth, document numbers ...): strings only. */
  data: Record<string, string>;
  documents: IdDocument[];
}

/** keccak256(salt || canonical file without its salt). */
export function fingerprintOf(file: IdFile): Hex {
  const { salt, ...rest } = file;
  return keccak256(concat([hexToBytes(salt), toBytes(canonicalJson(rest))]));
}

/** A new ID file with a fresh random salt (what the subscriber's device does). */
export function newIdFile(holder: string, data: Record<string, string>, documents: IdDocument[]): IdFile {
  return { version: 1, salt: bytesToHex(randomBytes(32)), holder, data, documents };
}

/**
 * The subscriber's consent that `relyingMember` may reuse the vouching of the file with `fingerprint`: signed with the
 * holder's did:ethr key (EIP-191 personal_sign over the canonical JSON of the consent without its signature).
 */
export interface ReuseConsent {
  type: "KycReuseConsent";
  fingerprint: Hex;
  holder: string;
  relyingMember: Address;
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
  signature: Hex;
}

export type UnsignedConsent = Omit<ReuseConsent, "signature">;

export function consentMessage(consent: UnsignedConsent): string {
  const { type, fingerprint, holder, relyingMember, issuedAt, expiresAt } = consent;
  return canonicalJson({
    type,
    fingerprint: fingerprint.toLowerCase(),
    holder,
    relyingMember: relyingMember.toLowerCase(),
    issuedAt,
    expiresAt,
  });
}

/** The address a did:ethr names (did:ethr:0x..., or did:ethr:<network>:0x...), or undefined. */
export function didEthrAddress(did: string): Address | undefined {
  const match = /^did:ethr:(?:[a-z0-9:]+:)?(0x[0-9a-fA-F]{40})$/.exec(did);
  return match ? (match[1]?.toLowerCase() as Address) : undefined;
}

export type ConsentProblem =
  | "wrong-file"
  | "wrong-holder"
  | "wrong-relying-member"
  | "expired"
  | "not-yet-valid"
  | "bad-signature";

/** What is wrong with a consent presented with `file` to `relyingMember` at `now`, or undefined when it holds. */
export async function consentProblem(
  consent: ReuseConsent,
  file: IdFile,
  relyingMember: Address,
  now: number,
): Promise<ConsentProblem | undefined> {
  if (consent.fingerprint.toLowerCase() !== fingerprintOf(file)) return "wrong-file";
  if (consent.holder !== file.holder) return "wrong-holder";
  if (consent.relyingMember.toLowerCase() !== relyingMember.toLowerCase()) return "wrong-relying-member";
  if (consent.issuedAt > now + 300) return "not-yet-valid";
  if (consent.expiresAt <= now) return "expired";
  const holder = didEthrAddress(consent.holder);
  if (!holder) return "wrong-holder";
  const { signature, ...unsigned } = consent;
  let signer: Address;
  try {
    signer = await recoverMessageAddress({ message: consentMessage(unsigned), signature });
  } catch {
    return "bad-signature";
  }
  return signer.toLowerCase() === holder ? undefined : "bad-signature";
}

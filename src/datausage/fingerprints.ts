// Salted fingerprints of a data usage contract (no linkability: fresh salts per contract, so the same subject, data
// or policy gives unrelated hashes in two contracts), canonical JSON so a hash is reproducible by anyone holding the
// document, and the ISO/IEC TS 27560-shaped consent record whose hash goes on chain.
import { randomBytes, randomUUID } from "node:crypto";
import { type Address, bytesToHex, encodeAbiParameters, type Hex, keccak256, stringToHex } from "viem";
import { canonicalJson } from "../core/canonicalJson.ts";
import { type OdrlPolicy, policyStructure } from "./odrl.ts";

export const randomHex32 = (): Hex => bytesToHex(randomBytes(32));

/** keccak256(salt || canonical JSON of value): a one-way fingerprint nobody can test guesses against without the salt. */
export function fingerprint(salt: Hex, value: unknown): Hex {
  return keccak256(`${salt}${stringToHex(canonicalJson(value)).slice(2)}`);
}

/** The unsalted hash of the policy's structure: equal for two policies of the same shape, whatever their values. */
export const structureHash = (policy: OdrlPolicy): Hex =>
  keccak256(stringToHex(canonicalJson(policyStructure(policy))));

export const documentHash = (document: unknown): Hex => keccak256(stringToHex(canonicalJson(document)));

/** The commitment a revocation secret opens (IDataUsage: keccak256(abi.encode(secret))). */
export const revocationCommitment = (secret: Hex): Hex =>
  keccak256(encodeAbiParameters([{ type: "bytes32" }], [secret]));

export interface Salts {
  subject: Hex;
  data: Hex;
  policy: Hex;
  consent: Hex;
}

export const freshSalts = (): Salts => ({
  subject: randomHex32(),
  data: randomHex32(),
  policy: randomHex32(),
  consent: randomHex32(),
});

/**
 * A consent record shaped as ISO/IEC TS 27560 (consent record information structure): the PII principal appears only
 * as a salted pseudonym, the purposes, PII categories, processing and recipients as the policy states them, and the
 * notice the subject agreed to. The salt inside makes the record's on-chain hash resistant to guessing.
 */
export interface ConsentRecord {
  schemaVersion: "ISO/IEC TS 27560:2023";
  recordId: string;
  piiPrincipalId: Hex;
  piiController: { id: Address; name: string };
  purposes: { purpose: string; lawfulBasis: "consent"; piiCategories: string[]; processing: string[] }[];
  recipients: Address[];
  consentTimestamp: string;
  consentState: "active";
  policyFingerprint: Hex;
  notice: string;
  salt: Hex;
}

export function consentRecord(input: {
  subjectPseudonym: Hex;
  controller: { id: Address; name: string };
  purposes: string[];
  categories: string[];
  processing: string[];
  recipients: Address[];
  policyFingerprint: Hex;
  notice: string;
  salt: Hex;
  at: Date;
}): ConsentRecord {
  return {
    schemaVersion: "ISO/IEC TS 27560:2023",
    recordId: randomUUID(),
    piiPrincipalId: input.subjectPseudonym,
    piiController: input.controller,
    purposes: input.purposes.map((purpose) => ({
      purpose,
      lawfulBasis: "consent",
      piiCategories: input.categories,
      processing: input.processing,
    })),
    recipients: input.recipients,
    consentTimestamp: input.at.toISOString(),
    consentState: "active",
    policyFingerprint: input.policyFingerprint,
    notice: input.notice,
    salt: input.salt,
  };
}

// OEM certificates on the ledger, and device certificate chains checked against them. An OEM attests its X.509 root
// (or intermediate) certificate with the `oem-certificate` schema: the subject is the certificate's SHA-256
// fingerprint (a hash of a public certificate, no personal data). A device presents its chain (device -> model ->
// OEM certificate, PEM); the chain is trusted when, walking up from the device certificate, it reaches a certificate
// attested by a vetted OEM (valid: not revoked, not expired), every link below it signed by the next, every issuer a
// CA allowed to sign certificates, and every certificate up to the anchor within its validity period.
// The X.509 parsing and signature checks are @peculiar/x509's.
import "reflect-metadata";
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509Certificate } from "@peculiar/x509";
import type { Address, Hex } from "viem";
import { invalidField } from "../core/errors/index.ts";
import { IotError } from "./errors.ts";
import { ATTESTER_KINDS } from "./kinds.ts";
import { schemaIdOf } from "./ledger.ts";
import type { NotCountedReason } from "./policy.ts";

export const OEM_CERTIFICATE_SCHEMA = { name: "oem-certificate", definition: "bytes32 sha256,string subjectName" };

/** The `oem-certificate` schema of one OEM: only the OEM's own schema counts, so no other party can define one. */
export const oemCertificateSchemaOf = (oem: Address): Hex =>
  schemaIdOf(oem, OEM_CERTIFICATE_SCHEMA.name, OEM_CERTIFICATE_SCHEMA.definition, true, ATTESTER_KINDS.oem);

export type ChainFailure =
  | "UNTRUSTED_ROOT"
  | "OEM_ATTESTATION_REVOKED"
  | "OEM_ATTESTATION_EXPIRED"
  | "OEM_NOT_VETTED"
  | "SIGNATURE"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "NOT_A_CA";

/** An OEM's attestation of a certificate fingerprint, with why it does not count (undefined: it counts). */
export interface OemAttestation {
  id: Hex;
  oem: Address;
  invalidity: NotCountedReason | undefined;
}

export interface ChainLink {
  subject: string;
  issuer: string;
  sha256: Hex;
  notBefore: string;
  notAfter: string;
}

export interface TrustedChain {
  trusted: true;
  chain: ChainLink[];
  anchor: { index: number; sha256: Hex; attestationId: Hex; oem: Address };
}

export async function fingerprintOf(certificate: X509Certificate): Promise<Hex> {
  return `0x${Buffer.from(await certificate.getThumbprint("SHA-256")).toString("hex")}`;
}

/** Parses the PEM certificates, device certificate first; a malformed one is refused naming its index. */
export function parseChain(pems: readonly string[]): X509Certificate[] {
  return pems.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch {
      throw invalidField(`body.chain[${i}]`, "must be one PEM-encoded X.509 certificate");
    }
  });
}

const REASON_OF: Record<NotCountedReason, ChainFailure> = {
  REVOKED: "OEM_ATTESTATION_REVOKED",
  EXPIRED: "OEM_ATTESTATION_EXPIRED",
  ATTESTER_NOT_VETTED: "OEM_NOT_VETTED",
  ATTESTER_KIND_NOT_ACCEPTED: "OEM_NOT_VETTED",
  ATTESTER_NOT_LISTED: "OEM_NOT_VETTED",
  DATA_UNKNOWN: "UNTRUSTED_ROOT",
  DATA_MISMATCH: "UNTRUSTED_ROOT",
  OUTSIDE_WINDOW: "UNTRUSTED_ROOT",
};

function refuse(reason: ChainFailure, index: number, message: string, extra: Record<string, unknown> = {}): never {
  throw new IotError("IOT_CERT_CHAIN_INVALID", message, {
    field: `body.chain[${index}]`,
    details: { reason, index, ...extra },
  });
}

/**
 * Checks a device's certificate chain against the OEM certificates attested on the ledger (`attestationsOf` answers
 * the OEM attestations of a fingerprint). Answers the trusted chain, or throws IOT_CERT_CHAIN_INVALID with the reason.
 */
export async function verifyChain(
  certificates: readonly X509Certificate[],
  attestationsOf: (sha256: Hex) => OemAttestation[],
  now: Date,
): Promise<TrustedChain> {
  const fingerprints = await Promise.all(certificates.map(fingerprintOf));
  const chain = certificates.map((c, i) => ({
    subject: c.subject,
    issuer: c.issuer,
    sha256: fingerprints[i] as Hex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
  }));
  // The anchor: the first certificate from the device's up with an OEM attestation that counts.
  let anchor: { index: number; attestation: OemAttestation } | undefined;
  let notCounting: { index: number; attestation: OemAttestation } | undefined;
  for (const [index, sha256] of fingerprints.entries()) {
    const attestations = attestationsOf(sha256);
    const valid = attestations.find((a) => a.invalidity === undefined);
    if (valid) {
      anchor = { index, attestation: valid };
      break;
    }
    const [first] = attestations;
    if (first && !notCounting) notCounting = { index, attestation: first };
  }
  if (!anchor) {
    if (notCounting) {
      const { index, attestation } = notCounting;
      const reason = REASON_OF[attestation.invalidity as NotCountedReason];
      refuse(reason, index, `the OEM attestation of certificate ${index} does not count (${attestation.invalidity})`, {
        attestationId: attestation.id,
        oem: attestation.oem,
      });
    }
    refuse("UNTRUSTED_ROOT", certificates.length - 1, "no certificate of the chain is attested by a vetted OEM");
  }
  for (let i = 0; i <= anchor.index; i++) {
    const certificate = certificates[i] as X509Certificate;
    if (now < certificate.notBefore)
      refuse("NOT_YET_VALID", i, `certificate ${i} is not valid before ${chain[i]?.notBefore}`);
    if (now > certificate.notAfter) refuse("EXPIRED", i, `certificate ${i} expired at ${chain[i]?.notAfter}`);
    if (i === anchor.index) break;
    const issuer = certificates[i + 1] as X509Certificate;
    if (!isCa(issuer)) refuse("NOT_A_CA", i + 1, `certificate ${i + 1} is not a CA allowed to sign certificates`);
    const signed =
      certificate.issuer === issuer.subject &&
      (await certificate.verify({ publicKey: issuer, signatureOnly: true }).catch(() => false));
    if (!signed) refuse("SIGNATURE", i, `certificate ${i} is not signed by certificate ${i + 1}`);
  }
  return {
    trusted: true,
    chain: chain.slice(0, anchor.index + 1),
    anchor: {
      index: anchor.index,
      sha256: fingerprints[anchor.index] as Hex,
      attestationId: anchor.attestation.id,
      oem: anchor.attestation.oem,
    },
  };
}

/** A CA by basic constraints, and allowed to sign certificates when it carries a key usage extension. */
function isCa(certificate: X509Certificate): boolean {
  const constraints = certificate.getExtension(BasicConstraintsExtension);
  if (!constraints?.ca) return false;
  const usage = certificate.getExtension(KeyUsagesExtension);
  return !usage || (usage.usages & KeyUsageFlags.keyCertSign) !== 0;
}

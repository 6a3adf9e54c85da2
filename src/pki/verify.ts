// The ledger verifier: checks a certificate against the chain's record of it, not against the certificate alone.
// Valid means: the ledger recorded exactly this certificate (by SHA-256) for an application, it is signed by the
// issuing CA the ledger registered for it, it is within its validity period, its name is the application's, and it
// is not revoked. The answer says who issued it and who attested or endorsed it. Used by the API and the CLI.
import { createHash, webcrypto } from "node:crypto";
import { type Address, bytesToHex, type Hex, hexToBytes } from "viem";
import * as x509 from "./peculiar.ts";
import type { ApplicationView, CaView, Vouch } from "./readModel.ts";

/** What the verifier reads from the ledger (the read model, or a chain reader). */
export interface LedgerFacts {
  applicationByCertificate(sha256: Hex): Promise<ApplicationView | undefined>;
  ca(caHash: Hex): Promise<CaView | undefined>;
  vouches(applicationId: Hex): Promise<Vouch[]>;
}

export type VerificationProblem =
  | "not-on-ledger"
  | "ca-unknown"
  | "bad-signature"
  | "not-yet-valid"
  | "expired"
  | "name-mismatch"
  | "revoked";

export interface Verification {
  valid: boolean;
  problems: VerificationProblem[];
  sha256: Hex;
  serial: string;
  subject: string;
  applicationId: Hex | null;
  kind: string | null;
  identified: boolean | null;
  applicant: Address | null;
  issuer: Address | null;
  validators: Address[];
  endorsers: Address[];
  revocation: ApplicationView["revocation"];
}

export async function verifyCertificate(
  certificate: x509.X509Certificate,
  ledger: LedgerFacts,
  now = new Date(),
): Promise<Verification> {
  const der = new Uint8Array(certificate.rawData);
  const sha256 = `0x${createHash("sha256").update(der).digest("hex")}` as Hex;
  const record = await ledger.applicationByCertificate(sha256);
  const base = { sha256, serial: certificate.serialNumber, subject: certificate.subject };
  if (!record?.certificate) {
    return {
      ...base,
      valid: false,
      problems: ["not-on-ledger"],
      applicationId: null,
      kind: null,
      identified: null,
      applicant: null,
      issuer: null,
      validators: [],
      endorsers: [],
      revocation: null,
    };
  }
  const problems: VerificationProblem[] = [];
  const ca = await ledger.ca(record.certificate.caHash);
  if (!ca) problems.push("ca-unknown");
  else {
    const caCertificate = new x509.X509Certificate(hexToBytes(ca.certificate).slice().buffer as ArrayBuffer);
    const signed = await certificate.verify({ publicKey: caCertificate.publicKey, signatureOnly: true }, webcrypto);
    if (!signed || certificate.issuer !== caCertificate.subject) problems.push("bad-signature");
  }
  if (now < certificate.notBefore) problems.push("not-yet-valid");
  if (now > certificate.notAfter) problems.push("expired");
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items.filter((n) => n.type === "dns").map((n) => n.value.toLowerCase()) ?? [];
  if (!names.includes(record.dnsName.toLowerCase())) problems.push("name-mismatch");
  if (record.revocation) problems.push("revoked");
  const vouches = await ledger.vouches(record.id);
  return {
    ...base,
    valid: problems.length === 0,
    problems,
    applicationId: record.id,
    kind: record.kind,
    identified: record.identified,
    applicant: record.applicant,
    issuer: record.certificate.issuer,
    validators: vouches.filter((v) => v.kind === "domain-control").map((v) => v.member),
    endorsers: vouches.filter((v) => v.kind === "endorsement").map((v) => v.member),
    revocation: record.revocation,
  };
}

export const derHex = (certificate: x509.X509Certificate): Hex => bytesToHex(new Uint8Array(certificate.rawData));

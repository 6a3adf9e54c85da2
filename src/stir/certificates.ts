// STI certificates (ATIS-1000080 profile, RFC 8226): a self-signed STI-CA root and OSP certificates carrying the
// TNAuthList extension with the OSP's SPC. Built with @peculiar/asn1-x509 and signed by a keystore P-256 key through
// a signing function, so private keys never leave the keystore.
import { createHash, createPublicKey, type KeyObject, randomBytes, X509Certificate } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";
import { encodeTnAuthList, rawToDerSignature, TN_AUTH_LIST_OID, type TnAuthEntry } from "./tnAuthList.ts";

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "2.5.4.3";
const ORGANISATION = "2.5.4.10";

/** Signs data like the keystore: ES256, raw r || s. */
export type RawP256Signer = (data: Uint8Array) => Uint8Array;

export interface CertificateSubject {
  commonName: string;
  organisation?: string;
}

function nameOf(subject: CertificateSubject): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ]);
  return new Name([
    ...(subject.organisation ? [rdn(ORGANISATION, subject.organisation)] : []),
    rdn(COMMON_NAME, subject.commonName),
  ]);
}

function spkiOf(publicKey: KeyObject): SubjectPublicKeyInfo {
  return AsnConvert.parse(publicKey.export({ type: "spki", format: "der" }), SubjectPublicKeyInfo);
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bit string. */
function keyIdOf(publicKey: KeyObject): Uint8Array {
  const spki = spkiOf(publicKey);
  return createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
}

const ext = (extnID: string, critical: boolean, value: unknown) =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

export interface IssueCertificateInput {
  subject: CertificateSubject;
  subjectPublicKey: KeyObject;
  issuer: CertificateSubject;
  issuerPublicKey: KeyObject;
  sign: RawP256Signer;
  isCa: boolean;
  /** TNAuthList entries (leaf certificates). */
  tnAuthList?: readonly TnAuthEntry[];
  notBefore?: Date;
  validDays: number;
}

export function issueCertificate(input: IssueCertificateInput): X509Certificate {
  const notBefore = input.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + input.validDays * 86_400_000);
  // A positive serial whose first octet is neither 0x00 nor >= 0x80: its DER INTEGER is then minimal as written.
  // (A leading 0x00 before an octet below 0x80 is illegal padding, which OpenSSL refuses: 1 certificate in 256.)
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const extensions: Extension[] = [
    ext(id_ce_basicConstraints, true, new BasicConstraints(input.isCa ? { cA: true, pathLenConstraint: 1 } : {})),
    ext(
      id_ce_keyUsage,
      true,
      new KeyUsage(input.isCa ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature),
    ),
    ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdOf(input.subjectPublicKey))),
    ext(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdOf(input.issuerPublicKey)) }),
    ),
  ];
  if (input.tnAuthList) {
    extensions.push(
      new Extension({
        extnID: TN_AUTH_LIST_OID,
        critical: false,
        extnValue: new OctetString(encodeTnAuthList(input.tnAuthList)),
      }),
    );
  }
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: algorithm,
    issuer: nameOf(input.issuer),
    validity: new Validity({ notBefore, notAfter }),
    subject: nameOf(input.subject),
    subjectPublicKeyInfo: spkiOf(input.subjectPublicKey),
    extensions: new Extensions(extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = rawToDerSignature(input.sign(tbsDer));
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: toArrayBuffer(signature),
  });
  return new X509Certificate(Buffer.from(AsnConvert.serialize(certificate)));
}

/** The TNAuthList of a certificate, or undefined when it has none. */
export function tnAuthListDerOf(certificate: X509Certificate): Uint8Array | undefined {
  const parsed = AsnConvert.parse(certificate.raw, Certificate);
  const extension = parsed.tbsCertificate.extensions?.find((e) => e.extnID === TN_AUTH_LIST_OID);
  return extension ? new Uint8Array(extension.extnValue.buffer) : undefined;
}

/** P-256 public key from the uncompressed SEC1 point (0x04 || x || y) the keystore and DID documents use. */
export function p256PublicKeyFromHex(hex: string): KeyObject {
  const bytes = Buffer.from(hex.replace(/^0x/, ""), "hex");
  if (bytes.length !== 65 || bytes[0] !== 4) throw new Error("a P-256 public key is 65 bytes, 0x04 || x || y");
  return createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: bytes.subarray(1, 33).toString("base64url"),
      y: bytes.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
}

/** PEM blocks in order; anything between them is ignored. */
export function splitPem(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

// Real X.509 certificates for the ledger PKI, built with @peculiar/x509: the consortium's issuing CA (self-signed)
// and the end-entity certificates it issues. The signature comes from a Signer, so the CA's private key can stay in
// the agent's keystore: @peculiar/x509 asks WebCrypto's subtle.sign for ECDSA P-256 / SHA-256, whose raw r || s
// output is exactly what the keystore's ES256 signer returns.
import { webcrypto } from "node:crypto";
import * as x509 from "./peculiar.ts";
import { serialOf } from "./serial.ts";

/** Signs data with ECDSA P-256 over SHA-256, returning the 64-byte r || s form (JOSE / WebCrypto). */
export interface Es256Signer {
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** The signer's SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
}

const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;
const CA_YEARS = 10;
const LEAF_DAYS = 90;

// A WebCrypto whose sign() is the signer's: the CryptoKey handed to @peculiar/x509 carries only the algorithm.
function signingCrypto(signer: Es256Signer): { crypto: webcrypto.Crypto; key: webcrypto.CryptoKey } {
  const subtle = Object.create(webcrypto.subtle) as webcrypto.SubtleCrypto;
  subtle.sign = async (_algorithm: unknown, _key: unknown, data: ArrayBuffer | ArrayBufferView) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array((data as ArrayBufferView).buffer);
    const signature = await signer.sign(bytes);
    return signature.slice().buffer as ArrayBuffer;
  };
  // digest, importKey, exportKey and verify stay Node's own.
  for (const name of ["digest", "importKey", "exportKey", "verify"] as const) {
    (subtle as unknown as Record<string, unknown>)[name] = webcrypto.subtle[name].bind(webcrypto.subtle);
  }
  const crypto = {
    subtle,
    getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
  } as unknown as webcrypto.Crypto;
  const key = { algorithm: { name: "ECDSA", namedCurve: "P-256" }, type: "private" } as unknown as webcrypto.CryptoKey;
  return { crypto, key };
}

/** The SPKI (DER) of an uncompressed P-256 public key 0x04 || x || y. */
export async function p256Spki(uncompressed: Uint8Array): Promise<Uint8Array> {
  const key = await webcrypto.subtle.importKey("raw", uncompressed, { name: "ECDSA", namedCurve: "P-256" }, true, [
    "verify",
  ]);
  return new Uint8Array(await webcrypto.subtle.exportKey("spki", key));
}

/** The issuing CA's self-signed certificate: CA:TRUE, pathlen 0, keyCertSign + cRLSign. */
export async function createIssuingCa(signer: Es256Signer, commonName: string, now = new Date()) {
  const { crypto, key } = signingCrypto(signer);
  const publicKey = new x509.PublicKey(signer.spki);
  const name = `CN=${escapeRdn(commonName)}, O=Telco Ledger Consortium`;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: "01",
      subject: name,
      issuer: name,
      notBefore: now,
      notAfter,
      publicKey,
      signingKey: key,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return certificate;
}

export interface LeafRequest {
  /** Derives the serial: the first 16 bytes of the application id, made positive. */
  applicationId: `0x${string}`;
  dnsName: string;
  /** The organisation an identified certificate names; absent for an anonymous applicant. */
  organization?: string;
  /** The certified key's SubjectPublicKeyInfo, DER. */
  publicKey: Uint8Array;
  notBefore?: Date;
}

/** An end-entity TLS server certificate for one DNS name, signed by the issuing CA. */
export async function issueLeaf(signer: Es256Signer, ca: x509.X509Certificate, request: LeafRequest) {
  const { crypto, key } = signingCrypto(signer);
  const publicKey = new x509.PublicKey(request.publicKey);
  const notBefore = request.notBefore ?? new Date();
  const notAfter = new Date(notBefore.getTime() + LEAF_DAYS * 86_400_000);
  const subject = request.organization
    ? `CN=${escapeRdn(request.dnsName)}, O=${escapeRdn(request.organization)}`
    : `CN=${escapeRdn(request.dnsName)}`;
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: serialOf(request.applicationId),
      subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey,
      signingKey: key,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([{ type: "dns", value: request.dnsName }], false),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      ],
    },
    crypto,
  );
}

// RFC 4514: characters with a meaning in a DN string are escaped.
const escapeRdn = (value: string) => value.replace(/([,+"\\<>;=#])/g, "\\$1");

export const toPem = (der: Uint8Array, label = "CERTIFICATE") =>
  x509.PemConverter.encode(der.slice().buffer as ArrayBuffer, label);

/** A certificate given as PEM or DER (base64 when a string without a PEM header). */
export function parseCertificate(input: string | Uint8Array): x509.X509Certificate {
  if (typeof input !== "string") return new x509.X509Certificate(input.slice().buffer as ArrayBuffer);
  if (input.includes("-----BEGIN")) return new x509.X509Certificate(input);
  return new x509.X509Certificate(Buffer.from(input, "base64"));
}

/**
 * The time-stamping authority's certificate (RFC 3161 §2.3), issued by the consortium's CA: the only extended key
 * usage is timeStamping and it is critical, as the RFC requires and `openssl ts -verify` checks. Its validity starts
 * an hour back so a token whose time is a block's (a devnet clock may lag the wall clock) is inside it.
 */
export async function issueTsaCertificate(
  caSigner: Es256Signer,
  ca: x509.X509Certificate,
  tsaSpki: Uint8Array,
  commonName: string,
  now = new Date(),
) {
  const { crypto, key } = signingCrypto(caSigner);
  const publicKey = new x509.PublicKey(tsaSpki);
  const notBefore = new Date(now.getTime() - 3_600_000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 1);
  const serial = new Uint8Array(await crypto.subtle.digest("SHA-256", tsaSpki)).slice(0, 16);
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: Buffer.from(serial).toString("hex"),
      subject: `CN=${escapeRdn(commonName)}, O=Telco Ledger Consortium`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey,
      signingKey: key,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      ],
    },
    crypto,
  );
}

// A test STI-CA without an agent: a P-256 root certificate, one STI certificate under it carrying a TNAuthList SPC,
// both key pairs, and a raw ES256 signer (IEEE P1363 signatures, as JWS wants). For the tests and benchmarks that
// need a SHAKEN certificate chain of their own; the agent's STI-CA (src/stir/stiAuthority.ts) is tested through its
// API.
import { generateKeyPairSync, type KeyObject, sign, type X509Certificate } from "node:crypto";
import { issueCertificate } from "../src/stir/certificates.ts";

export interface TestStiCa {
  ca: { publicKey: KeyObject; privateKey: KeyObject };
  sti: { publicKey: KeyObject; privateKey: KeyObject };
  /** The self-signed root, to trust. */
  root: X509Certificate;
  /** The STI certificate (TNAuthList: the SPC), signed by the root, to serve at the x5u URL. */
  leaf: X509Certificate;
}

export interface TestStiCaOptions {
  commonName?: string;
  spc?: string;
  validDays?: number;
}

/** An ES256 signer over raw bytes with this key, returning the 64-byte r||s signature. */
export const es256Signer = (key: KeyObject) => (data: string | Uint8Array) =>
  sign("sha256", typeof data === "string" ? Buffer.from(data) : data, { key, dsaEncoding: "ieee-p1363" });

export function createStiCa(options: TestStiCaOptions = {}): TestStiCa {
  const issuer = { commonName: options.commonName ?? "Test STI-CA" };
  const spc = options.spc ?? "1234";
  const validDays = options.validDays ?? 30;
  const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const sti = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signedByCa = { issuer, issuerPublicKey: ca.publicKey, sign: es256Signer(ca.privateKey), validDays };
  const root = issueCertificate({ ...signedByCa, subject: issuer, subjectPublicKey: ca.publicKey, isCa: true });
  const leaf = issueCertificate({
    ...signedByCa,
    subject: { commonName: `SHAKEN ${spc}` },
    subjectPublicKey: sti.publicKey,
    isCa: false,
    tnAuthList: [{ spc }],
  });
  return { ca, sti, root, leaf };
}

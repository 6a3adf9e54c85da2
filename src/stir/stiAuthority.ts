// The STI keys this agent holds. As the sandbox's STI-CA: a P-256 root key and self-signed root certificate. As an
// OSP: a P-256 STI key and the certificate (with TNAuthList) the STI-CA issued for it, served at the x5u URL. Private
// keys live only in the agent's encrypted keystore; the store keeps kids and certificates (public data).
import { createHash, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { invalidField } from "../core/errors/index.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import { issueCertificate, p256PublicKeyFromHex, splitPem } from "./certificates.ts";
import { StirError } from "./errors.ts";
import type { StirRepository } from "./repository.ts";

/**
 * Where this agent serves its STI certificate chains (the STI-CR): x5u = `<x5uBaseUrl>${CERTIFICATE_PATH}/<file>`.
 * No standard names this path, so it lives under the domain's own /v1/stir/ (a PASSporT names it in full in x5u).
 */
export const CERTIFICATE_PATH = "/v1/stir/certificates";

const SPC = /^[0-9A-Za-z]{1,12}$/;

export class StiAuthority {
  readonly #keystore: Keystore;
  readonly #records: StirRepository;
  readonly #baseUrl: () => string;
  #osp: { kid: string; chainPem: string; name: string; readonly x5u: string } | undefined;

  /** baseUrl: the public URL the x5u is built on (the agent's, or the one set in the STIR settings). */
  constructor(options: { keystore: Keystore; records: StirRepository; baseUrl: () => string }) {
    this.#keystore = options.keystore;
    this.#records = options.records;
    this.#baseUrl = options.baseUrl;
  }

  async load(): Promise<void> {
    const record = await this.#records.stiRecord("osp");
    if (record?.certificatePem) this.#osp = this.#ospOf(record.kid, record.certificatePem);
  }

  /** Creates the STI-CA root once; later calls return the same root. */
  async createCa(commonName: string): Promise<{ certificatePem: string }> {
    const existing = await this.#records.stiRecord("ca");
    if (existing?.certificatePem) return { certificatePem: existing.certificatePem };
    const key = await this.#keystore.create({ kind: "p256", label: `STI-CA ${commonName}` });
    const publicKey = p256PublicKeyFromHex(key.publicKeyHex);
    const certificate = issueCertificate({
      subject: { commonName, organisation: "telco-ledger STI-CA" },
      issuer: { commonName, organisation: "telco-ledger STI-CA" },
      subjectPublicKey: publicKey,
      issuerPublicKey: publicKey,
      sign: (data) => this.#keystore.signEs256(key.kid, data),
      isCa: true,
      validDays: 3650,
    });
    await this.#records.putStiRecord({ role: "ca", kid: key.kid, spc: null, certificatePem: certificate.toString() });
    return { certificatePem: certificate.toString() };
  }

  /** Issues an STI certificate for an OSP's public key with TNAuthList { SPC }. */
  async issue(input: { publicKeyPem: string; spc: string; commonName?: string; validDays?: number }): Promise<{
    certificatePem: string;
    chainPem: string;
  }> {
    const ca = await this.#records.stiRecord("ca");
    if (!ca?.certificatePem) throw new StirError("STIR_NOT_CONFIGURED", "no-ca", "this agent is not an STI-CA");
    if (!SPC.test(input.spc)) throw invalidField("body.spc", "must be 1 to 12 letters or digits");
    let subjectKey: KeyObject;
    try {
      subjectKey = createPublicKey(input.publicKeyPem);
    } catch {
      throw invalidField("body.publicKeyPem", "is not a PEM public key");
    }
    if (subjectKey.asymmetricKeyType !== "ec" || subjectKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw invalidField("body.publicKeyPem", "must be a P-256 key");
    }
    const root = new X509Certificate(ca.certificatePem);
    const certificate = issueCertificate({
      subject: { commonName: input.commonName ?? `SHAKEN ${input.spc}`, organisation: `SPC ${input.spc}` },
      issuer: {
        commonName: root.subject.split("CN=")[1]?.split("\n")[0] ?? "STI-CA",
        organisation: "telco-ledger STI-CA",
      },
      subjectPublicKey: subjectKey,
      issuerPublicKey: root.publicKey,
      sign: (data) => this.#keystore.signEs256(ca.kid, data),
      isCa: false,
      tnAuthList: [{ spc: input.spc }],
      validDays: input.validDays ?? 365,
    });
    return { certificatePem: certificate.toString(), chainPem: `${certificate.toString()}${root.toString()}` };
  }

  /** The OSP's STI key (created once); its public key goes to the STI-CA. */
  async ospKey(spc: string): Promise<{ publicKeyPem: string }> {
    if (!SPC.test(spc)) throw invalidField("body.spc", "must be 1 to 12 letters or digits");
    let record = await this.#records.stiRecord("osp");
    if (!record) {
      const key = await this.#keystore.create({ kind: "p256", label: `STI key SPC ${spc}` });
      record = { role: "osp", kid: key.kid, spc, certificatePem: null };
      await this.#records.putStiRecord(record);
    }
    const publicKey = p256PublicKeyFromHex(this.#keystore.info(record.kid).publicKeyHex);
    return { publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
  }

  /** Installs the certificate chain the STI-CA issued; its leaf must be for this agent's STI key. */
  async installCertificate(chainPem: string): Promise<{ x5u: string }> {
    const record = await this.#records.stiRecord("osp");
    if (!record) throw new StirError("STIR_NOT_CONFIGURED", "no-sti-key", "create the STI key first");
    let chain: X509Certificate[];
    try {
      chain = splitPem(chainPem);
    } catch {
      throw invalidField("body.chainPem", "is not a PEM certificate chain");
    }
    const leaf = chain[0];
    if (!leaf) throw invalidField("body.chainPem", "holds no certificate");
    const own = p256PublicKeyFromHex(this.#keystore.info(record.kid).publicKeyHex);
    const same = (a: KeyObject, b: KeyObject) =>
      Buffer.compare(a.export({ type: "spki", format: "der" }), b.export({ type: "spki", format: "der" })) === 0;
    if (!same(leaf.publicKey, own)) throw invalidField("body.chainPem", "the leaf is not for this agent's STI key");
    const pem = chain.map((c) => c.toString()).join("");
    await this.#records.putStiRecord({ ...record, certificatePem: pem });
    this.#osp = this.#ospOf(record.kid, pem);
    return { x5u: this.#osp.x5u };
  }

  /** The OSP signer: its x5u and an ES256 signing function; NOT_CONFIGURED until a certificate is installed. */
  signer(): { x5u: string; sign(data: string): Uint8Array } {
    const osp = this.#osp;
    if (!osp) throw new StirError("STIR_NOT_CONFIGURED", "no-sti-certificate", "this agent has no STI certificate yet");
    return { x5u: osp.x5u, sign: (data) => this.#keystore.signEs256(osp.kid, data) };
  }

  /** The served chain for a certificate file name, or undefined. */
  certificateFile(name: string): string | undefined {
    return this.#osp?.x5u.endsWith(`/${name}`) ? this.#osp.chainPem : undefined;
  }

  #ospOf(kid: string, chainPem: string) {
    const name = `${createHash("sha256").update(chainPem).digest("hex").slice(0, 16)}.pem`;
    const baseUrl = this.#baseUrl;
    return {
      kid,
      chainPem,
      name,
      // Read at each use: a change of x5uBaseUrl in the settings applies to the next PASSporT signed.
      get x5u() {
        return `${baseUrl().replace(/\/$/, "")}${CERTIFICATE_PATH}/${name}`;
      },
    };
  }
}

// The STI keys this agent holds. As the sandbox's STI-CA: a P-256 root key and self-signed root certificate. As an
// OSP: a P-256 STI key and the certificate (with TNAuthList) the STI-CA issued for it, served at the x5u URL. Private
// keys live only in the agent's encrypted keystore; the store keeps kids and certificates (public data).
import { createHash, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import type { Keystore } from "../core/identity/keystore.ts";
import type { Queryable } from "../core/store/store.ts";
import { issueCertificate, p256PublicKeyFromHex, splitPem } from "./certificates.ts";
import { invalidStirInput, StirError } from "./errors.ts";

interface StiRow {
  role: string;
  kid: string;
  spc: string | null;
  certificate_pem: string | null;
}

const SPC = /^[0-9A-Za-z]{1,12}$/;

export class StiAuthority {
  readonly #keystore: Keystore;
  readonly #db: Queryable;
  readonly #baseUrl: () => string;
  #osp: { kid: string; chainPem: string; name: string; readonly x5u: string } | undefined;

  /** baseUrl: the public URL the x5u is built on (the agent's, or the one set in the STIR settings). */
  constructor(options: { keystore: Keystore; db: Queryable; baseUrl: () => string }) {
    this.#keystore = options.keystore;
    this.#db = options.db;
    this.#baseUrl = options.baseUrl;
  }

  async load(): Promise<void> {
    const row = await this.#row("osp");
    if (row?.certificate_pem) this.#osp = this.#ospOf(row.kid, row.certificate_pem);
  }

  /** Creates the STI-CA root once; later calls return the same root. */
  async createCa(commonName: string): Promise<{ certificatePem: string }> {
    const existing = await this.#row("ca");
    if (existing?.certificate_pem) return { certificatePem: existing.certificate_pem };
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
    await this.#put("ca", key.kid, null, certificate.toString());
    return { certificatePem: certificate.toString() };
  }

  /** Issues an STI certificate for an OSP's public key with TNAuthList { SPC }. */
  async issue(input: { publicKeyPem: string; spc: string; commonName?: string; validDays?: number }): Promise<{
    certificatePem: string;
    chainPem: string;
  }> {
    const ca = await this.#row("ca");
    if (!ca?.certificate_pem) throw new StirError("STIR_NOT_CONFIGURED", "no-ca", "this agent is not an STI-CA");
    if (!SPC.test(input.spc)) throw invalidStirInput("body.spc", "must be 1 to 12 letters or digits");
    let subjectKey: KeyObject;
    try {
      subjectKey = createPublicKey(input.publicKeyPem);
    } catch {
      throw invalidStirInput("body.publicKeyPem", "is not a PEM public key");
    }
    if (subjectKey.asymmetricKeyType !== "ec" || subjectKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw invalidStirInput("body.publicKeyPem", "must be a P-256 key");
    }
    const root = new X509Certificate(ca.certificate_pem);
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
    if (!SPC.test(spc)) throw invalidStirInput("body.spc", "must be 1 to 12 letters or digits");
    let row = await this.#row("osp");
    if (!row) {
      const key = await this.#keystore.create({ kind: "p256", label: `STI key SPC ${spc}` });
      await this.#put("osp", key.kid, spc, null);
      row = { role: "osp", kid: key.kid, spc, certificate_pem: null };
    }
    const publicKey = p256PublicKeyFromHex(this.#keystore.info(row.kid).publicKeyHex);
    return { publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
  }

  /** Installs the certificate chain the STI-CA issued; its leaf must be for this agent's STI key. */
  async installCertificate(chainPem: string): Promise<{ x5u: string }> {
    const row = await this.#row("osp");
    if (!row) throw new StirError("STIR_NOT_CONFIGURED", "no-sti-key", "create the STI key first");
    let chain: X509Certificate[];
    try {
      chain = splitPem(chainPem);
    } catch {
      throw invalidStirInput("body.chainPem", "is not a PEM certificate chain");
    }
    const leaf = chain[0];
    if (!leaf) throw invalidStirInput("body.chainPem", "holds no certificate");
    const own = p256PublicKeyFromHex(this.#keystore.info(row.kid).publicKeyHex);
    const same = (a: KeyObject, b: KeyObject) =>
      Buffer.compare(a.export({ type: "spki", format: "der" }), b.export({ type: "spki", format: "der" })) === 0;
    if (!same(leaf.publicKey, own)) throw invalidStirInput("body.chainPem", "the leaf is not for this agent's STI key");
    const pem = chain.map((c) => c.toString()).join("");
    await this.#put("osp", row.kid, row.spc, pem);
    this.#osp = this.#ospOf(row.kid, pem);
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
    const base = this.#baseUrl().replace(/\/$/, "");
    return {
      kid,
      chainPem,
      name,
      get x5u() {
        return `${base}/stir/v1/certificates/${name}`;
      },
    };
  }

  async #row(role: string): Promise<StiRow | undefined> {
    return this.#db.one<StiRow>(`SELECT role, kid, spc, certificate_pem FROM stir_sti WHERE role = $1`, [role]);
  }

  async #put(role: string, kid: string, spc: string | null, pem: string | null): Promise<void> {
    await this.#db.exec(
      `INSERT INTO stir_sti (role, kid, spc, certificate_pem, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (role) DO UPDATE SET kid = excluded.kid, spc = excluded.spc,
         certificate_pem = excluded.certificate_pem, updated_at = excluded.updated_at`,
      [role, kid, spc, pem, new Date().toISOString()],
    );
  }
}

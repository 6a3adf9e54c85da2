// PKI domain logic: applications, HTTP-01 validation, endorsements, the issuing CA, issuance, revocation, status and
// verification. Writes go to the CertificateLedger through the outbox; reads come from the read model. No HTTP, no SQL.
import { randomBytes, webcrypto } from "node:crypto";
import { type Address, bytesToHex, encodeFunctionData, type Hex, hexToBytes } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import type { FieldPath } from "../core/errors/index.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import { CertificateLedger } from "../generated/contracts.ts";
import { invalidPkiInput, PkiError } from "./errors.ts";
import { challengeOf, type Http01Challenge, type Http01Validator } from "./http01.ts";
import { applicationIdOf } from "./ids.ts";
import { createIssuingSigner, issuingSigner } from "./keys.ts";
import * as x509 from "./peculiar.ts";
import { type CertificateKind, KINDS } from "./projection.ts";
import type { ApplicationState, ApplicationView, PkiReadModel } from "./readModel.ts";
import { type Verification, verifyCertificate } from "./verify.ts";
import { createIssuingCa, type Es256Signer, issueLeaf, parseCertificate, toPem } from "./x509.ts";

const abi = CertificateLedger.abi;
/** A fully qualified DNS name with an alphabetic top-level label (the API's DnsNameSchema, checked again on chain data). */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export interface PkiServiceOptions {
  outbox: Outbox;
  chain: ChainClient;
  keystore: Keystore;
  readModel: PkiReadModel;
  validator: Http01Validator;
  memberAccount: Address;
  ledger: Address;
  chainId: number;
  sync(): Promise<unknown>;
}

export interface ApplyInput {
  kind: CertificateKind;
  dnsName: string;
  identified: boolean;
  organization?: string;
  /** SubjectPublicKeyInfo of a P-256 key: PEM, or DER in base64. */
  publicKey: string;
  salt?: Hex;
}

/** RFC 5280 CRLReason names the API takes. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface CertificateStatus {
  serial: string;
  status: "good" | "revoked";
  applicationId: Hex;
  sha256: Hex;
  revokedAt: number | null;
  revocationReason: string | null;
  /** The ledger block the read model had reached when it answered (OCSP thisUpdate). */
  producedAt: string;
}

export class PkiService {
  readonly #o: PkiServiceOptions;

  constructor(options: PkiServiceOptions) {
    this.#o = options;
  }

  async apply(input: ApplyInput): Promise<{ application: ApplicationView; challenge: Http01Challenge | null }> {
    const organization = input.identified ? (input.organization ?? "").trim() : "";
    if (input.identified && organization === "") {
      throw invalidPkiInput("body.organization", "is required for an identified applicant");
    }
    if (!input.identified && input.organization) {
      throw invalidPkiInput("body.organization", "must be absent for an anonymous applicant");
    }
    const publicKey = await parseP256Spki(input.publicKey);
    const salt = input.salt ?? bytesToHex(randomBytes(32));
    const kind = KINDS.indexOf(input.kind);
    const dnsName = input.dnsName.toLowerCase();
    const id = applicationIdOf({
      chainId: this.#o.chainId,
      ledger: this.#o.ledger,
      applicant: this.#o.memberAccount,
      kind,
      identified: input.identified,
      dnsName,
      organization,
      publicKey,
      salt,
    });
    if (await this.#o.readModel.application(id)) {
      throw new PkiError("PKI_WRONG_STATE", `application ${id} was filed already (same content and salt)`, {
        field: "body.salt",
      });
    }
    await this.#send("fileApplication", [kind, input.identified, dnsName, organization, publicKey, salt], id);
    const application = await this.application(id);
    return { application, challenge: input.kind === "DV" ? challengeOf(id, dnsName, publicKey) : null };
  }

  async application(id: string): Promise<ApplicationView> {
    const found = await this.#o.readModel.application(id);
    if (!found) throw new PkiError("PKI_APPLICATION_NOT_FOUND", `no certificate application ${id} on the ledger`);
    return found;
  }

  applications(filter: { state?: ApplicationState }, limit: number, after?: readonly [number, string]) {
    return this.#o.readModel.applications(filter, limit, after);
  }

  vouches(id: Hex) {
    return this.#o.readModel.vouches(id);
  }

  async challenge(id: string): Promise<Http01Challenge> {
    const app = await this.#filed(id, "DV");
    return challengeOf(app.id, app.dnsName, app.publicKey);
  }

  /** As a validator: fetches the HTTP-01 answer from the name's server and attests on chain only if it matches. */
  async validate(id: string) {
    const app = await this.#filed(id, "DV");
    // Anyone may file on chain, so the name is checked again here: a validator fetches only fully qualified DNS
    // names, never an IP literal or a single label that would point it at its own network.
    if (!DNS_NAME.test(app.dnsName)) {
      throw new PkiError(
        "PKI_CHALLENGE_FAILED",
        `${JSON.stringify(app.dnsName)} is not a DNS name a validator fetches`,
        {
          details: { dnsName: app.dnsName, reason: "not-a-dns-name" },
        },
      );
    }
    const challenge = challengeOf(app.id, app.dnsName, app.publicKey);
    const outcome = await this.#o.validator.check(app.dnsName, challenge);
    if (!outcome.ok) {
      throw new PkiError(
        "PKI_CHALLENGE_FAILED",
        `${app.dnsName} did not answer the HTTP-01 challenge at ${outcome.url}: ${outcome.reason} (${outcome.detail})`,
        { details: { dnsName: app.dnsName, url: outcome.url, reason: outcome.reason } },
      );
    }
    const txHash = await this.#send("attestDomainControl", [app.id], app.id);
    return { application: await this.application(app.id), checkedUrl: outcome.url, txHash };
  }

  /** As an endorser: vouches for an OV or EV applicant. */
  async endorse(id: string) {
    const app = await this.#filed(id);
    if (app.kind === "DV") {
      throw new PkiError("PKI_WRONG_KIND", `application ${id} is DV: it takes domain-control attestations`);
    }
    const txHash = await this.#send("endorse", [app.id], app.id);
    return { application: await this.application(app.id), txHash };
  }

  /** As the issuing member: creates the issuing CA key (in the keystore) and registers its certificate on chain. */
  async setupIssuingCa(commonName: string) {
    const current = await this.#o.readModel.currentCa();
    const held = await issuingSigner(this.#o.keystore);
    if (current && held && sameKey(current.certificate, held)) {
      return { caHash: current.caHash, certificate: toPem(hexToBytes(current.certificate)), created: false };
    }
    const signer = held ?? (await createIssuingSigner(this.#o.keystore));
    const ca = await createIssuingCa(signer, commonName);
    const der = bytesToHex(new Uint8Array(ca.rawData));
    await this.#send("setIssuingCa", [der], "issuing CA");
    const registered = await this.#o.readModel.currentCa();
    if (!registered) throw new Error("setIssuingCa mined but the read model holds no CA");
    return { caHash: registered.caHash, certificate: toPem(hexToBytes(registered.certificate)), created: true };
  }

  async currentCa() {
    const ca = await this.#o.readModel.currentCa();
    if (!ca) throw new PkiError("PKI_CERTIFICATE_NOT_FOUND", "no issuing CA is registered on the ledger yet");
    return {
      caHash: ca.caHash,
      issuer: ca.issuer,
      blockNumber: ca.blockNumber,
      certificate: toPem(hexToBytes(ca.certificate)),
    };
  }

  /** As the issuing member: issues the X.509 certificate of an application that met its threshold. */
  async issue(id: string) {
    const app = await this.#filed(id);
    const [have, need] = await this.#progress(app);
    if (have < need) {
      throw new PkiError(
        "PKI_THRESHOLD_NOT_MET",
        `application ${app.id} (${app.kind}) has ${have} of the ${need} ${app.kind === "DV" ? "domain-control attestations" : "endorsements"} it needs`,
        { details: { have, need, kind: app.kind } },
      );
    }
    const current = await this.#o.readModel.currentCa();
    const signer = await issuingSigner(this.#o.keystore);
    if (!current || !signer || !sameKey(current.certificate, signer)) {
      throw new PkiError("PKI_NOT_ISSUER", "this agent does not hold the consortium's current issuing CA key");
    }
    const ca = new x509.X509Certificate(hexToBytes(current.certificate).slice().buffer as ArrayBuffer);
    const leaf = await issueLeaf(signer, ca, {
      applicationId: app.id,
      dnsName: app.dnsName,
      ...(app.organization ? { organization: app.organization } : {}),
      publicKey: hexToBytes(app.publicKey),
    });
    const txHash = await this.#send("recordIssuance", [app.id, bytesToHex(new Uint8Array(leaf.rawData))], app.id);
    return { application: await this.application(app.id), certificate: leaf.toString("pem"), txHash };
  }

  /** Revokes a certificate (the contract allows its issuer and its applicant). */
  async revoke(id: string, reason: RevocationReason) {
    const app = await this.application(id);
    if (app.state !== "issued") {
      throw new PkiError("PKI_WRONG_STATE", `application ${id} is ${app.state}, not issued`, { field: "params.id" });
    }
    const txHash = await this.#send("revoke", [app.id, REVOCATION_REASONS[reason]], app.id);
    return { application: await this.application(app.id), txHash };
  }

  /** OCSP-style status of a certificate by its serial number (hex), answered from the read model. */
  async status(serial: string): Promise<CertificateStatus> {
    const app = await this.#o.readModel.applicationBySerial(serial);
    if (!app?.certificate) {
      throw new PkiError("PKI_CERTIFICATE_NOT_FOUND", `the ledger records no certificate with serial ${serial}`);
    }
    const reason = app.revocation
      ? (Object.entries(REVOCATION_REASONS).find(([, code]) => code === app.revocation?.reason)?.[0] ?? "unspecified")
      : null;
    return {
      serial: app.certificate.serial,
      status: app.revocation ? "revoked" : "good",
      applicationId: app.id,
      sha256: app.certificate.sha256,
      revokedAt: app.revocation?.at ?? null,
      revocationReason: reason,
      producedAt: new Date().toISOString(),
    };
  }

  async verify(certificate: string, field: FieldPath = "body.certificate"): Promise<Verification> {
    let parsed: x509.X509Certificate;
    try {
      parsed = parseCertificate(certificate);
    } catch (error) {
      throw invalidPkiInput(field, `is not an X.509 certificate (${(error as Error).message})`);
    }
    return verifyCertificate(parsed, this.#o.readModel);
  }

  async #progress(app: ApplicationView): Promise<[number, number]> {
    const [dv, ov, ev] = (await this.#o.chain.readContract({
      address: this.#o.ledger,
      abi,
      functionName: "thresholds",
    })) as readonly [number, number, number];
    if (app.kind === "DV") return [app.domainAttestations, dv];
    return [app.endorsements, app.kind === "OV" ? ov : ev];
  }

  async #filed(id: string, kind?: CertificateKind): Promise<ApplicationView> {
    const app = await this.application(id);
    if (app.state !== "filed") {
      throw new PkiError("PKI_WRONG_STATE", `application ${id} is ${app.state}, not filed`, { field: "params.id" });
    }
    if (kind && app.kind !== kind) {
      throw new PkiError("PKI_WRONG_KIND", `application ${id} is ${app.kind}, not ${kind}`, { field: "params.id" });
    }
    return app;
  }

  async #send(functionName: string, args: readonly unknown[], subject: string): Promise<Hex> {
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.ledger,
      data: encodeFunctionData({ abi, functionName, args } as never),
      label: `pki.${functionName} ${subject}`,
    });
    await this.#o.sync();
    return receipt.transactionHash;
  }
}

function sameKey(caCertificate: Hex, signer: Es256Signer): boolean {
  const ca = new x509.X509Certificate(hexToBytes(caCertificate).slice().buffer as ArrayBuffer);
  return Buffer.from(ca.publicKey.rawData).equals(Buffer.from(signer.spki));
}

/** A P-256 SubjectPublicKeyInfo from PEM or base64 DER; anything else names body.publicKey. */
async function parseP256Spki(input: string): Promise<Hex> {
  const pem = input.match(/-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/);
  const der = Buffer.from((pem?.[1] ?? input).replace(/\s+/g, ""), "base64");
  try {
    await webcrypto.subtle.importKey("spki", der, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  } catch {
    throw invalidPkiInput("body.publicKey", "must be a P-256 SubjectPublicKeyInfo (PEM or base64 DER)");
  }
  return bytesToHex(der);
}

// The consortium's RFC 3161 time-stamping authority, run by the member holding the issuing CA: its own P-256 key
// (keystore label "pki-tsa") certified by the CA for timeStamping only. Each request's digest is anchored on the
// ledger first (batched with the others of the moment), then the token is signed with the anchoring block's time.
import { hexToBytes, keccak256 } from "viem";
import type { Keystore } from "../../core/identity/keystore.ts";
import { PkiError } from "../errors.ts";
import { issuingSigner } from "../keys.ts";
import * as x509 from "../peculiar.ts";
import type { PkiReadModel } from "../readModel.ts";
import { type Es256Signer, issueTsaCertificate, p256Spki, toPem } from "../x509.ts";
import type { TimestampAnchoring } from "./anchoring.ts";
import type { TimestampRepository } from "./repository.ts";
import { grantedResponse, parseTimeStampRequest, rejectedResponse, TimeStampRefusal } from "./rfc3161.ts";

export const TSA_KEY_LABEL = "pki-tsa";

export interface AuthorityOptions {
  keystore: Keystore;
  readModel: PkiReadModel;
  repository: TimestampRepository;
  anchoring: TimestampAnchoring;
}

export class TimeStampAuthority {
  readonly #o: AuthorityOptions;

  constructor(options: AuthorityOptions) {
    this.#o = options;
  }

  /**
   * Answers a DER TimeStampReq with a DER TimeStampResp: granted once the digest is anchored, or a rejection naming
   * the failure (bad algorithm, policy, format). Throws PKI_NOT_ISSUER when this agent is no TSA.
   */
  async respond(der: Uint8Array): Promise<{ granted: boolean; response: Uint8Array }> {
    const tsa = await this.#tsa();
    let request: ReturnType<typeof parseTimeStampRequest>;
    try {
      request = parseTimeStampRequest(der);
    } catch (error) {
      if (error instanceof TimeStampRefusal) return { granted: false, response: rejectedResponse(error) };
      throw error;
    }
    const [stamp] = await this.#o.anchoring.stamp([request.digest]);
    if (!stamp) throw new Error("the anchoring answered no stamp");
    const response = await grantedResponse({
      request,
      anchoredAt: stamp.anchoredAt,
      ledger: { root: stamp.root, leafIndex: stamp.leafIndex, treeSize: stamp.treeSize, proof: stamp.proof },
      signer: tsa.signer,
      tsaCertificate: tsa.certificate,
    });
    return { granted: true, response };
  }

  /** The TSA certificate (DER), issued on first use. */
  async certificate(): Promise<Uint8Array> {
    return (await this.#tsa()).certificate;
  }

  async certificatePem(): Promise<string> {
    return toPem(await this.certificate());
  }

  // The TSA key and a certificate from the current CA; a new CA (rotation) certifies the key again.
  async #tsa(): Promise<{ signer: Es256Signer; certificate: Uint8Array }> {
    const ca = await this.#o.readModel.currentCa();
    const caSigner = await issuingSigner(this.#o.keystore);
    const caDer = ca ? hexToBytes(ca.certificate) : undefined;
    const caCertificate = caDer ? new x509.X509Certificate(caDer.slice().buffer as ArrayBuffer) : undefined;
    if (!ca || !caSigner || !caCertificate || !sameBytes(caCertificate.publicKey.rawData, caSigner.spki)) {
      throw new PkiError("PKI_NOT_ISSUER", "this agent does not hold the consortium's issuing CA: it runs no TSA");
    }
    const keystore = this.#o.keystore;
    const info =
      keystore
        .list()
        .filter((k) => k.label === TSA_KEY_LABEL && k.kind === "p256" && !k.retiredAt)
        .at(-1) ?? (await keystore.create({ kind: "p256", label: TSA_KEY_LABEL }));
    const signer: Es256Signer = {
      spki: await p256Spki(hexToBytes(info.publicKeyHex)),
      sign: (data) => keystore.signEs256(info.kid, data),
    };
    const caHash = keccak256(caDer as Uint8Array);
    const stored = await this.#o.repository.tsaCertificate(info.kid);
    if (stored && stored.caHash === caHash) return { signer, certificate: hexToBytes(stored.certificate) };
    const issued = await issueTsaCertificate(
      caSigner,
      caCertificate,
      signer.spki,
      "Telco Ledger Time-Stamping Authority",
    );
    const der = new Uint8Array(issued.rawData);
    await this.#o.repository.saveTsaCertificate(info.kid, caHash, `0x${Buffer.from(der).toString("hex")}`);
    return { signer, certificate: der };
  }
}

const sameBytes = (a: ArrayBuffer, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

// The STI-VS: verifies any provider's SHAKEN PASSporT (RFC 8224 section 6.2, RFC 8588, ATIS-1000074): reads the
// Identity header, checks iat freshness and orig/dest against the SIP From/To, fetches x5u, validates the chain to a
// trusted STI-CA root with validity dates and TNAuthList, then the signature. Answers a verstat and, on failure, the
// RFC 8224 SIP response; it never throws for bad input.
import type { KeyObject, X509Certificate } from "node:crypto";
import { tnAuthListDerOf } from "./certificates.ts";
import { StirError } from "./errors.ts";
import { parseIdentityHeader } from "./identityHeader.ts";
import { type DecodedJws, verifyEs256 } from "./jws.ts";
import { type Attestation, checkFreshness, readShakenPassport } from "./passport.ts";
import { decodeTnAuthList } from "./tnAuthList.ts";
import type { TrustStore } from "./trustStore.ts";
import type { X5uFetcher } from "./x5uFetcher.ts";

export type Verstat = "TN-Validation-Passed" | "TN-Validation-Failed" | "No-TN-Validation";

export interface VerificationInput {
  identity: string | undefined;
  /** SIP From TN and To TNs (any E.164 spelling; compared canonically). */
  from: string;
  to: string[];
  /** Unix seconds; default now. */
  time?: number;
}

export interface VerificationResult {
  verstat: Verstat;
  attest?: Attestation;
  origid?: string;
  x5u?: string;
  /** On failure: the SIP response code and reason phrase (RFC 8224 section 6.2.2) and our reason code. */
  sipCode?: number;
  sipReason?: string;
  reason?: string;
  message?: string;
}

export interface VerifierOptions {
  fetcher: X5uFetcher;
  trust: TrustStore;
  freshnessSeconds: () => number;
}

/**
 * A chain that validated: the leaf's key, the trust store version it validated under, and the time span in which
 * every certificate of it (the root included) is valid. Outside that span, or after a root is added or removed, the
 * chain is validated again from scratch.
 */
interface ValidatedChain {
  trustVersion: number;
  fromMs: number;
  toMs: number;
  leafKey: KeyObject;
}

const digits = (tn: string) => tn.replace(/^\+/, "").replace(/[\s().-]/g, "");

export class ShakenVerifier {
  readonly #o: VerifierOptions;
  /**
   * Chains validated, keyed by the fetcher's cached chain (one array per fetch, so a re-fetched x5u is validated
   * anew). Parsing the certificates (TNAuthList) and checking their signatures cost more than the PASSporT itself.
   */
  readonly #validated = new WeakMap<X509Certificate[], ValidatedChain>();
  constructor(options: VerifierOptions) {
    this.#o = options;
  }

  async verify(input: VerificationInput): Promise<VerificationResult> {
    try {
      return await this.#verify(input);
    } catch (error) {
      if (!(error instanceof StirError)) throw error;
      return {
        verstat: error.code === "STIR_IDENTITY_MISSING" ? "No-TN-Validation" : "TN-Validation-Failed",
        sipCode: error.sipCode,
        sipReason: error.sipReason,
        reason: error.reason,
        message: error.message,
      };
    }
  }

  async #verify(input: VerificationInput): Promise<VerificationResult> {
    const header = parseIdentityHeader(input.identity);
    if (header.ppt !== undefined && header.ppt !== "shaken") {
      throw new StirError("STIR_IDENTITY_UNSUPPORTED", "ppt-unexpected", `Identity ppt ${header.ppt} is not shaken`);
    }
    const passport = readShakenPassport(header.token);
    if (header.info !== passport.x5u) {
      throw new StirError("STIR_CREDENTIAL_UNAVAILABLE", "info-x5u-mismatch", "the Identity info does not equal x5u");
    }
    const now = input.time ?? Math.floor(Date.now() / 1000);
    checkFreshness(passport.iat, now, this.#o.freshnessSeconds());
    if (digits(input.from) !== passport.orig) {
      throw new StirError("STIR_SIGNATURE_INVALID", "orig-mismatch", `orig ${passport.orig} is not the From TN`);
    }
    const to = input.to.map(digits);
    if (!to.some((tn) => passport.dest.includes(tn))) {
      throw new StirError(
        "STIR_SIGNATURE_INVALID",
        "dest-mismatch",
        `dest ${passport.dest.join(",")} is not the To TN`,
      );
    }
    await this.checkSignature(passport, now);
    return { verstat: "TN-Validation-Passed", attest: passport.attest, origid: passport.origid, x5u: passport.x5u };
  }

  /**
   * Fetches x5u, validates its chain to a trusted STI-CA (validity at `now`, TNAuthList) and verifies the PASSporT's
   * signature with the leaf; throws the StirError of the first failure. Shared by the SHAKEN and div checks.
   */
  async checkSignature(passport: { x5u: string; jws: DecodedJws }, now: number): Promise<void> {
    const chain = await this.#o.fetcher.fetch(passport.x5u);
    const nowMs = now * 1000;
    let valid = this.#validated.get(chain);
    if (!valid || valid.trustVersion !== this.#o.trust.version || nowMs < valid.fromMs || nowMs > valid.toMs) {
      const trustVersion = this.#o.trust.version;
      const { leaf, root } = this.#validateChain(chain, now);
      valid = {
        trustVersion,
        fromMs: Math.max(...chain.map((c) => Date.parse(c.validFrom))),
        toMs: Math.min(...[...chain, root].map((c) => Date.parse(c.validTo))),
        leafKey: leaf.publicKey,
      };
      this.#validated.set(chain, valid);
    }
    if (!verifyEs256(passport.jws, valid.leafKey)) {
      throw new StirError("STIR_SIGNATURE_INVALID", "signature-invalid", "the PASSporT signature does not verify");
    }
  }

  /** Leaf, intermediates, then a trusted root; each within its validity; the leaf carries a TNAuthList. */
  #validateChain(chain: X509Certificate[], now: number): { leaf: X509Certificate; root: X509Certificate } {
    const untrusted = (reason: string, message: string) => new StirError("STIR_CREDENTIAL_UNTRUSTED", reason, message);
    const nowMs = now * 1000;
    for (const certificate of chain) {
      if (Date.parse(certificate.validFrom) > nowMs || Date.parse(certificate.validTo) < nowMs) {
        throw untrusted("certificate-expired", `${certificate.subject} is outside its validity period`);
      }
    }
    const leaf = chain[0] as X509Certificate;
    if (leaf.ca) throw untrusted("certificate-is-ca", "the x5u leaf is a CA certificate, not an STI certificate");
    const der = tnAuthListDerOf(leaf);
    if (!der) throw untrusted("tnauthlist-missing", "the STI certificate has no TNAuthList extension");
    if (decodeTnAuthList(der).length === 0) throw untrusted("tnauthlist-empty", "the TNAuthList is empty");
    let current = leaf;
    for (let depth = 0; depth < 4; depth++) {
      const root = this.#o.trust.issuerOf(current);
      if (root) {
        if (Date.parse(root.validTo) < nowMs) throw untrusted("certificate-expired", "the STI-CA root has expired");
        return { leaf, root };
      }
      const parent = chain.find((c) => c !== current && c.ca && current.checkIssued(c) && current.verify(c.publicKey));
      if (!parent) break;
      current = parent;
    }
    throw untrusted("chain-untrusted", `${leaf.subject} does not chain to a trusted STI-CA`);
  }
}

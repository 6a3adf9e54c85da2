// The OSP's STI-AS with ledger checks: decides the SHAKEN attestation of an enterprise's call and signs the SHAKEN
// PASSporT. A needs every check to pass (the Enterprise PASSporT verifies with a key in the caller's DID document,
// the caller is vetted Authorized, the calling TN is authorised to that DID through a valid chain, tnauth names that
// authorization, iat is fresh); otherwise B for a direct customer of the OSP, C for a call it only passes on
// (ATIS-1000074 section 5.2.3). Every check is reported with a machine-readable code.
import { type KeyObject, randomUUID } from "node:crypto";
import { StirError } from "./errors.ts";
import { formatIdentityHeader, parseIdentityHeader } from "./identityHeader.ts";
import { signEs256, verifyEs256 } from "./jws.ts";
import type { LedgerFacts } from "./ledgerFacts.ts";
import { type Attestation, checkFreshness, type EnterprisePassport, readEnterprisePassport } from "./passport.ts";

export interface CallToAttest {
  orig: string;
  dest: string[];
  /** The enterprise's Identity header (Enterprise PASSporT), if it sent one. */
  identity?: string | undefined;
  /** The caller is a customer this OSP knows (authenticated trunk or account). */
  directCustomer: boolean;
}

export interface Check {
  code: string;
  passed: boolean;
  detail?: string;
}

export interface AttestationDecision {
  attest: Attestation;
  origid: string;
  checks: Check[];
  /** Codes of the failed checks: why not A. Empty for A. */
  reasons: string[];
  callerDid: string | null;
  /** The SHAKEN PASSporT's Identity header to add to the forwarded INVITE. */
  identity: string;
}

export interface ShakenSigner {
  x5u: string;
  sign(data: string): Uint8Array;
}

export interface AttesterOptions {
  facts: LedgerFacts;
  /** The caller's current P-256 keys from its DID document (through the agent's cached resolver). */
  keysOf(did: string): Promise<KeyObject[]>;
  signer(): ShakenSigner;
  freshnessSeconds(): number;
  now?: () => number;
}

export class OspAttester {
  readonly #o: AttesterOptions;
  constructor(options: AttesterOptions) {
    this.#o = options;
  }

  async attest(call: CallToAttest): Promise<AttestationDecision> {
    const signer = this.#o.signer();
    const now = this.#o.now?.() ?? Math.floor(Date.now() / 1000);
    const checks: Check[] = [];
    const { passport, verified } = await this.#checkEnterprise(call, now, checks);
    const allPassed = verified && checks.every((c) => c.passed);
    const attest: Attestation = allPassed ? "A" : call.directCustomer ? "B" : "C";
    if (!allPassed)
      checks.push({
        code: call.directCustomer ? "direct-customer" : "not-direct-customer",
        passed: call.directCustomer,
      });
    const origid = randomUUID();
    const token = signEs256(
      { alg: "ES256", ppt: "shaken", typ: "passport", x5u: signer.x5u },
      { attest, dest: { tn: call.dest }, iat: now, orig: { tn: call.orig }, origid },
      signer.sign,
    );
    return {
      attest,
      origid,
      checks,
      reasons: checks.filter((c) => !c.passed).map((c) => c.code),
      callerDid: passport?.jku ?? null,
      identity: formatIdentityHeader({ token, info: signer.x5u, ppt: "shaken" }),
    };
  }

  async #checkEnterprise(
    call: CallToAttest,
    now: number,
    checks: Check[],
  ): Promise<{ passport: EnterprisePassport | undefined; verified: boolean }> {
    const fail = (code: string, detail?: string) => {
      checks.push({ code, passed: false, ...(detail ? { detail } : {}) });
      return { passport: undefined, verified: false };
    };
    if (!call.identity) return fail("enterprise-passport-missing");
    let passport: EnterprisePassport;
    try {
      passport = readEnterprisePassport(parseIdentityHeader(call.identity).token);
    } catch (error) {
      if (error instanceof StirError) return fail(`enterprise-passport-${error.reason}`, error.message);
      throw error;
    }
    const push = (code: string, passed: boolean, detail?: string) =>
      checks.push({ code, passed, ...(detail && !passed ? { detail } : {}) });
    push("orig-matches-call", passport.orig === call.orig, `orig ${passport.orig} is not the calling TN ${call.orig}`);
    push(
      "dest-matches-call",
      call.dest.every((tn) => passport.dest.includes(tn)),
      "dest does not name the called TNs",
    );
    try {
      checkFreshness(passport.iat, now, this.#o.freshnessSeconds());
      push("iat-fresh", true);
    } catch (error) {
      push(error instanceof StirError ? error.reason : "iat-stale", false, (error as Error).message);
    }
    let keys: KeyObject[] = [];
    try {
      keys = await this.#o.keysOf(passport.jku);
    } catch (error) {
      push("caller-did-resolved", false, (error as Error).message);
      return { passport, verified: false };
    }
    if (keys.length === 0) {
      push("caller-did-resolved", false, `${passport.jku} has no P-256 key in its DID document`);
      return { passport, verified: false };
    }
    const signatureOk = keys.some((key) => verifyEs256(passport.jws, key));
    push("signature-verified", signatureOk, "the Enterprise PASSporT signature does not verify with the DID's keys");
    const vetting = this.#o.facts.vettingOf(passport.jku, now);
    push(
      "caller-vetted",
      vetting?.authorized === true,
      vetting ? "the caller's vetting is not Authorized" : "no vetting",
    );
    push(
      "tn-authorised",
      this.#o.facts.mayUse(passport.orig, passport.jku, now),
      `${passport.orig} is not authorised to the caller`,
    );
    const matches = passport.tnauth.some((ref) => {
      const grant = this.#o.facts.tnAuthorization(ref, now);
      return grant?.valid === true && grant.holder === passport.jku && passport.orig.startsWith(grant.tnPrefix);
    });
    push("tnauth-matches", matches, "tnauth does not name a valid authorization of the calling TN to the caller");
    return { passport, verified: signatureOk };
  }
}

// The STI-VS for diverted calls (RFC 8946 section 4 with RFC 8224 section 6.2): a call carrying its SHAKEN PASSporT
// and one or more `div` PASSporTs verifies when the divs link the original destination to the final target, each
// step signed and certified like a SHAKEN PASSporT. Each div must name, in `div`, a destination of the PASSporT before
// it; keep `orig` and `origid` of the SHAKEN PASSporT (a div lifted from another call names another origid); be fresh
// and not older than the step before (a replayed div); and its diverting party must have been allowed, on the
// ledger, to use the `div` number at the div's `iat` (its `tnauth` names a grant valid then, held by an organisation
// vetted Authorized). The result reports every step; the first failure ends the check with its RFC 8224 code.
import { type DivPassport, readDivPassport } from "./divPassport.ts";
import { StirError } from "./errors.ts";
import { parseIdentityHeader } from "./identityHeader.ts";
import { decodeJws } from "./jws.ts";
import type { LedgerFacts } from "./ledgerFacts.ts";
import { type Attestation, checkFreshness, readShakenPassport, type ShakenPassport } from "./passport.ts";
import type { ShakenVerifier, Verstat } from "./verifier.ts";

/** At most this many Identity headers per call: a SHAKEN PASSporT and up to seven diversions. */
export const MAX_IDENTITIES = 8;
/** Clock skew allowed between two signers when a div must not predate the PASSporT it continues. */
const SKEW_SECONDS = 5;

export interface DiversionVerificationInput {
  identities: string[];
  /** SIP From TN and To TNs (canonical digits). */
  from: string;
  to: string[];
  time?: number;
}

export interface VerifiedStep {
  /** Position of this PASSporT's header in `identities`. */
  index: number;
  ppt: "shaken" | "div";
  orig: string;
  dest: string[];
  /** div steps: the number diverted from, and the organisation the ledger lets use it. */
  div?: string;
  divertingDid?: string;
  iat: number;
  x5u: string;
  passed: boolean;
  reason?: string;
}

export interface DiversionVerificationResult {
  verstat: Verstat;
  attest?: Attestation;
  origid?: string;
  /** The PASSporTs in chain order, SHAKEN first; a failed step is the last one listed. */
  steps: VerifiedStep[];
  sipCode?: number;
  sipReason?: string;
  reason?: string;
  message?: string;
}

type Parsed = { index: number; shaken: ShakenPassport } | { index: number; div: DivPassport };

const invalid = (reason: string, message: string) => new StirError("STIR_SIGNATURE_INVALID", reason, message);

/** A StirError and the step it failed (undefined when the header could not even be read as a step). */
class StepFailure extends Error {
  readonly error: StirError;
  readonly step: VerifiedStep | undefined;
  constructor(error: StirError, step: VerifiedStep | undefined) {
    super(error.message);
    this.error = error;
    this.step = step;
  }
}

export class DiversionVerifier {
  readonly #shaken: ShakenVerifier;
  readonly #facts: LedgerFacts;
  readonly #freshness: () => number;

  constructor(options: { shaken: ShakenVerifier; facts: LedgerFacts; freshnessSeconds: () => number }) {
    this.#shaken = options.shaken;
    this.#facts = options.facts;
    this.#freshness = options.freshnessSeconds;
  }

  /** Never throws for a bad PASSporT: answers TN-Validation-Failed with the code and the steps checked so far. */
  async verify(input: DiversionVerificationInput): Promise<DiversionVerificationResult> {
    const steps: VerifiedStep[] = [];
    try {
      const result = await this.#verify(input, steps);
      return { verstat: "TN-Validation-Passed", ...result, steps };
    } catch (thrown) {
      const failure = thrown instanceof StepFailure ? thrown : undefined;
      const error = failure?.error ?? thrown;
      if (!(error instanceof StirError)) throw error;
      if (failure?.step) steps.push({ ...failure.step, passed: false, reason: error.reason });
      return {
        verstat: error.code === "STIR_IDENTITY_MISSING" ? "No-TN-Validation" : "TN-Validation-Failed",
        steps,
        sipCode: error.sipCode,
        sipReason: error.sipReason,
        reason: error.reason,
        message: error.message,
      };
    }
  }

  async #verify(
    input: DiversionVerificationInput,
    steps: VerifiedStep[],
  ): Promise<{ attest: Attestation; origid: string }> {
    if (input.identities.length === 0) throw new StirError("STIR_IDENTITY_MISSING", "identity-missing", "no Identity");
    const parsed = input.identities.map((identity, index) => parse(identity, index));
    const shakens = parsed.filter((p) => "shaken" in p);
    if (shakens.length !== 1) {
      throw invalid(
        shakens.length === 0 ? "shaken-missing" : "shaken-repeated",
        `a diverted call carries exactly one SHAKEN PASSporT (found ${shakens.length})`,
      );
    }
    const now = input.time ?? Math.floor(Date.now() / 1000);
    const first = shakens[0] as { index: number; shaken: ShakenPassport };
    const root = first.shaken;
    let step: VerifiedStep = stepOf(first.index, "shaken", root);
    await this.#checked(step, async () => {
      checkInfo(input.identities[first.index] as string, root.x5u);
      checkFreshness(root.iat, now, this.#freshness());
      if (input.from !== root.orig) throw invalid("orig-mismatch", `orig ${root.orig} is not the From TN`);
      await this.#shaken.checkSignature(root, now);
    });
    steps.push({ ...step, passed: true });
    let previous: { dest: string[]; iat: number } = root;
    const divs = parsed.filter((p): p is { index: number; div: DivPassport } => "div" in p);
    while (divs.length > 0) {
      const at = divs.findIndex((d) => previous.dest.includes(d.div.div));
      if (at < 0) {
        const stray = divs[0] as { index: number; div: DivPassport };
        throw new StepFailure(
          invalid("div-chain-broken", `div ${stray.div.div} is not a destination of the PASSporT before it`),
          stepOf(stray.index, "div", stray.div),
        );
      }
      const [{ index, div }] = divs.splice(at, 1) as [{ index: number; div: DivPassport }];
      step = stepOf(index, "div", div);
      const before = previous;
      await this.#checked(step, async () => {
        checkInfo(input.identities[index] as string, div.x5u);
        if (div.orig !== root.orig) throw invalid("div-orig-mismatch", `div orig ${div.orig} is not ${root.orig}`);
        if (div.origid !== root.origid) {
          throw invalid("div-origid-mismatch", "the div PASSporT names another call's origid");
        }
        checkFreshness(div.iat, now, this.#freshness());
        if (div.iat + SKEW_SECONDS < before.iat) {
          throw new StirError(
            "STIR_IDENTITY_STALE",
            "div-iat-before-previous",
            `div iat ${div.iat} predates the PASSporT it continues (${before.iat})`,
          );
        }
        await this.#shaken.checkSignature(div, now);
        step.divertingDid = this.#divertingParty(div);
      });
      steps.push({ ...step, passed: true });
      previous = div;
    }
    if (!input.to.some((tn) => previous.dest.includes(tn))) {
      throw invalid("dest-mismatch", `the final dest ${previous.dest.join(",")} is not the To TN`);
    }
    return { attest: root.attest, origid: root.origid };
  }

  /** The ledger's answer for a div: the organisation its tnauth names, allowed to use `div` at the div's iat. */
  #divertingParty(div: DivPassport): string {
    const refused = (reason: string, message: string) => new StirError("STIR_DIVERSION_REFUSED", reason, message);
    const grant = this.#facts.tnAuthorization(div.tnauth, div.iat);
    if (!grant?.valid || !div.div.startsWith(grant.tnPrefix)) {
      throw refused("div-tn-not-authorised", `the div's tnauth names no valid authorization of ${div.div}`);
    }
    if (this.#facts.vettingOf(grant.holder, div.iat)?.authorized !== true) {
      throw refused("diverting-party-not-vetted", `${grant.holder} is not vetted Authorized`);
    }
    return grant.holder;
  }

  async #checked(step: VerifiedStep, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (error) {
      if (error instanceof StirError) throw new StepFailure(error, step);
      throw error;
    }
  }
}

function stepOf(index: number, ppt: "shaken" | "div", p: ShakenPassport | DivPassport): VerifiedStep {
  return {
    index,
    ppt,
    orig: p.orig,
    dest: p.dest,
    ...("div" in p ? { div: p.div } : {}),
    iat: p.iat,
    x5u: p.x5u,
    passed: false,
  };
}

/** RFC 8224: the Identity header's ppt parameter, when present, must name the PASSporT's own ppt. */
function parse(identity: string, index: number): Parsed {
  try {
    const header = parseIdentityHeader(identity);
    const ppt = decodeJws(header.token).header.ppt;
    if (header.ppt !== undefined && header.ppt !== ppt) {
      throw new StirError("STIR_IDENTITY_UNSUPPORTED", "ppt-unexpected", `Identity ppt ${header.ppt} is not ${ppt}`);
    }
    if (ppt === "shaken") return { index, shaken: readShakenPassport(header.token) };
    if (ppt === "div") return { index, div: readDivPassport(header.token) };
    throw new StirError(
      "STIR_IDENTITY_UNSUPPORTED",
      "ppt-unexpected",
      `PASSporT ppt ${String(ppt)} is neither shaken nor div`,
    );
  } catch (error) {
    if (!(error instanceof StirError)) throw error;
    throw new StepFailure(new StirError(error.code, error.reason, `Identity ${index}: ${error.message}`), undefined);
  }
}

function checkInfo(identity: string, x5u: string): void {
  if (parseIdentityHeader(identity).info !== x5u) {
    throw new StirError("STIR_CREDENTIAL_UNAVAILABLE", "info-x5u-mismatch", "the Identity info does not equal x5u");
  }
}

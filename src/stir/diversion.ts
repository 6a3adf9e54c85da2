// The OSP's side of a diverted call (RFC 8946): when its customer (an enterprise or carrier) forwards a call it
// received, the OSP signs a `div` PASSporT for the diversion, added as another Identity header beside the PASSporT(s)
// the call already carries. The EIDL facts decide first: the diverting party must be vetted Authorized and may use the
// number it diverts from at this moment, through a valid grant whose reference the div PASSporT carries (`tnauth`).
import { invalidField } from "../core/errors/index.ts";
import { type DivPassport, readDivPassport, signDivPassport } from "./divPassport.ts";
import { StirError } from "./errors.ts";
import { formatIdentityHeader, parseIdentityHeader } from "./identityHeader.ts";
import type { LedgerFacts } from "./ledgerFacts.ts";
import { checkFreshness, readShakenPassport, type ShakenPassport } from "./passport.ts";

export interface DiversionToSign {
  /** The Identity header of the PASSporT the call arrived with: its SHAKEN one, or the latest div of a chain. */
  identity: string;
  /** The number the call was diverted from: one of that PASSporT's dest numbers (canonical digits). */
  div: string;
  /** The new target(s) (canonical digits). */
  dest: string[];
  /** The organisation forwarding the call: this OSP's customer on whose behalf it signs. */
  divertingDid: string;
}

export interface SignedDiversion {
  /** The div PASSporT's Identity header, to add beside the call's other Identity headers. */
  identity: string;
  orig: string;
  dest: string[];
  div: string;
  origid: string;
  iat: number;
  /** The authorization through which the diverting party may use `div`. */
  tnauth: string;
  divertingDid: string;
}

export interface DiversionSignerOptions {
  facts: LedgerFacts;
  signer(): { x5u: string; sign(data: string): Uint8Array };
  freshnessSeconds(): number;
  now?: () => number;
}

/** The PASSporT a diversion continues: SHAKEN (first diversion) or div (a diversion of a diverted call). */
export function readPreviousPassport(identity: string): ShakenPassport | DivPassport {
  const header = parseIdentityHeader(identity);
  return header.ppt === "div" ? readDivPassport(header.token) : readShakenPassport(header.token);
}

export class DiversionSigner {
  readonly #o: DiversionSignerOptions;
  constructor(options: DiversionSignerOptions) {
    this.#o = options;
  }

  sign(input: DiversionToSign): SignedDiversion {
    const now = this.#o.now?.() ?? Math.floor(Date.now() / 1000);
    const previous = readPreviousPassport(input.identity);
    // RFC 8946 section 3: div names one identifier of the previous dest, and a div PASSporT is made only when the
    // destination changes.
    if (!previous.dest.includes(input.div)) {
      throw invalidField("body.div.tn", `${input.div} is not a destination of the PASSporT received`);
    }
    if (input.dest.includes(input.div)) {
      throw invalidField("body.dest.tn", "the new target must differ from the diverting number (RFC 8946 section 3)");
    }
    checkFreshness(previous.iat, now, this.#o.freshnessSeconds());
    const vetting = this.#o.facts.vettingOf(input.divertingDid, now);
    if (vetting?.authorized !== true) {
      throw new StirError(
        "STIR_DIVERSION_REFUSED",
        "diverting-party-not-vetted",
        `${input.divertingDid} is not vetted Authorized on the ledger`,
      );
    }
    const authorization = this.#o.facts.authorizationForUse(input.div, input.divertingDid, now);
    if (!authorization) {
      throw new StirError(
        "STIR_DIVERSION_REFUSED",
        "div-tn-not-authorised",
        `${input.divertingDid} may not use ${input.div} now: no valid grant on the ledger`,
      );
    }
    const signer = this.#o.signer();
    const claims = {
      orig: previous.orig,
      dest: input.dest,
      div: input.div,
      iat: now,
      origid: previous.origid,
      tnauth: authorization.ref,
    };
    const token = signDivPassport(claims, signer);
    return {
      ...claims,
      identity: formatIdentityHeader({ token, info: signer.x5u, ppt: "div" }),
      divertingDid: input.divertingDid,
    };
  }
}

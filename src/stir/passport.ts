// PASSporT claims (RFC 8225) and their two uses here: the Enterprise PASSporT of the ATIS EIDL report (header `jku` =
// the caller's DID, payload `tnauth` = the TN authorization credential; base or `rcd` form) and the SHAKEN PASSporT
// (RFC 8588: `attest`, `origid`, header `x5u`). Reading checks every header field and claim type before any crypto.
import { StirError } from "./errors.ts";
import { type DecodedJws, decodeJws, type JsonObject } from "./jws.ts";
import { isCanonicalTn } from "./tn.ts";

export type Attestation = "A" | "B" | "C";
export const ATTESTATIONS: readonly Attestation[] = ["A", "B", "C"];

export interface CallClaims {
  orig: string;
  dest: string[];
  iat: number;
}

export interface EnterprisePassport extends CallClaims {
  /** The caller's DID (header `jku`). */
  jku: string;
  /** References to the TN authorization credential (payload `tnauth.uri`). */
  tnauth: string[];
  /** Present for the rcd form. */
  rcd: { nam: string } | undefined;
  ppt: "rcd" | undefined;
  jws: DecodedJws;
}

export interface ShakenPassport extends CallClaims {
  attest: Attestation;
  origid: string;
  x5u: string;
  jws: DecodedJws;
}

export const MAX_DEST_TNS = 32;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unsupported = (reason: string, message: string) => new StirError("STIR_IDENTITY_UNSUPPORTED", reason, message);
const malformed = (reason: string, message: string) => new StirError("STIR_IDENTITY_MALFORMED", reason, message);

/** alg ES256, typ passport and exactly the expected ppt (none for a base PASSporT). */
export function checkHeader(header: JsonObject, ppt: string | undefined): void {
  if (header.alg !== "ES256") throw unsupported("alg-not-es256", `PASSporT alg ${String(header.alg)} is not ES256`);
  if (header.typ !== "passport")
    throw unsupported("typ-not-passport", `PASSporT typ ${String(header.typ)} is not passport`);
  if (header.ppt !== ppt) {
    throw unsupported("ppt-unexpected", `PASSporT ppt ${String(header.ppt)} where ${String(ppt)} was expected`);
  }
}

/** orig.tn, dest.tn (an array; the seed's single string is accepted) and an integer iat. */
export function readCallClaims(payload: JsonObject): CallClaims {
  const orig = payload.orig as JsonObject | undefined;
  if (orig === undefined) throw malformed("claim-missing:orig", "the PASSporT has no orig claim");
  if (orig === null || typeof orig !== "object" || !isCanonicalTn(orig.tn)) {
    throw malformed("claim-type:orig", "orig must be {tn: <digits>}");
  }
  const dest = payload.dest as JsonObject | undefined;
  if (dest === undefined) throw malformed("claim-missing:dest", "the PASSporT has no dest claim");
  const destTn = dest !== null && typeof dest === "object" ? dest.tn : undefined;
  const list = typeof destTn === "string" ? [destTn.trim()] : destTn;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.length > MAX_DEST_TNS ||
    !list.every((tn) => isCanonicalTn(tn))
  ) {
    throw malformed("claim-type:dest", `dest must be {tn: [<digits>, ...]} with 1 to ${MAX_DEST_TNS} numbers`);
  }
  if (payload.iat === undefined) throw malformed("claim-missing:iat", "the PASSporT has no iat claim");
  if (typeof payload.iat !== "number" || !Number.isSafeInteger(payload.iat) || payload.iat < 0) {
    throw malformed("claim-type:iat", "iat must be an integer number of seconds");
  }
  return { orig: orig.tn as string, dest: list as string[], iat: payload.iat };
}

export function readEnterprisePassport(token: string): EnterprisePassport {
  const jws = decodeJws(token);
  const ppt = jws.header.ppt === undefined ? undefined : "rcd";
  checkHeader(jws.header, ppt);
  const jku = jws.header.jku;
  if (typeof jku !== "string" || !jku.startsWith("did:") || jku.length > 512) {
    throw malformed("header-jku", "jku must be the caller's DID");
  }
  const claims = readCallClaims(jws.payload);
  const tnauth = jws.payload.tnauth as JsonObject | undefined;
  if (tnauth === undefined) throw malformed("claim-missing:tnauth", "the Enterprise PASSporT has no tnauth claim");
  const uri = tnauth !== null && typeof tnauth === "object" ? tnauth.uri : undefined;
  const refs = typeof uri === "string" ? [uri] : uri;
  if (
    !Array.isArray(refs) ||
    refs.length === 0 ||
    refs.length > 8 ||
    !refs.every((r) => typeof r === "string" && r.length > 0 && r.length <= 512)
  ) {
    throw malformed("claim-type:tnauth", "tnauth must be {uri: [<credential reference>, ...]}");
  }
  let rcd: { nam: string } | undefined;
  if (ppt === "rcd") {
    const value = jws.payload.rcd as JsonObject | undefined;
    if (value === undefined) throw malformed("claim-missing:rcd", "an rcd PASSporT needs an rcd claim");
    if (value === null || typeof value !== "object" || typeof value.nam !== "string" || value.nam.length > 256) {
      throw malformed("claim-type:rcd", "rcd must be {nam: <string of at most 256 characters>}");
    }
    rcd = { nam: value.nam };
  }
  return { ...claims, jku: jku.split("#")[0] as string, tnauth: refs as string[], rcd, ppt, jws };
}

export function readShakenPassport(token: string): ShakenPassport {
  const jws = decodeJws(token);
  checkHeader(jws.header, "shaken");
  const x5u = jws.header.x5u;
  if (typeof x5u !== "string" || x5u.length === 0 || x5u.length > 2048) {
    throw malformed("header-x5u", "a SHAKEN PASSporT needs an x5u header");
  }
  const claims = readCallClaims(jws.payload);
  const { attest, origid } = jws.payload;
  if (attest === undefined) throw malformed("claim-missing:attest", "the SHAKEN PASSporT has no attest claim");
  if (typeof attest !== "string" || !ATTESTATIONS.includes(attest as Attestation)) {
    throw malformed("claim-type:attest", "attest must be A, B or C");
  }
  if (origid === undefined) throw malformed("claim-missing:origid", "the SHAKEN PASSporT has no origid claim");
  if (typeof origid !== "string" || !UUID.test(origid)) throw malformed("claim-type:origid", "origid must be a UUID");
  return { ...claims, attest: attest as Attestation, origid, x5u, jws };
}

/** iat within `windowSeconds` before now and at most `skewSeconds` after it (RFC 8224 section 6.2.1: 60 s). */
export function checkFreshness(iat: number, nowSeconds: number, windowSeconds: number, skewSeconds = 5): void {
  if (iat > nowSeconds + skewSeconds) {
    throw new StirError("STIR_IDENTITY_STALE", "iat-future", `iat ${iat} is in the future (now ${nowSeconds})`);
  }
  if (nowSeconds - iat > windowSeconds) {
    throw new StirError("STIR_IDENTITY_STALE", "iat-stale", `iat ${iat} is older than ${windowSeconds} s`);
  }
}

// The `div` PASSporT of RFC 8946: a retargeting entity (an enterprise or carrier forwarding a call) signs it beside
// the call's SHAKEN PASSporT. Header `{alg: ES256, typ: passport, ppt: div, x5u}`; claims `orig` copied from the
// PASSporT received, `dest` the new target, `div` the one previous destination it diverts from ({tn}, a single
// identifier), `iat` the time of the diversion, and `origid` copied from the SHAKEN PASSporT (ATIS-1000085 asks for
// it, and it binds the div to this call: a div lifted from another call names another origid). This project adds
// `tnauth` (as its Enterprise PASSporTs carry it): the reference of the TN authorization through which the diverting
// party may use the `div` number, so any STI-VS checks that on the ledger too.
import { StirError } from "./errors.ts";
import { decodeJws, type JsonObject, signEs256 } from "./jws.ts";
import { type CallClaims, checkHeader, readCallClaims, UUID } from "./passport.ts";
import { isCanonicalTn } from "./tn.ts";

export interface DivPassport extends CallClaims {
  /** The previous destination the call was diverted from (E.164 digits). */
  div: string;
  origid: string;
  x5u: string;
  /** `<issuer DID>#<credentialHash>` of the diverting party's authorization for `div`. */
  tnauth: string;
  jws: ReturnType<typeof decodeJws>;
}

export interface DivClaims {
  orig: string;
  dest: string[];
  div: string;
  iat: number;
  origid: string;
  tnauth: string;
}

const malformed = (reason: string, message: string) => new StirError("STIR_IDENTITY_MALFORMED", reason, message);

/** Signs a div PASSporT (full form: header, claims and signature) with the STI key. */
export function signDivPassport(claims: DivClaims, signer: { x5u: string; sign(data: string): Uint8Array }): string {
  return signEs256(
    { alg: "ES256", ppt: "div", typ: "passport", x5u: signer.x5u },
    {
      dest: { tn: claims.dest },
      div: { tn: claims.div },
      iat: claims.iat,
      orig: { tn: claims.orig },
      origid: claims.origid,
      tnauth: { uri: [claims.tnauth] },
    },
    signer.sign,
  );
}

/** Reads a div PASSporT: every header field and claim type checked before any crypto. */
export function readDivPassport(token: string): DivPassport {
  const jws = decodeJws(token);
  checkHeader(jws.header, "div");
  const x5u = jws.header.x5u;
  if (typeof x5u !== "string" || x5u.length === 0 || x5u.length > 2048) {
    throw malformed("header-x5u", "a div PASSporT needs an x5u header");
  }
  const claims = readCallClaims(jws.payload);
  const div = jws.payload.div as JsonObject | undefined;
  if (div === undefined) throw malformed("claim-missing:div", "the div PASSporT has no div claim");
  // RFC 8946 section 3: one identifier, selected from the previous dest; a list is not a div claim.
  if (div === null || typeof div !== "object" || !isCanonicalTn(div.tn)) {
    throw malformed("claim-type:div", "div must be {tn: <digits>}, a single number");
  }
  const origid = jws.payload.origid;
  if (origid === undefined) throw malformed("claim-missing:origid", "the div PASSporT has no origid claim");
  if (typeof origid !== "string" || !UUID.test(origid)) throw malformed("claim-type:origid", "origid must be a UUID");
  const tnauth = jws.payload.tnauth as JsonObject | undefined;
  const uri = tnauth !== null && typeof tnauth === "object" ? tnauth.uri : undefined;
  const ref = Array.isArray(uri) && uri.length === 1 ? uri[0] : undefined;
  if (typeof ref !== "string" || ref.length === 0 || ref.length > 512) {
    throw malformed("claim-type:tnauth", "a div PASSporT here carries tnauth {uri: [<authorization reference>]}");
  }
  return { ...claims, div: div.tn as string, origid, x5u, tnauth: ref, jws };
}

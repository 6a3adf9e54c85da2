// The enterprise side: an Enterprise PASSporT per call (ATIS EIDL report section 7.1), base or rcd form, signed ES256
// by the organisation DID's P-256 key inside the keystore, returned as an RFC 8224 Identity header value.
import { formatIdentityHeader } from "./identityHeader.ts";
import { type JsonObject, signEs256 } from "./jws.ts";

export interface EnterpriseCall {
  /** The caller's DID: header `jku`, and the header's `info`. */
  did: string;
  orig: string;
  dest: string[];
  /** Reference to the TN authorization credential for `orig`. */
  tnauth: string;
  /** Caller name: makes it the rcd form. */
  rcdName?: string;
  iat: number;
}

export function enterprisePassportParts(call: EnterpriseCall): { header: JsonObject; payload: JsonObject } {
  const rcd = call.rcdName !== undefined;
  return {
    header: { alg: "ES256", typ: "passport", jku: call.did, ...(rcd ? { ppt: "rcd" } : {}) },
    payload: {
      dest: { tn: call.dest },
      iat: call.iat,
      orig: { tn: call.orig },
      tnauth: { uri: [call.tnauth] },
      ...(rcd ? { rcd: { nam: call.rcdName } } : {}),
    },
  };
}

export function signEnterprisePassport(
  call: EnterpriseCall,
  sign: (data: string) => Uint8Array,
): { identity: string; token: string } {
  const { header, payload } = enterprisePassportParts(call);
  const token = signEs256(header, payload, sign);
  return {
    token,
    identity: formatIdentityHeader({ token, info: call.did, ppt: call.rcdName !== undefined ? "rcd" : "passport" }),
  };
}

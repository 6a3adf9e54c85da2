// The Calls page's test call: the numbers this member's organisations hold (each with the `tnauth` reference an
// Enterprise PASSporT names: the grant's TN Authorization credential, issuer DID # credential hash), and the claims
// of the PASSporT the agent signed, decoded for display (the signature is checked by the OSP, not here).

export interface HeldGrant {
  grantId: string;
  tnId: string;
  issuerId: string;
  subjectId: string;
  credentialHash: string;
  status: string;
}

export interface HeldNumber {
  did: string;
  orgName: string;
  tn: string;
  tnauth: string;
}

/** The active grants of a single number (a block's tnId has X wildcards and cannot be a call's caller). */
export function heldNumbers(did: string, orgName: string, grants: readonly HeldGrant[]): HeldNumber[] {
  return grants
    .filter((g) => g.status === "active" && /^[0-9]{6,15}$/.test(g.tnId))
    .map((g) => ({ did, orgName, tn: g.tnId, tnauth: `${g.issuerId}#${g.credentialHash.toLowerCase()}` }));
}

function decodePart(part: string | undefined): Record<string, unknown> {
  if (!part) throw new Error("the Identity header has no JWS");
  const base64 = part
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(part.length / 4) * 4, "=");
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))) as Record<
    string,
    unknown
  >;
}

/** The JOSE header and claims of an Identity header's PASSporT (`token;info=<…>;…`). */
export function passportClaims(identity: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [token = ""] = identity.split(";");
  const [header, payload] = token.trim().split(".");
  return { header: decodePart(header), claims: decodePart(payload) };
}

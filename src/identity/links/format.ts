// The link of flow 2.1 (DID-Auth linking), as a site shows it: one offer in two spellings that carry the same query,
// an https URL (rendered as a QR code for a wallet on another device) and a `telco-ledger://link?...` deep link (a
// wallet on the same phone). The query holds everything a user agent needs to answer without asking the agent first:
// the link id, the agent's messaging DID (the peer its pairwise DID is made for), the single-use DID-Auth challenge,
// the audience to sign for, the response URL and the expiry. No heavy imports: the wallet and the phone page parse it.

/** The deep link's scheme and host; the query follows. */
export const DEEP_LINK_PREFIX = "telco-ledger://link";
/** The version of the query format below. */
export const LINK_FORMAT_VERSION = "1";

export interface LinkOffer {
  linkId: string;
  /** The enterprise agent's messaging DID: the wallet makes (or reuses) its pairwise DID for it. */
  agentDid: string;
  /** The DID-Auth challenge (base64url, 32 bytes): the response's `nonce`. */
  challenge: string;
  /** The response's `aud`: the agent's public URL. */
  audience: string;
  /** Where the wallet posts `{ jwt }`. */
  responseUrl: string;
  /** Unix seconds after which the agent refuses the response. */
  expiresAt: number;
  /** What the site calls itself or the link ("Sign in to Example ISP"), for the wallet to show. */
  label?: string;
}

/** The query both spellings carry, parameters in this order. */
export function offerQuery(offer: LinkOffer): string {
  const query = new URLSearchParams({
    v: LINK_FORMAT_VERSION,
    id: offer.linkId,
    did: offer.agentDid,
    challenge: offer.challenge,
    aud: offer.audience,
    response: offer.responseUrl,
    exp: String(offer.expiresAt),
  });
  if (offer.label !== undefined) query.set("label", offer.label);
  return query.toString();
}

/** The path of the https spelling under the agent's public URL. */
export const offerPath = (linkId: string) => `/v1/identity/links/${linkId}/offer`;
/** The path the wallet posts its response to. */
export const responsePath = (linkId: string) => `/v1/identity/links/${linkId}/response`;

export function offerUrls(publicUrl: string, offer: LinkOffer): { url: string; deepLink: string } {
  const query = offerQuery(offer);
  return {
    url: `${publicUrl.replace(/\/$/, "")}${offerPath(offer.linkId)}?${query}`,
    deepLink: `${DEEP_LINK_PREFIX}?${query}`,
  };
}

export class LinkFormatError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

const LINK_ID = /^[A-Za-z0-9_-]{16,64}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{32,128}$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,256}$/;

/** Reads an offer from either spelling; throws LinkFormatError naming the parameter that is missing or malformed. */
export function parseLinkOffer(text: string): LinkOffer {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new LinkFormatError("url", "is neither an https link nor a telco-ledger://link deep link");
  }
  const deep = url.protocol === "telco-ledger:" && url.host === "link";
  const web =
    (url.protocol === "https:" || url.protocol === "http:") &&
    /\/v1\/identity\/links\/[^/]+\/offer$/.test(url.pathname);
  if (!deep && !web)
    throw new LinkFormatError("url", "is neither an https link offer nor a telco-ledger://link deep link");
  const q = url.searchParams;
  const need = (name: string, pattern?: RegExp): string => {
    const value = q.get(name);
    if (value === null || value === "") throw new LinkFormatError(`url.${name}`, "is missing");
    if (pattern && !pattern.test(value)) throw new LinkFormatError(`url.${name}`, "is malformed");
    return value;
  };
  if (need("v") !== LINK_FORMAT_VERSION) throw new LinkFormatError("url.v", `must be ${LINK_FORMAT_VERSION}`);
  const responseUrl = need("response");
  let response: URL;
  try {
    response = new URL(responseUrl);
  } catch {
    throw new LinkFormatError("url.response", "is not an absolute URL");
  }
  if (response.protocol !== "https:" && response.protocol !== "http:") {
    throw new LinkFormatError("url.response", "must be http(s)");
  }
  const audience = need("aud");
  // The response goes to the agent it is signed for: another origin would hand the person's answer to a third party.
  if (!audience.startsWith("http") || new URL(audience).origin !== response.origin) {
    throw new LinkFormatError("url.response", "must be on the audience's origin");
  }
  const exp = Number(need("exp", /^[0-9]{1,12}$/));
  const label = q.get("label");
  return {
    linkId: need("id", LINK_ID),
    agentDid: need("did", DID),
    challenge: need("challenge", CHALLENGE),
    audience,
    responseUrl,
    expiresAt: exp,
    ...(label === null ? {} : { label: label.slice(0, 200) }),
  };
}

// What an enterprise agent sends a person's hub in flow 2.1's hub variants, inside the attestation envelope (signed by
// the agent's messaging DID, encrypted to the person's pairwise DID): LinkChallenge (steps 7-8: the DID-Auth
// challenge, answered by the user agent) and LinkCode (the 2FA variant: a code the user agent shows, typed into the
// site). Neither is one of the fourteen attestation messages: they establish the relationship those travel in.
import { IdentityError } from "../../core/identity/errors.ts";
import type { LinkOffer } from "./format.ts";

export interface LinkChallengeMessage extends LinkOffer {
  "@type": "LinkChallenge";
}

export interface LinkCodeMessage {
  "@type": "LinkCode";
  linkId: string;
  /** The digits the person types into the site. */
  code: string;
  expiresAt: number;
  label?: string;
}

export type LinkMessage = LinkChallengeMessage | LinkCodeMessage;

export const LINK_MESSAGE_TYPES = new Set(["LinkChallenge", "LinkCode"]);

/** The number of digits of a 2FA code. */
export const LINK_CODE_DIGITS = 6;

const isString = (v: unknown, max = 2048): v is string => typeof v === "string" && v.length > 0 && v.length <= max;

/** `msg` as a link message, or MESSAGE_INVALID naming the field that is wrong. */
export function validateLinkMessage(msg: unknown): LinkMessage {
  if (typeof msg !== "object" || msg === null) throw new Error("msg: must be an object");
  const m = msg as Record<string, unknown>;
  const label = m.label === undefined ? {} : isString(m.label, 200) ? { label: m.label } : fail("msg.label");
  if (!isString(m.linkId, 64)) fail("msg.linkId");
  if (typeof m.expiresAt !== "number" || !Number.isInteger(m.expiresAt)) fail("msg.expiresAt");
  if (m["@type"] === "LinkCode") {
    if (typeof m.code !== "string" || !new RegExp(`^[0-9]{${LINK_CODE_DIGITS}}$`).test(m.code)) fail("msg.code");
    return {
      "@type": "LinkCode",
      linkId: m.linkId as string,
      code: m.code as string,
      expiresAt: m.expiresAt as number,
      ...label,
    };
  }
  if (m["@type"] === "LinkChallenge") {
    for (const field of ["agentDid", "challenge", "audience", "responseUrl"])
      if (!isString(m[field])) fail(`msg.${field}`);
    return {
      "@type": "LinkChallenge",
      linkId: m.linkId as string,
      agentDid: m.agentDid as string,
      challenge: m.challenge as string,
      audience: m.audience as string,
      responseUrl: m.responseUrl as string,
      expiresAt: m.expiresAt as number,
      ...label,
    };
  }
  return fail("msg.@type");
}

function fail(field: string): never {
  throw new IdentityError("MESSAGE_INVALID", `${field} is missing or malformed`, { details: { field } });
}

// The error table of flow 2.1's links (DID-Auth linking): what a site polling a link, a wallet answering it and a
// person typing a code are told when the link does not take the answer.
import { DomainError, defineErrors } from "../../core/errors/index.ts";

export const LINK_ERRORS = defineErrors("identity", {
  LINK_NOT_FOUND: { status: 404, description: "This agent opened no link with this id." },
  LINK_EXPIRED: {
    status: 410,
    description: "The link expired before it was answered; open a new one. Details give `expiredAt`.",
  },
  LINK_USED: {
    status: 409,
    description: "The link is linked already: a replayed or second answer. Details give `linkedAt`.",
  },
  LINK_MODE_MISMATCH: {
    status: 409,
    description:
      "A DID-Auth response to a 2FA-code link, or a code for a link answered by DID-Auth (details give the link's `mode`).",
  },
  LINK_CODE_WRONG: {
    status: 422,
    description: "The code typed does not match the one sent to the person's user agent. Details give `attemptsLeft`.",
  },
  LINK_CODE_ATTEMPTS: {
    status: 429,
    description: "Too many wrong codes (5): the link is locked for good; open a new one. Details give `limit`.",
  },
});

export type LinkErrorCode = keyof typeof LINK_ERRORS;
export class LinkError extends DomainError<LinkErrorCode> {}

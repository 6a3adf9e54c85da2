// The identity hubs' error table. A hub request is authenticated by the person's DID (or one of their devices'), not
// by a member's API key, so its refusals name what the signed request got wrong.
import { DomainError, defineErrors } from "../../core/errors/index.ts";

export const HUB_ERRORS = defineErrors("identity", {
  HUB_NOT_FOUND: { status: 404, description: "This agent hosts no identity hub for the DID." },
  HUB_EXISTS: { status: 409, description: "This agent already hosts an identity hub for the DID." },
  HUB_REQUEST_UNSIGNED: {
    status: 401,
    description: "A hub request needs `Authorization: DID <JWT>` signed by the hub's owner or one of its devices.",
  },
  HUB_REQUEST_INVALID: {
    status: 401,
    description:
      "The request's JWT does not verify, or does not bind this request (aud, htm, htu, bh), or is expired or too long-lived.",
  },
  HUB_REQUEST_REPLAYED: { status: 409, description: "The request's JWT (signer and jti) was used before." },
  HUB_NOT_A_DEVICE: {
    status: 403,
    description:
      "The request is signed by a DID that is neither the hub's owner nor one of its devices (or was removed).",
  },
  HUB_OWNER_ONLY: { status: 403, description: "Only the hub's owner DID may add or remove devices, not a device." },
  HUB_DEVICE_NOT_FOUND: { status: 404, description: "The hub lists no such device." },
  HUB_ALIAS_NOT_FOUND: { status: 404, description: "The hub lists no such alias (pairwise DID)." },
  HUB_ITEM_NOT_FOUND: { status: 404, description: "The hub holds no such item (or it was deleted)." },
  HUB_ITEM_CONFLICT: {
    status: 409,
    description:
      "Another device changed the item since the revision the request names (`baseSeq`); details give the current one.",
  },
  HUB_ITEM_NOT_SEALED: {
    status: 422,
    description: "An item must be a compact JWE to the owner's key (the hub stores ciphertext only).",
  },
  HUB_MESSAGE_NOT_FOR_OWNER: {
    status: 422,
    description:
      "A relayed message must be a JWE to a key of the owner or of one of its aliases, or a JWS whose audience is one of them.",
  },
  HUB_QUOTA_EXCEEDED: {
    status: 429,
    description: "The hub holds as many devices, aliases, items or waiting messages as it may; details name the limit.",
  },
});

export type HubErrorCode = keyof typeof HUB_ERRORS;
export class HubError extends DomainError<HubErrorCode> {}

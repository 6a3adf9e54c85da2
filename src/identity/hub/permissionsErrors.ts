// The error table of access permissions at the identity hub: a grantee's RetrieveAttestations is refused by name when
// the permission it names does not let it read (never granted to it, retracted, expired, or a type not granted), and
// the person's own permission requests when they name one that is not there or already exists.
import { DomainError, defineErrors } from "../../core/errors/index.ts";

export const HUB_PERMISSION_ERRORS = defineErrors("identity", {
  HUB_ACCESS_NOT_GRANTED: {
    status: 403,
    description:
      "The hub holds no permission with this id granted to the DID that signed the retrieval (unknown id, or another grantee).",
  },
  HUB_ACCESS_RETRACTED: { status: 410, description: "The person retracted the permission: nothing is answered." },
  HUB_ACCESS_EXPIRED: { status: 410, description: "The permission's expiry (expiresAt) has passed." },
  HUB_ACCESS_TYPE_NOT_GRANTED: {
    status: 403,
    description: "The retrieval asks for an attestation type the permission does not grant; details name it.",
  },
  HUB_PERMISSION_EXISTS: { status: 409, description: "The hub already holds a permission with this id." },
  HUB_PERMISSION_NOT_FOUND: { status: 404, description: "The hub holds no permission with this id." },
});

export type HubPermissionErrorCode = keyof typeof HUB_PERMISSION_ERRORS;
export class HubPermissionError extends DomainError<HubPermissionErrorCode> {}

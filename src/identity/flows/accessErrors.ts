// The error table of the enterprise agent's side of access permissions and of flow 2.4 (a discount spent once).
import { DomainError, defineErrors } from "../../core/errors/index.ts";

export const ACCESS_ERRORS = defineErrors("identity", {
  ACCESS_NOT_FOUND: { status: 404, description: "This agent asked for no access permission with this id." },
  ACCESS_NOT_GRANTED: {
    status: 409,
    description:
      "The access permission is not granted (still requested, denied, or retracted by the person); details give its status.",
  },
  ATTESTATION_NOT_ACCEPTED: {
    status: 422,
    description:
      "A retrieved or presented attestation fails the flow's checks (issuer not trusted, wrong type or holder, holder binding); details name the problem.",
  },
  ATTESTATION_SPENT: {
    status: 409,
    description:
      "A single-use attestation (a discount) was spent already; details give when and by which presentation.",
  },
});

export type AccessErrorCode = keyof typeof ACCESS_ERRORS;
export class AccessError extends DomainError<AccessErrorCode> {}

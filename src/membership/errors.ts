// Membership raises only the platform's codes (NOT_FOUND for an unknown member or proposal, CHAIN_REVERTED for a
// governance rule the registry enforces): its error table is empty on purpose.
import { defineErrors } from "../core/errors/index.ts";

export const MEMBERSHIP_ERRORS = defineErrors("membership", {});

// The EIDL domain's error table. Its refusals are answered with the platform's codes today (VALIDATION_FAILED,
// NOT_FOUND, FORBIDDEN, CONFLICT, CHAIN_REVERTED); codes of its own are declared here.
import { defineErrors } from "../core/errors/index.ts";

export const EIDL_ERRORS = defineErrors("eidl", {});

// The error registry, the exported ApiErrorCode type and docs/api-errors.md must agree: the codes are API contract.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { API_ERROR_CODES, API_ERRORS, ApiError, type ApiErrorCode } from "./errors.ts";

// Written out by hand on purpose: adding or removing a code without updating this list fails the typecheck.
const EXPECTED: Record<ApiErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CHAIN_REVERTED: 422,
  CHAIN_REJECTED: 422,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  CHAIN_UNAVAILABLE: 503,
};

function documentedCodes(): Record<string, number> {
  const doc = readFileSync(new URL("../../../docs/api-errors.md", import.meta.url), "utf8");
  const rows = [...doc.matchAll(/^\|\s*([A-Z_]+)\s*\|\s*(\d{3})\s*\|/gm)];
  return Object.fromEntries(rows.map((m) => [m[1], Number(m[2])]));
}

describe("API error registry", () => {
  it("gives every code the status the exported type promises", () => {
    assert.deepEqual(Object.fromEntries(API_ERROR_CODES.map((c) => [c, API_ERRORS[c].status])), EXPECTED);
  });

  it("documents exactly the registered codes with their statuses in docs/api-errors.md", () => {
    assert.deepEqual(documentedCodes(), EXPECTED);
  });

  it("builds ApiErrors whose status comes from the registry", () => {
    for (const code of API_ERROR_CODES) {
      const error = new ApiError(code, "m");
      assert.equal(error.statusCode, EXPECTED[code]);
      assert.equal(error.code, code);
    }
  });
});

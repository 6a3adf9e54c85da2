// Addresses in API input: the schemas admit any 0x + 40 hex digits. All lower case (or correctly checksummed) is an
// address; mixed case with a wrong EIP-55 checksum is a mistyped one, refused as the caller's input (400, naming the
// address), never an internal error, and nothing is written. Schemathesis found the 500s this replaces.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress } from "viem";
import { startTestConsortium, type TestConsortium } from "../../testkit/consortium.ts";

const SIGNER = "0xdabb86ddd05badca50e3c0f3cefbf20f6cc8addb";
// The same address with one letter's case flipped from its checksummed form: a wrong checksum.
const MISTYPED = (() => {
  const good = getAddress(SIGNER);
  const i = [...good].findIndex((c, n) => n > 1 && /[a-f]/i.test(c));
  const c = good[i] as string;
  return `${good.slice(0, i)}${c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()}${good.slice(i + 1)}`;
})();

describe("API: a mixed-case address with a wrong checksum", () => {
  let consortium: TestConsortium | undefined;
  before(async () => {
    consortium = await startTestConsortium([{ name: "gov", roles: ["MOBILE_OPERATOR"] }]);
  });
  after(() => consortium?.stop());

  it("is refused with 400 naming the address, and nothing is written; the lower-case form is accepted", async () => {
    const gov = consortium!.agents.gov!;
    const bad = await gov.call<{ code: string; message: string }>("POST", "/v1/network/validator-changes", {
      kind: "add",
      signer: MISTYPED,
    });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.code, "VALIDATION_FAILED");
    assert.ok(bad.body.message.includes(MISTYPED) && /checksum/.test(bad.body.message), bad.body.message);
    const none = await gov.call<{ items: unknown[] }>("GET", "/v1/network/validator-changes");
    assert.deepEqual(none.body.items, [], "nothing was proposed");

    const good = await gov.call<{ changeId: string }>("POST", "/v1/network/validator-changes", {
      kind: "add",
      signer: SIGNER,
    });
    assert.equal(good.status, 201, JSON.stringify(good.body));
  });
});

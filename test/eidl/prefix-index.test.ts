// The E.164 edge checks and the in-memory prefix index on their own: validity of chains (window, revocation,
// vetting, parent), one step per digit, and the holders' order.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseE164, parsePrefix, TnFormatError } from "../../src/eidl/prefix.ts";
import { type IndexedGrant, PrefixIndex } from "../../src/eidl/prefixIndex.ts";

/** Each grant made in a later block than the one before, as the contract records them. */
let blocks = 0;
const grant = (over: Partial<IndexedGrant> & Pick<IndexedGrant, "id" | "prefix" | "holder">): IndexedGrant => ({
  parentId: null,
  kind: 0,
  issuer: "na",
  validFrom: 100,
  validUntil: 0,
  revokedAt: 0,
  block: ++blocks,
  logIndex: 0,
  ...over,
});

function scenario(): PrefixIndex {
  const index = new PrefixIndex();
  index.setMember("m", true, [
    "NUMBERING_AUTHORITY",
    "TRUST_AUTHORITY",
    "KYC_VETTER",
    "TNSP",
    "TNR",
    "ENTERPRISE",
    "BPO",
  ]);
  const types = { na: 7, ta: 6, kyc: 0, tnsp: 4, tnsp2: 4, tnr: 1, brand: 2, bpo: 3 };
  for (const [org, type] of Object.entries(types)) index.setOrganisation(org, "m", type);
  index.setStanding("kyc", { authorized: true, vetter: "ta" });
  for (const org of ["tnsp", "tnsp2"]) index.setStanding(org, { authorized: true, vetter: "ta" });
  for (const org of ["tnr", "brand", "bpo"]) index.setStanding(org, { authorized: true, vetter: "kyc" });
  index.putGrant(grant({ id: "1", prefix: "1200200", holder: "tnsp" }));
  index.putGrant(grant({ id: "2", parentId: "1", prefix: "12002001", kind: 1, issuer: "tnsp", holder: "tnr" }));
  index.putGrant(
    grant({ id: "3", parentId: "2", prefix: "12002001234", kind: 2, issuer: "tnr", holder: "brand", validUntil: 500 }),
  );
  index.putGrant(grant({ id: "4", parentId: "3", prefix: "12002001234", kind: 2, issuer: "brand", holder: "bpo" }));
  return index;
}

describe("E.164 numbers and prefixes", () => {
  it("accepts digits with an optional plus and rejects everything else naming the field", () => {
    assert.equal(parseE164("+12002001234"), "12002001234");
    for (const bad of ["", "012", "12a4", "1234567890123456", 12002001234, "+"]) {
      assert.throws(
        () => parseE164(bad, "body.tn"),
        (e: unknown) => e instanceof TnFormatError && e.field === "body.tn",
      );
    }
    assert.equal(parsePrefix("1200200XXXX"), "1200200");
    assert.throws(() => parsePrefix("1200200XXXXXXXXX"), TnFormatError);
  });
});

describe("prefix index", () => {
  it("answers the whole chain, allocation holder first", () => {
    assert.deepEqual(scenario().whoMayUse("12002001234", 200), ["tnsp", "tnr", "brand", "bpo"]);
    assert.deepEqual(scenario().whoMayUse("12002001999", 200), ["tnsp", "tnr"]);
    assert.deepEqual(scenario().whoMayUse("12002009999", 200), ["tnsp"]);
    assert.deepEqual(scenario().whoMayUse("13002001234", 200), []);
  });

  it("drops a step outside its window and everything under it", () => {
    assert.deepEqual(scenario().whoMayUse("12002001234", 99), []);
    assert.deepEqual(scenario().whoMayUse("12002001234", 500), ["tnsp", "tnr"]);
  });

  it("revoking a step invalidates everything below it", () => {
    const index = scenario();
    index.markRevoked("2", 150);
    assert.deepEqual(index.whoMayUse("12002001234", 200), ["tnsp"]);
    assert.deepEqual(index.whoMayUse("12002001234", 149), ["tnsp", "tnr", "brand", "bpo"], "before the revocation");
  });

  it("a number ported out leaves its old chain: the longest started allocation decides", () => {
    const index = scenario();
    index.putGrant(grant({ id: "5", prefix: "12002001234", holder: "tnsp2", validFrom: 300 }));
    assert.deepEqual(index.whoMayUse("12002001234", 300), ["tnsp2"]);
    assert.deepEqual(index.whoMayUse("12002001234", 299), ["tnsp", "tnr", "brand", "bpo"], "before the port started");
    assert.deepEqual(index.whoMayUse("12002001235", 300), ["tnsp", "tnr"], "the rest of the block stays");
    index.markRevoked("5", 400);
    assert.deepEqual(index.whoMayUse("12002001234", 400), [], "a revoked port-in still decides: nobody holds it");
  });

  it("grant ids say nothing about age: the chain's order decides which allocation is newest", () => {
    // Content-derived 64-bit ids: the port's id is the smaller one, and both lose precision as JS numbers.
    const index = scenario();
    index.putGrant(grant({ id: "18446744073709551615", prefix: "1300300", holder: "tnsp" }));
    index.putGrant(grant({ id: "18446744073709551614", prefix: "13003001234", holder: "tnsp2", validFrom: 300 }));
    assert.deepEqual(index.whoMayUse("13003001234", 300), ["tnsp2"], "the later port decides");
    assert.deepEqual(index.whoMayUse("13003001235", 300), ["tnsp"], "the rest of the block stays");
  });

  it("a grant applied again from another block moves to its new place in its prefix's order", () => {
    const index = scenario();
    const bpo = index.grant("4") as IndexedGrant;
    index.putGrant({ ...bpo, block: 0 });
    assert.deepEqual(
      index.holdingsOf("12002001234", 200).map((h) => h.grantId),
      ["1", "2", "4", "3"],
      "oldest first on a prefix, by block then log index",
    );
  });

  it("an organisation that stops being Authorized, or whose vetter does, holds nothing", () => {
    const index = scenario();
    index.setStanding("brand", { authorized: false, vetter: "kyc" });
    assert.deepEqual(index.whoMayUse("12002001234", 200), ["tnsp", "tnr"]);
    index.setStanding("kyc", { authorized: false, vetter: "ta" });
    assert.deepEqual(index.whoMayUse("12002001234", 200), ["tnsp"]);
  });

  it("an organisation whose member loses the role of its type, or leaves, holds nothing", () => {
    const index = scenario();
    index.setMember("m", true, ["NUMBERING_AUTHORITY", "TRUST_AUTHORITY", "KYC_VETTER", "TNSP", "TNR", "ENTERPRISE"]);
    assert.deepEqual(index.whoMayUse("12002001234", 200), ["tnsp", "tnr", "brand"]);
    index.setMember("m", false, []);
    assert.deepEqual(index.whoMayUse("12002001234", 200), []);
  });
});

// Diverted calls (RFC 8946) against the real STI-AS and STI-VS code: the DiversionSigner signs a div PASSporT only
// when the ledger facts let the diverting party use the number, and the DiversionVerifier (with the real
// ShakenVerifier, X5uFetcher and a loopback certificate server) accepts a SHAKEN PASSporT followed by a chain of
// divs and refuses broken chains, divs the signer may not use, wrong ppt, replayed and stale divs with named reasons.
// The ledger facts here are a small table; test/stir/diversionApi.test.ts runs the same through the agents on EIDL.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { DomainError } from "../../src/core/errors/index.ts";
import { DiversionSigner } from "../../src/stir/diversion.ts";
import { type DiversionVerificationResult, DiversionVerifier } from "../../src/stir/divVerifier.ts";
import { StirError } from "../../src/stir/errors.ts";
import { formatIdentityHeader } from "../../src/stir/identityHeader.ts";
import { type JsonObject, signEs256 } from "../../src/stir/jws.ts";
import type { LedgerFacts } from "../../src/stir/ledgerFacts.ts";
import { TrustStore } from "../../src/stir/trustStore.ts";
import { ShakenVerifier } from "../../src/stir/verifier.ts";
import { X5uFetcher } from "../../src/stir/x5uFetcher.ts";
import { listenOnFreePort } from "../../testkit/ports.ts";
import { createStiCa, es256Signer } from "../../testkit/stiCa.ts";

const ORIG = "12155551212";
/** The enterprise's number the call was placed to, which it forwards to its mobile, which forwards to voicemail. */
const DIVERTING = "12155550100";
const MOBILE = "12155550177";
const VOICEMAIL = "12155550199";
const ENTERPRISE = "did:example:enterprise";
const OTHER = "did:example:other";
const REF = "did:example:tnsp#0x01";
const MOBILE_REF = "did:example:tnsp#0x02";
const ORIGID = "123e4567-e89b-42d3-a456-426614174000";

describe("diverted calls: div PASSporTs signed from ledger facts and verified as a chain", () => {
  const { sti, root, leaf } = createStiCa();
  let cr: Server;
  let x5u = "";
  let signer: DiversionSigner;
  let verifier: DiversionVerifier;
  const now = () => Math.floor(Date.now() / 1000);
  /** Grants by reference: holder and prefix; the enterprise holds both numbers, OTHER holds nothing. */
  const grants: Record<string, { holder: string; tnPrefix: string }> = {
    [REF]: { holder: ENTERPRISE, tnPrefix: DIVERTING },
    [MOBILE_REF]: { holder: ENTERPRISE, tnPrefix: MOBILE },
  };
  const vetted = new Set([ENTERPRISE, OTHER]);
  const facts: LedgerFacts = {
    vettingOf: (did) => (vetted.has(did) ? { authorized: true, vetter: "did:example:kyc" } : undefined),
    mayUse: (tn, did) => Object.values(grants).some((g) => g.holder === did && tn.startsWith(g.tnPrefix)),
    authorizationForUse: (tn, did) => {
      const ref = Object.keys(grants).find((r) => grants[r]?.holder === did && tn.startsWith(grants[r].tnPrefix));
      return ref ? { ref, issuer: "did:example:tnsp", holder: did, tnPrefix: tn, valid: true } : undefined;
    },
    tnAuthorization: (ref) => {
      const g = grants[ref];
      return g ? { ref, issuer: "did:example:tnsp", ...g, valid: true } : undefined;
    },
  };

  const shaken = (claims: JsonObject = {}) => {
    const token = signEs256(
      { alg: "ES256", ppt: "shaken", typ: "passport", x5u },
      { attest: "A", dest: { tn: [DIVERTING] }, iat: now(), orig: { tn: ORIG }, origid: ORIGID, ...claims },
      sti.privateKey,
    );
    return formatIdentityHeader({ token, info: x5u, ppt: "shaken" });
  };
  /** A div PASSporT signed by hand with the STI key, for the cases the signer refuses to produce. */
  const forgedDiv = (claims: JsonObject = {}, ppt = "div") => {
    const token = signEs256(
      { alg: "ES256", ppt, typ: "passport", x5u },
      {
        dest: { tn: [MOBILE] },
        div: { tn: DIVERTING },
        iat: now(),
        orig: { tn: ORIG },
        origid: ORIGID,
        tnauth: { uri: [REF] },
        ...claims,
      },
      sti.privateKey,
    );
    return formatIdentityHeader({ token, info: x5u, ppt });
  };
  const divert = (identity: string, div = DIVERTING, dest = [MOBILE], divertingDid = ENTERPRISE) =>
    signer.sign({ identity, div, dest, divertingDid }).identity;
  const verify = (identities: string[], to = MOBILE) => verifier.verify({ identities, from: ORIG, to: [to] });
  const expectFailure = (result: DiversionVerificationResult, sipCode: number, reason: string) => {
    assert.equal(result.verstat, "TN-Validation-Failed", JSON.stringify(result));
    assert.equal(result.sipCode, sipCode, JSON.stringify(result));
    assert.equal(result.reason, reason, JSON.stringify(result));
  };
  const refusal = (reason: string) => (error: unknown) =>
    error instanceof StirError && error.code === "STIR_DIVERSION_REFUSED" && error.reason === reason;

  before(async () => {
    cr = createServer((_req, res) => res.end(`${leaf.toString()}${root.toString()}`));
    x5u = `http://127.0.0.1:${await listenOnFreePort(cr)}/sti.pem`;
    const trust = new TrustStore();
    trust.add(root.toString(), "config");
    const fetcher = new X5uFetcher({ allowedOrigins: [new URL(x5u).origin] });
    const shakenVerifier = new ShakenVerifier({ fetcher, trust, freshnessSeconds: () => 60 });
    signer = new DiversionSigner({
      facts,
      signer: () => ({ x5u, sign: es256Signer(sti.privateKey) }),
      freshnessSeconds: () => 60,
    });
    verifier = new DiversionVerifier({ shaken: shakenVerifier, facts, freshnessSeconds: () => 60 });
  });
  after(async () => {
    cr?.closeAllConnections();
    await new Promise((resolve) => cr?.close(resolve));
  });

  it("signs a div PASSporT by RFC 8946 and the SHAKEN + div chain verifies step by step", async () => {
    const original = shaken();
    const signed = signer.sign({ identity: original, div: DIVERTING, dest: [MOBILE], divertingDid: ENTERPRISE });
    assert.match(signed.identity, /;info=<[^>]+>;alg=ES256;ppt=div$/);
    const [h, p] = signed.identity.split(";")[0]!.split(".") as [string, string];
    assert.deepEqual(JSON.parse(Buffer.from(h, "base64url").toString()), {
      alg: "ES256",
      ppt: "div",
      typ: "passport",
      x5u,
    });
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    assert.deepEqual(claims, {
      dest: { tn: [MOBILE] },
      div: { tn: DIVERTING },
      iat: claims.iat,
      orig: { tn: ORIG },
      origid: ORIGID,
      tnauth: { uri: [REF] },
    });
    assert.ok(Math.abs(claims.iat - now()) <= 2);
    const result = await verify([original, signed.identity]);
    assert.equal(result.verstat, "TN-Validation-Passed", JSON.stringify(result));
    assert.equal(result.attest, "A");
    assert.equal(result.origid, ORIGID);
    assert.deepEqual(
      result.steps.map((s) => [s.index, s.ppt, s.div, s.dest.join(), s.divertingDid, s.passed]),
      [
        [0, "shaken", undefined, DIVERTING, undefined, true],
        [1, "div", DIVERTING, MOBILE, ENTERPRISE, true],
      ],
    );
  });

  it("verifies a diversion of a diverted call with the headers in any order", async () => {
    const original = shaken();
    const first = divert(original);
    const second = divert(first, MOBILE, [VOICEMAIL]);
    const result = await verify([second, original, first], VOICEMAIL);
    assert.equal(result.verstat, "TN-Validation-Passed", JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((s) => [s.index, s.ppt, s.dest.join()]),
      [
        [1, "shaken", DIVERTING],
        [2, "div", MOBILE],
        [0, "div", VOICEMAIL],
      ],
    );
    // The same PASSporTs do not verify for a call to the intermediate target.
    expectFailure(await verify([second, original, first], MOBILE), 438, "dest-mismatch");
  });

  it("refuses to sign for a party the ledger does not let use the diverting number, or not vetted", () => {
    const original = shaken();
    assert.throws(() => divert(original, DIVERTING, [MOBILE], OTHER), refusal("div-tn-not-authorised"));
    assert.throws(
      () => divert(original, DIVERTING, [MOBILE], "did:example:unknown"),
      refusal("diverting-party-not-vetted"),
    );
    const field = (path: string) => (error: unknown) =>
      error instanceof DomainError && error.code === "VALIDATION_FAILED" && JSON.stringify(error).includes(path);
    assert.throws(() => divert(original, MOBILE, [VOICEMAIL]), field("body.div.tn"));
    assert.throws(() => divert(original, DIVERTING, [DIVERTING]), field("body.dest.tn"));
    assert.throws(
      () => divert(shaken({ iat: now() - 600 })),
      (e: unknown) => e instanceof StirError && e.reason === "iat-stale",
    );
  });

  it("refuses broken chains, divs the signer may not use, wrong ppt, replayed and stale divs", async () => {
    const original = shaken();
    // The div claims a number the SHAKEN PASSporT never called.
    expectFailure(await verify([original, forgedDiv({ div: { tn: VOICEMAIL } })]), 438, "div-chain-broken");
    // Its tnauth names the enterprise's authorization of another number: the signer may not divert from DIVERTING.
    const foreign = await verify([original, forgedDiv({ tnauth: { uri: [MOBILE_REF] } })]);
    expectFailure(foreign, 437, "div-tn-not-authorised");
    assert.deepEqual(
      foreign.steps.map((s) => [s.ppt, s.passed, s.reason]),
      [
        ["shaken", true, undefined],
        ["div", false, "div-tn-not-authorised"],
      ],
    );
    expectFailure(
      await verify([original, forgedDiv({ tnauth: { uri: ["did:example:x#0x09"] } })]),
      437,
      "div-tn-not-authorised",
    );
    expectFailure(await verify([original, forgedDiv({}, "rcd")]), 437, "ppt-unexpected");
    // A div lifted from another call (its origid) is a replay; so is one older than the call's SHAKEN PASSporT.
    expectFailure(
      await verify([original, forgedDiv({ origid: "223e4567-e89b-42d3-a456-426614174000" })]),
      438,
      "div-origid-mismatch",
    );
    expectFailure(await verify([original, forgedDiv({ iat: now() - 30 })]), 403, "div-iat-before-previous");
    expectFailure(await verify([shaken({ iat: now() - 50 }), forgedDiv({ iat: now() - 120 })]), 403, "iat-stale");
    expectFailure(await verify([original, forgedDiv({ orig: { tn: "12155559999" } })]), 438, "div-orig-mismatch");
    // One bit of the signature changed: the div's own signature must verify with its x5u certificate.
    const signedDiv = divert(original);
    const cut = signedDiv.slice(0, signedDiv.indexOf(";")).lastIndexOf(".") + 1;
    const tampered = `${signedDiv.slice(0, cut)}${signedDiv[cut] === "A" ? "B" : "A"}${signedDiv.slice(cut + 1)}`;
    expectFailure(await verify([original, tampered]), 438, "signature-invalid");
    expectFailure(await verify([divert(original)]), 438, "shaken-missing");
    expectFailure(await verify([original, shaken(), divert(original)]), 438, "shaken-repeated");
    const none = await verify([]);
    assert.equal(none.verstat, "No-TN-Validation");
    // A valid chain still verifies afterwards.
    assert.equal((await verify([original, divert(original)])).verstat, "TN-Validation-Passed");
  });
});

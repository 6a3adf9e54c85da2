// Issue 4 "Bad input": hostile Identity headers, PASSporTs and x5u URLs against the real STI-VS (ShakenVerifier with
// the real X5uFetcher and a loopback certificate server) and the real OSP attester. Each gets its RFC 8224 code and
// our reason (or, at the OSP, attestation B/C with the reason); afterwards a valid token still verifies promptly.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { OspAttester } from "../../src/stir/attestation.ts";
import { signEnterprisePassport } from "../../src/stir/enterpriseSigner.ts";
import { StirError } from "../../src/stir/errors.ts";
import { formatIdentityHeader } from "../../src/stir/identityHeader.ts";
import { type JsonObject, signEs256 } from "../../src/stir/jws.ts";
import type { LedgerFacts } from "../../src/stir/ledgerFacts.ts";
import { TrustStore } from "../../src/stir/trustStore.ts";
import { ShakenVerifier, type VerificationResult } from "../../src/stir/verifier.ts";
import { X5uFetcher } from "../../src/stir/x5uFetcher.ts";
import { listenOnFreePort } from "../../testkit/ports.ts";
import { createStiCa, es256Signer as rawSigner } from "../../testkit/stiCa.ts";

const ORIG = "12155551212";
const DEST = "12155550100";
const DID = "did:example:bpo";
const TNAUTH = "did:example:tnsp#0xabc";
const TIMEOUT_MS = 800;
const MAX_BYTES = 16_384;

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

describe("bad input: STI-VS and OSP answer each hostile input with the right code and stay up", () => {
  const { sti, root, leaf } = createStiCa();
  const enterprise = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const hangs: Array<() => void> = [];
  const adminHits: string[] = [];
  let cr: Server;
  let admin: Server;
  let base = "";
  let adminPort = 0;
  let verifier: ShakenVerifier;
  let fetcher: X5uFetcher;
  let attester: OspAttester;

  const now = () => Math.floor(Date.now() / 1000);
  const shakenHeader = (over: JsonObject = {}) => ({
    alg: "ES256",
    ppt: "shaken",
    typ: "passport",
    x5u: `${base}/good.pem`,
    ...over,
  });
  const shakenClaims = (over: JsonObject = {}) => ({
    attest: "A",
    dest: { tn: [DEST] },
    iat: now(),
    orig: { tn: ORIG },
    origid: "123e4567-e89b-42d3-a456-426614174000",
    ...over,
  });
  /** A properly signed SHAKEN Identity header; `undefined` in `over` drops a field. */
  const shaken = (header: JsonObject = {}, claims: JsonObject = {}) => {
    const h = shakenHeader(header);
    const token = signEs256(h, shakenClaims(claims), sti.privateKey);
    return formatIdentityHeader({ token, info: String(h.x5u), ppt: "shaken" });
  };
  const verify = (identity: string | undefined) => verifier.verify({ identity, from: `+${ORIG}`, to: [DEST] });
  const expectFailure = (result: VerificationResult, sipCode: number, reason: string) => {
    assert.equal(result.verstat, "TN-Validation-Failed", JSON.stringify(result));
    assert.equal(result.sipCode, sipCode, JSON.stringify(result));
    assert.equal(result.reason, reason, JSON.stringify(result));
    const phrases: Record<number, string> = {
      403: "Stale Date",
      428: "Use Identity Header",
      436: "Bad Identity Info",
      437: "Unsupported Credential",
      438: "Invalid Identity Header",
    };
    assert.equal(result.sipReason, phrases[sipCode]);
    assert.ok(result.message && result.message.length > 0);
  };

  before(async () => {
    cr = createServer((req, res) => {
      if (req.url === "/good.pem") return res.end(`${leaf.toString()}${root.toString()}`);
      if (req.url === "/slow.pem") return void hangs.push(() => res.destroy());
      if (req.url === "/huge-declared.pem") {
        res.writeHead(200, { "content-length": String(MAX_BYTES * 64) });
        return res.end(Buffer.alloc(MAX_BYTES * 64, 0x41));
      }
      if (req.url === "/huge.pem") {
        // Chunked, no content-length: the cap must hold while streaming.
        res.writeHead(200, { "content-type": "application/pem-certificate-chain" });
        const chunk = Buffer.alloc(8192, 0x41);
        let sent = 0;
        const pump = () => {
          while (sent < 256 && res.write(chunk)) sent++;
          if (sent < 256) res.once("drain", pump);
          else res.end();
        };
        res.on("error", () => {});
        return pump();
      }
      if (req.url === "/not-cert.pem") return res.end("<html>hello, not a certificate</html>");
      if (req.url === "/bad-pem.pem") return res.end("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
      res.writeHead(404).end();
    });
    admin = createServer((req, res) => {
      adminHits.push(req.url ?? "");
      res.end(`${leaf.toString()}${root.toString()}`);
    });
    base = `http://127.0.0.1:${await listenOnFreePort(cr)}`;
    adminPort = await listenOnFreePort(admin);
    const trust = new TrustStore();
    trust.add(root.toString(), "config");
    fetcher = new X5uFetcher({ allowedOrigins: [base], timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES });
    verifier = new ShakenVerifier({ fetcher, trust, freshnessSeconds: () => 60 });
    const facts: LedgerFacts = {
      vettingOf: (did) => (did === DID ? { authorized: true, vetter: "did:example:kyc" } : undefined),
      mayUse: (tn, did) => tn === ORIG && did === DID,
      authorizationForUse: () => undefined,
      tnAuthorization: (ref) =>
        ref === TNAUTH ? { ref, issuer: "did:example:tnsp", holder: DID, tnPrefix: ORIG, valid: true } : undefined,
    };
    attester = new OspAttester({
      facts,
      keysOf: async (did) => {
        if (did !== DID)
          throw new StirError("STIR_CREDENTIAL_UNAVAILABLE", "did-unresolvable", `${did} cannot be resolved`);
        return [enterprise.publicKey];
      },
      signer: () => ({ x5u: `${base}/good.pem`, sign: rawSigner(sti.privateKey) }),
      freshnessSeconds: () => 60,
    });
  });
  after(async () => {
    for (const hang of hangs) hang();
    cr?.closeAllConnections();
    admin?.closeAllConnections();
    await Promise.all([cr, admin].map((s) => new Promise((resolve) => s?.close(resolve))));
  });

  it("a valid SHAKEN PASSporT verifies (baseline)", async () => {
    const result = await verify(shaken());
    assert.equal(result.verstat, "TN-Validation-Passed", JSON.stringify(result));
    assert.equal(result.attest, "A");
  });

  it("missing, malformed, oversized and truncated Identity headers: 428 / 438", async () => {
    const missing = await verify(undefined);
    assert.equal(missing.verstat, "No-TN-Validation");
    assert.equal(missing.sipCode, 428);
    assert.equal(missing.reason, "identity-missing");
    const good = shaken();
    const [token, ...params] = good.split(";");
    const [h, p, s] = (token as string).split(".") as [string, string, string];
    const info = `info=<${base}/good.pem>;alg=ES256;ppt=shaken`;
    const cases: Array<[string, string]> = [
      ["garbage", "identity-info-missing"],
      [`${token};info=${base}/good.pem`, "identity-info-malformed"],
      [`${token};info`, "identity-param-malformed"],
      [`${good};info=<${base}/good.pem>`, "identity-param-repeated"],
      [`!!!.${p}.${s};${info}`, "header-not-base64url"],
      [`${b64("{not json")}.${p}.${s};${info}`, "header-not-json"],
      [`${b64("[1,2]")}.${p}.${s};${info}`, "header-not-object"],
      [`${h}.${b64("null")}.${s};${info}`, "payload-not-object"],
      [`${h}..${s};${info}`, "token-compact-form"],
      [`${"A".repeat(7000)};${info}`, "identity-too-long"],
      [`${h}.${"A".repeat(5000)}.${s};${info}`, "token-too-long"],
      // Truncations: whole header cut, third part gone, signature cut short, one part only.
      [good.slice(0, 40), "identity-info-missing"],
      [`${h}.${p};${info}`, "token-not-compact-jws"],
      [`${h}.${p}.${s.slice(0, 40)};${info}`, "signature-length"],
      [`${h};${info}`, "token-not-compact-jws"],
      [`${h}.${p}.${s}.${s};${info}`, "token-not-compact-jws"],
      [`;${info}`, "token-empty"],
    ];
    assert.equal(params.length, 3);
    for (const [identity, reason] of cases) expectFailure(await verify(identity), 438, reason);
    assert.equal(fetcher.fetches, 1, "no bad header led to an x5u fetch");
  });

  it("alg none, HS256 and anything but ES256 (token or Identity alg), wrong typ and ppt: 437", async () => {
    const info = `info=<${base}/good.pem>;alg=ES256;ppt=shaken`;
    const claims = b64(shakenClaims());
    const noneToken = `${b64(shakenHeader({ alg: "none" }))}.${claims}.`;
    const hsToken = `${b64(shakenHeader({ alg: "HS256" }))}.${claims}.${Buffer.alloc(32, 7).toString("base64url")}`;
    const cases: Array<[string, string]> = [
      [`${noneToken};${info}`, "alg-not-es256"],
      [`${hsToken};${info}`, "alg-not-es256"],
      [shaken({ alg: "none" }), "alg-not-es256"],
      [shaken({ alg: "HS256" }), "alg-not-es256"],
      [shaken({ alg: "RS256" }), "alg-not-es256"],
      [shaken({ alg: "ES384" }), "alg-not-es256"],
      [shaken({ alg: "es256" }), "alg-not-es256"],
      [shaken().replace("alg=ES256", "alg=HS256"), "alg-not-es256"],
      [shaken({ typ: "JWT" }), "typ-not-passport"],
      [shaken({ typ: undefined }), "typ-not-passport"],
      [shaken({ ppt: "rcd" }), "ppt-unexpected"],
      [shaken({ ppt: undefined }), "ppt-unexpected"],
      [shaken().replace("ppt=shaken", "ppt=div"), "ppt-unexpected"],
    ];
    for (const [identity, reason] of cases) expectFailure(await verify(identity), 437, reason);
  });

  it("missing or string-typed claims: 438 naming the claim", async () => {
    const cases: Array<[JsonObject, string]> = [
      [{ orig: undefined }, "claim-missing:orig"],
      [{ orig: ORIG }, "claim-type:orig"],
      [{ orig: { tn: 12155551212 } }, "claim-type:orig"],
      [{ dest: undefined }, "claim-missing:dest"],
      [{ dest: DEST }, "claim-type:dest"],
      [{ dest: { tn: [] } }, "claim-type:dest"],
      [{ iat: undefined }, "claim-missing:iat"],
      [{ iat: String(now()) }, "claim-type:iat"],
      [{ iat: now() + 0.5 }, "claim-type:iat"],
      [{ attest: undefined }, "claim-missing:attest"],
      [{ attest: "D" }, "claim-type:attest"],
      [{ attest: 1 }, "claim-type:attest"],
      [{ origid: undefined }, "claim-missing:origid"],
      [{ origid: 42 }, "claim-type:origid"],
      [{ origid: "not-a-uuid" }, "claim-type:origid"],
    ];
    for (const [claims, reason] of cases) expectFailure(await verify(shaken({}, claims)), 438, reason);
    expectFailure(await verify(shaken({ x5u: undefined })), 438, "header-x5u");
  });

  it("stale and future iat: 403 Stale Date", async () => {
    expectFailure(await verify(shaken({}, { iat: now() - 120 })), 403, "iat-stale");
    expectFailure(await verify(shaken({}, { iat: 0 })), 403, "iat-stale");
    expectFailure(await verify(shaken({}, { iat: now() + 120 })), 403, "iat-future");
  });

  it("x5u slow, huge, not a certificate, a loopback admin port, file: or not a URL: 436, and nothing fetched where refused", async () => {
    const started = performance.now();
    const slow = await verify(shaken({ x5u: `${base}/slow.pem` }));
    const slowMs = performance.now() - started;
    expectFailure(slow, 436, "x5u-fetch-failed");
    assert.ok(slowMs >= TIMEOUT_MS * 0.9 && slowMs < TIMEOUT_MS + 1500, `slow x5u took ${slowMs} ms`);
    expectFailure(await verify(shaken({ x5u: `${base}/huge.pem` })), 436, "x5u-too-large");
    expectFailure(await verify(shaken({ x5u: `${base}/huge-declared.pem` })), 436, "x5u-too-large");
    expectFailure(await verify(shaken({ x5u: `${base}/not-cert.pem` })), 436, "x5u-not-certificate");
    expectFailure(await verify(shaken({ x5u: `${base}/bad-pem.pem` })), 436, "x5u-not-certificate");
    expectFailure(await verify(shaken({ x5u: `${base}/missing.pem` })), 436, "x5u-status");
    const loopbacks = [
      `http://127.0.0.1:${adminPort}/good.pem`,
      `http://localhost:${adminPort}/good.pem`,
      `http://[::1]:${adminPort}/good.pem`,
      `http://[::ffff:127.0.0.1]:${adminPort}/good.pem`,
      `http://2130706433:${adminPort}/good.pem`,
      `http://0x7f.1:${adminPort}/good.pem`,
    ];
    for (const x5u of loopbacks) expectFailure(await verify(shaken({ x5u })), 436, "x5u-loopback");
    expectFailure(await verify(shaken({ x5u: "https://cr.example.net/sti.pem" })), 436, "x5u-host-not-allowed");
    expectFailure(await verify(shaken({ x5u: "file:///etc/passwd" })), 436, "x5u-scheme");
    expectFailure(await verify(shaken({ x5u: "ftp://127.0.0.1/x.pem" })), 436, "x5u-scheme");
    expectFailure(await verify(shaken({ x5u: `http://user:pw@127.0.0.1:${adminPort}/` })), 436, "x5u-credentials");
    expectFailure(await verify(shaken({ x5u: "not a url" })), 436, "x5u-not-url");
    // Even with "*" (any host) the loopback admin port stays refused, however the address is spelt.
    const open = new X5uFetcher({ allowedOrigins: ["*"], timeoutMs: TIMEOUT_MS });
    for (const x5u of loopbacks) {
      await assert.rejects(open.fetch(x5u), (e: StirError) => e.reason === "x5u-loopback", x5u);
    }
    assert.deepEqual(adminHits, [], "the admin port was never contacted");
    // Info that differs from x5u is refused before any fetch.
    const mismatched = shaken().replace(`info=<${base}/good.pem>`, `info=<${base}/other.pem>`);
    expectFailure(await verify(mismatched), 436, "info-x5u-mismatch");
  });

  it("OSP: bad Enterprise PASSporTs and an unknown DID give B (direct customer) or C with the reason", async () => {
    const enterpriseIdentity = (over: { did?: string; iat?: number; orig?: string } = {}) =>
      signEnterprisePassport(
        { did: over.did ?? DID, orig: over.orig ?? ORIG, dest: [DEST], tnauth: TNAUTH, iat: over.iat ?? now() },
        rawSigner(enterprise.privateKey),
      ).identity;
    const crafted = (header: JsonObject, payload: JsonObject, signature = Buffer.alloc(64, 1)) =>
      `${b64(header)}.${b64(payload)}.${signature.toString("base64url")};info=<${DID}>;alg=ES256;ppt=passport`;
    const header = { alg: "ES256", typ: "passport", jku: DID };
    const payload = { dest: { tn: [DEST] }, iat: now(), orig: { tn: ORIG }, tnauth: { uri: [TNAUTH] } };
    const attest = (identity: string | undefined, directCustomer = true) =>
      attester.attest({ orig: ORIG, dest: [DEST], identity, directCustomer });

    const good = await attest(enterpriseIdentity());
    assert.equal(good.attest, "A", JSON.stringify(good));
    assert.deepEqual(good.reasons, []);

    const cases: Array<[string, string[]]> = [
      ["garbage", ["enterprise-passport-identity-info-missing"]],
      [`${"A".repeat(7000)};info=<${DID}>`, ["enterprise-passport-identity-too-long"]],
      [enterpriseIdentity().slice(0, 60), ["enterprise-passport-identity-info-missing"]],
      [`${b64(header)}.${b64(payload)};info=<${DID}>`, ["enterprise-passport-token-not-compact-jws"]],
      [crafted({ ...header, alg: "none" }, payload, Buffer.alloc(0)), ["enterprise-passport-alg-not-es256"]],
      [crafted({ ...header, alg: "HS256" }, payload, Buffer.alloc(32, 1)), ["enterprise-passport-alg-not-es256"]],
      [crafted({ ...header, alg: "RS256" }, payload), ["enterprise-passport-alg-not-es256"]],
      [crafted({ ...header, typ: "JWT" }, payload), ["enterprise-passport-typ-not-passport"]],
      [crafted({ ...header, jku: 42 }, payload), ["enterprise-passport-header-jku"]],
      [crafted(header, { ...payload, orig: ORIG }), ["enterprise-passport-claim-type:orig"]],
      [crafted(header, { ...payload, orig: undefined }), ["enterprise-passport-claim-missing:orig"]],
      [crafted(header, { ...payload, dest: DEST }), ["enterprise-passport-claim-type:dest"]],
      [crafted(header, { ...payload, iat: String(now()) }), ["enterprise-passport-claim-type:iat"]],
      [crafted(header, { ...payload, tnauth: undefined }), ["enterprise-passport-claim-missing:tnauth"]],
      [crafted(header, { ...payload, tnauth: { uri: [42] } }), ["enterprise-passport-claim-type:tnauth"]],
      [enterpriseIdentity({ iat: now() - 300 }), ["iat-stale"]],
      [enterpriseIdentity({ iat: now() + 300 }), ["iat-future"]],
      [enterpriseIdentity({ did: "did:example:unknown" }), ["caller-did-resolved"]],
      [crafted(header, payload), ["signature-verified"]],
    ];
    for (const [identity, reasons] of cases) {
      const decision = await attest(identity);
      assert.equal(decision.attest, "B", `${identity.slice(0, 80)}: ${JSON.stringify(decision)}`);
      assert.deepEqual(
        decision.reasons,
        [...reasons, "direct-customer"].filter((r) => r !== "direct-customer"),
      );
      // The SHAKEN PASSporT it signs for B still verifies at the STI-VS, with attest B.
      const verified = await verify(decision.identity);
      assert.equal(verified.verstat, "TN-Validation-Passed", JSON.stringify(verified));
      assert.equal(verified.attest, "B");
    }
    const unknownC = await attest(enterpriseIdentity({ did: "did:example:unknown" }), false);
    assert.equal(unknownC.attest, "C");
    assert.deepEqual(unknownC.reasons, ["caller-did-resolved", "not-direct-customer"]);
    assert.equal(unknownC.callerDid, "did:example:unknown");
    const malformedC = await attest("garbage", false);
    assert.equal(malformedC.attest, "C");
    assert.deepEqual(malformedC.reasons, ["enterprise-passport-identity-info-missing", "not-direct-customer"]);
  });

  it("after all of them a valid token still verifies, and promptly even while a slow x5u is pending", async () => {
    const pending = verify(shaken({ x5u: `${base}/slow.pem` }));
    const started = performance.now();
    fetcher.clear();
    const result = await verify(shaken());
    const elapsed = performance.now() - started;
    assert.equal(result.verstat, "TN-Validation-Passed", JSON.stringify(result));
    assert.ok(elapsed < TIMEOUT_MS / 4, `valid verification took ${elapsed} ms beside a slow x5u`);
    const cachedStart = performance.now();
    assert.equal((await verify(shaken())).verstat, "TN-Validation-Passed");
    assert.ok(performance.now() - cachedStart < 100);
    expectFailure(await pending, 436, "x5u-fetch-failed");
  });
});

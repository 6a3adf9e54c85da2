// Signed calls end to end through the agents' APIs on a real devnet, with every ledger fact from EIDL: the trust
// hierarchy vets the organisations, the numbering authority allocates, the TNSP assigns, the TNR delegates to the
// Brand and the Brand to its BPO. The BPO signs an Enterprise PASSporT, the OSP attests A from its in-memory EIDL
// facts and signs SHAKEN with an STI certificate from the STI-CA; a terminating STI-VS verifies it. Revoking the
// delegation on chain turns the same call to B; withdrawing the BPO's vetting does too.
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { issueCertificate } from "../../src/stir/certificates.ts";
import type { TestAgent } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import {
  CALLED_TN,
  CALLING_TN,
  ok,
  type SignedCallsConsortium,
  startSignedCallsConsortium,
} from "../../testkit/signedCalls.ts";

type Body = Record<string, unknown>;

describe("signed calls: Enterprise PASSporT, OSP attestation with EIDL ledger facts, STI-VS", () => {
  let s: SignedCallsConsortium;
  let osp: TestAgent;
  let bpo: TestAgent;

  const attestCall = async (identity?: string, orig = "+1 215 555 1212") =>
    (await ok(osp, "POST", "/v1/stir/osp/attestations", {
      orig: { tn: orig },
      dest: { tn: [CALLED_TN] },
      ...(identity ? { identity } : {}),
      directCustomer: true,
    })) as { attest: string; reasons: string[]; identity: string; callerDid: string };
  const enterpriseIdentity = async (options: { rcd?: string; tnauth?: string; orig?: string } = {}) =>
    (
      (await ok(bpo, "POST", "/v1/stir/enterprise/passports", {
        did: s.orgs.bpo.did,
        orig: { tn: options.orig ?? CALLING_TN },
        dest: { tn: [CALLED_TN] },
        tnauth: options.tnauth ?? s.delegation.tnauth,
        ...(options.rcd ? { rcd: { nam: options.rcd } } : {}),
      })) as { identity: string }
    ).identity;

  before(async () => {
    s = await startSignedCallsConsortium();
    osp = s.agents.osp;
    bpo = s.agents.bpo;
  });
  after(async () => {
    await s?.stop();
  });

  it("attests A for a vetted BPO calling with a delegated number, and the SHAKEN PASSporT verifies", async () => {
    const decision = await attestCall(await enterpriseIdentity());
    assert.equal(decision.attest, "A", JSON.stringify(decision));
    assert.deepEqual(decision.reasons, []);
    assert.equal(decision.callerDid, s.orgs.bpo.did);
    const verified = await ok(osp, "POST", "/stir/v1/verification", {
      verificationRequest: { from: { tn: CALLING_TN }, to: { tn: [CALLED_TN] }, identity: decision.identity },
    });
    assert.deepEqual(verified.verificationResponse, {
      verstat: "TN-Validation-Passed",
      attest: "A",
      origid: (verified.verificationResponse as Body).origid,
    });
  });

  it("serves the x5u of its SHAKEN PASSporTs publicly under /v1/stir/certificates/", async () => {
    const { identity } = await attestCall(await enterpriseIdentity());
    const x5u = /;info=<([^>]+)>/.exec(identity)?.[1] ?? "";
    assert.match(x5u, new RegExp(`^${osp.url}/v1/stir/certificates/[0-9a-f]{16}\\.pem$`));
    const served = await fetch(x5u);
    assert.equal(served.status, 200);
    assert.match(await served.text(), /^-----BEGIN CERTIFICATE-----/);
    assert.equal((await fetch(`${osp.url}/v1/stir/certificates/0000000000000000.pem`)).status, 404);
  });

  it("answers a refusal with its own code, status, facts.reason and SIP status", async () => {
    // The BPO's agent holds no STI certificate: it cannot sign SHAKEN.
    const response = await fetch(`${bpo.url}/stir/v1/signing`, {
      method: "POST",
      headers: { authorization: `Bearer ${bpo.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        signingRequest: {
          attest: "A",
          orig: { tn: CALLING_TN },
          dest: { tn: [CALLED_TN] },
          iat: Math.floor(Date.now() / 1000),
          origid: "123e4567-e89b-42d3-a456-426614174000",
        },
      }),
    });
    const body = (await response.json()) as Body;
    assert.equal(response.status, 409, JSON.stringify(body));
    assert.equal(body.code, "STIR_NOT_CONFIGURED");
    assert.deepEqual(body.facts, { reason: "no-sti-certificate" });
    assert.equal(response.headers.get("x-sip-status"), "500 Server Internal Error");
    // Input only the service can check is the platform's VALIDATION_FAILED, naming the absolute field.
    const bad = await osp.call<Body>("POST", "/stir/v1/signing", {
      signingRequest: {
        attest: "A",
        orig: { tn: CALLING_TN },
        dest: { tn: [CALLED_TN, "12-x"] },
        iat: 1,
        origid: "123e4567-e89b-42d3-a456-426614174000",
      },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "VALIDATION_FAILED");
    assert.deepEqual(
      (bad.body.details as { field: string }[]).map((d) => d.field),
      ["body.signingRequest.dest.tn[1]"],
    );
  });

  it("lets a read-only key verify but not sign, attest or change the trust roots", async () => {
    const created = await ok(osp, "POST", "/v1/api-keys", { userName: "terminating-proxy", role: "read-only" }, 201);
    const key = String(created.key);
    const { identity } = await attestCall(await enterpriseIdentity());
    const verified = await osp.call<Body>(
      "POST",
      "/stir/v1/verification",
      { verificationRequest: { from: { tn: CALLING_TN }, to: { tn: [CALLED_TN] }, identity } },
      key,
    );
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal((verified.body.verificationResponse as Body).verstat, "TN-Validation-Passed");
    const attest = { orig: { tn: CALLING_TN }, dest: { tn: [CALLED_TN] }, directCustomer: true };
    assert.equal((await osp.call("POST", "/v1/stir/osp/attestations", attest, key)).status, 403);
    assert.equal((await osp.call("POST", "/v1/stir/trust-roots", { pem: s.rootPem }, key)).status, 403);
    assert.equal((await osp.call("GET", "/v1/stir/trust-roots", undefined, key)).status, 200);
  });

  it("pages the trust roots in fingerprint order with limit and cursor", async () => {
    const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const other = issueCertificate({
      subject: { commonName: "Another STI-CA" },
      issuer: { commonName: "Another STI-CA" },
      subjectPublicKey: ca.publicKey,
      issuerPublicKey: ca.publicKey,
      sign: (data) => sign("sha256", Buffer.from(data), { key: ca.privateKey, dsaEncoding: "ieee-p1363" }),
      isCa: true,
      validDays: 30,
    });
    await ok(osp, "POST", "/v1/stir/trust-roots", { pem: other.toString() }, 201);
    try {
      const all = (await ok(osp, "GET", "/v1/stir/trust-roots")) as { items: { fingerprint: string }[] };
      assert.equal(all.items.length, 2);
      const fingerprints = all.items.map((r) => r.fingerprint);
      assert.deepEqual(fingerprints, [...fingerprints].sort());
      const first = (await ok(osp, "GET", "/v1/stir/trust-roots?limit=1")) as {
        items: { fingerprint: string }[];
        nextCursor: string | null;
      };
      assert.deepEqual(
        first.items.map((r) => r.fingerprint),
        [fingerprints[0]],
      );
      assert.ok(first.nextCursor);
      const second = (await ok(
        osp,
        "GET",
        `/v1/stir/trust-roots?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`,
      )) as { items: { fingerprint: string }[]; nextCursor: string | null };
      assert.deepEqual(
        second.items.map((r) => r.fingerprint),
        [fingerprints[1]],
      );
      assert.equal(second.nextCursor, null);
      const badCursor = await osp.call<Body>("GET", "/v1/stir/trust-roots?cursor=nonsense");
      assert.equal(badCursor.status, 400);
      assert.equal((badCursor.body.details as { field: string }[])[0]?.field, "query.cursor");
    } finally {
      await osp.call("DELETE", `/v1/stir/trust-roots/${other.fingerprint256}`);
    }
  });

  it("attests A for the rcd form too", async () => {
    assert.equal((await attestCall(await enterpriseIdentity({ rcd: "Acme Bank" }))).attest, "A");
  });

  it("gives B when tnauth names another grant, or the number is outside the BPO's delegation", async () => {
    const brandGrant = (
      (await ok(s.agents.brand, "GET", `/v1/eidl/grants?holder=${s.orgs.brand.did}`)).items as Array<{
        issuerId: string;
        credentialHash: string;
      }>
    )[0] as { issuerId: string; credentialHash: string };
    const wrongRef = await attestCall(
      await enterpriseIdentity({ tnauth: `${brandGrant.issuerId}#${brandGrant.credentialHash}` }),
    );
    assert.equal(wrongRef.attest, "B");
    assert.deepEqual(wrongRef.reasons, ["tnauth-matches"]);
    const unknownRef = await attestCall(
      await enterpriseIdentity({ tnauth: `${s.orgs.brand.did}#0x${"ab".repeat(32)}` }),
    );
    assert.deepEqual(unknownRef.reasons, ["tnauth-matches"]);
    const otherNumber = await attestCall(await enterpriseIdentity({ orig: "12155551299" }), "12155551299");
    assert.equal(otherNumber.attest, "B");
    assert.deepEqual(otherNumber.reasons.sort(), ["tn-authorised", "tnauth-matches"]);
  });

  it("rejects a tampered SHAKEN token with 438 and an unknown root with 437", async () => {
    const { identity } = await attestCall(await enterpriseIdentity());
    const [token, ...params] = identity.split(";");
    const [h, p, sig] = (token as string).split(".");
    const claims = JSON.parse(Buffer.from(p as string, "base64url").toString());
    claims.orig.tn = "12155551299";
    const forged = [`${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`, ...params].join(";");
    const verify = (identityHeader: string, from = "12155551299") =>
      ok(osp, "POST", "/stir/v1/verification", {
        verificationRequest: { from: { tn: from }, to: { tn: [CALLED_TN] }, identity: identityHeader },
      });
    const tampered = (await verify(forged)).verificationResponse as Body;
    assert.equal(tampered.verstat, "TN-Validation-Failed");
    assert.equal(tampered.reasonCode, 438);
    assert.equal(tampered.reason, "signature-invalid");
    const missing = (await ok(osp, "POST", "/stir/v1/verification", {
      verificationRequest: { from: { tn: "1" }, to: { tn: ["2"] } },
    })) as { verificationResponse: Body };
    assert.equal(missing.verificationResponse.verstat, "No-TN-Validation");
    assert.equal(missing.verificationResponse.reasonCode, 428);
    const roots = (await ok(osp, "GET", "/v1/stir/trust-roots")).items as { fingerprint: string }[];
    const fingerprint = (roots[0] as { fingerprint: string }).fingerprint;
    assert.equal((await osp.call("DELETE", `/v1/stir/trust-roots/${fingerprint}`)).status, 204);
    try {
      const untrusted = (await verify(identity, CALLING_TN)).verificationResponse as Body;
      assert.equal(untrusted.reasonCode, 437);
      assert.equal(untrusted.reason, "chain-untrusted");
    } finally {
      await ok(osp, "POST", "/v1/stir/trust-roots", { pem: s.rootPem }, 201);
    }
  });

  it("gives B with reasons for a bad Enterprise PASSporT and C when the caller is not a customer", async () => {
    const good = await enterpriseIdentity();
    const [token, ...params] = good.split(";");
    const [, p, sig] = (token as string).split(".");
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "passport", jku: s.orgs.bpo.did })).toString(
      "base64url",
    );
    const noneDecision = await attestCall([`${none}.${p}.${sig}`, ...params].join(";"));
    assert.equal(noneDecision.attest, "B");
    assert.deepEqual(noneDecision.reasons, ["enterprise-passport-alg-not-es256"]);
    const truncated = await attestCall(good.slice(0, 40));
    assert.equal(truncated.attest, "B");
    const c = (await ok(osp, "POST", "/v1/stir/osp/attestations", {
      orig: { tn: CALLING_TN },
      dest: { tn: [CALLED_TN] },
      directCustomer: false,
    })) as { attest: string; reasons: string[] };
    assert.equal(c.attest, "C");
    assert.deepEqual(c.reasons, ["enterprise-passport-missing", "not-direct-customer"]);
    const bad = await osp.call<Body>("POST", "/v1/stir/osp/attestations", {
      orig: { tn: "not-a-number" },
      dest: { tn: [CALLED_TN] },
      directCustomer: true,
    });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.details as { field: string }[])[0]?.field, "body.orig.tn");
  });

  it("gives B while the BPO's vetting is withdrawn, and A again once it is vetted Authorized again", async () => {
    const vet = (result: number) =>
      ok(
        s.agents.kyc,
        "POST",
        `/v1/vetterAuthorization/${s.orgs.bpo.did}/vetter/${s.orgs.kyc.did}`,
        { status: 1, result },
        201,
      );
    await vet(1);
    const withdrawn = await eventually(async () => {
      const d = await attestCall(await enterpriseIdentity());
      assert.equal(d.attest, "B");
      return d;
    });
    // An unauthorized holder also invalidates its grants: the TN checks fail with the vetting.
    assert.deepEqual(withdrawn.reasons.sort(), ["caller-vetted", "tn-authorised", "tnauth-matches"]);
    await vet(0);
    await eventually(async () => assert.equal((await attestCall(await enterpriseIdentity())).attest, "A"));
  });

  it("turns the same call to B for calls after the block that revokes the delegation", async () => {
    assert.equal((await attestCall(await enterpriseIdentity())).attest, "A");
    await ok(s.agents.brand, "POST", `/v1/eidl/grants/${s.delegation.grantId}/revoke`, { reason: "Canceled" });
    // The revoking agent's write returns after its own indexer saw the block; the OSP's follows within a poll.
    const decision = await eventually(async () => {
      const d = await attestCall(await enterpriseIdentity());
      assert.equal(d.attest, "B");
      return d;
    });
    assert.deepEqual(decision.reasons.sort(), ["tn-authorised", "tnauth-matches"]);
  });
});

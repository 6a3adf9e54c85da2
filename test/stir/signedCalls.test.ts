// Signed calls end to end through the agents' APIs on a real devnet, with every ledger fact from EIDL: the trust
// hierarchy vets the organisations, the numbering authority allocates, the TNSP assigns, the TNR delegates to the
// Brand and the Brand to its BPO. The BPO signs an Enterprise PASSporT, the OSP attests A from its in-memory EIDL
// facts and signs SHAKEN with an STI certificate from the STI-CA; a terminating STI-VS verifies it. Revoking the
// delegation on chain turns the same call to B; withdrawing the BPO's vetting does too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
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
    (await ok(osp, "POST", "/stir/v1/osp/attestations", {
      orig: { tn: orig },
      dest: { tn: [CALLED_TN] },
      ...(identity ? { identity } : {}),
      directCustomer: true,
    })) as { attest: string; reasons: string[]; identity: string; callerDid: string };
  const enterpriseIdentity = async (options: { rcd?: string; tnauth?: string; orig?: string } = {}) =>
    (
      (await ok(bpo, "POST", "/stir/v1/enterprise/passports", {
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

  it("attests A for the rcd form too", async () => {
    assert.equal((await attestCall(await enterpriseIdentity({ rcd: "Acme Bank" }))).attest, "A");
  });

  it("gives B when tnauth names another grant, or the number is outside the BPO's delegation", async () => {
    const brandGrant = (
      (await ok(s.agents.brand, "GET", `/v1/tnallocations?holder=${s.orgs.brand.did}`)).items as Array<{
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
    const roots = (await ok(osp, "GET", "/stir/v1/trust-roots")).items as { fingerprint: string }[];
    const fingerprint = (roots[0] as { fingerprint: string }).fingerprint;
    assert.equal((await osp.call("DELETE", `/stir/v1/trust-roots/${fingerprint}`)).status, 204);
    try {
      const untrusted = (await verify(identity, CALLING_TN)).verificationResponse as Body;
      assert.equal(untrusted.reasonCode, 437);
      assert.equal(untrusted.reason, "chain-untrusted");
    } finally {
      await ok(osp, "POST", "/stir/v1/trust-roots", { pem: s.rootPem }, 201);
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
    const c = (await ok(osp, "POST", "/stir/v1/osp/attestations", {
      orig: { tn: CALLING_TN },
      dest: { tn: [CALLED_TN] },
      directCustomer: false,
    })) as { attest: string; reasons: string[] };
    assert.equal(c.attest, "C");
    assert.deepEqual(c.reasons, ["enterprise-passport-missing", "not-direct-customer"]);
    const bad = await osp.call<Body>("POST", "/stir/v1/osp/attestations", {
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
    await ok(s.agents.brand, "POST", `/v1/tnallocation/${s.delegation.grantId}/revoke`, { reason: "Canceled" });
    // The revoking agent's write returns after its own indexer saw the block; the OSP's follows within a poll.
    const decision = await eventually(async () => {
      const d = await attestCall(await enterpriseIdentity());
      assert.equal(d.attest, "B");
      return d;
    });
    assert.deepEqual(decision.reasons.sort(), ["tn-authorised", "tnauth-matches"]);
  });
});

// Signed calls end to end through the agents' APIs on a real devnet: an authority allocates a number block to a
// brand, the brand delegates part of it to its call centre (BPO), the authority vets the BPO; the BPO signs an
// Enterprise PASSporT, the OSP attests A from its in-memory ledger facts and signs SHAKEN with an STI certificate
// issued by the sandbox STI-CA; a terminating STI-VS verifies it. Revoking the delegation turns the next call to B.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../support/consortium.ts";
import { eventually } from "../support/eventually.ts";

type Body = Record<string, unknown>;

describe("signed calls: Enterprise PASSporT, OSP attestation with ledger checks, STI-VS", () => {
  let consortium: TestConsortium;
  let authority: TestAgent;
  let brand: TestAgent;
  let bpo: TestAgent;
  let osp: TestAgent;
  const dids: Record<string, string> = {};
  let delegation: { credentialId: string; ref: string };
  let bpoDid = "";

  const ok = async (agent: TestAgent, method: string, path: string, body?: unknown, status = 200) => {
    const r = await agent.call<Body>(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const issue = async (agent: TestAgent, issuer: string, type: string, credentialSubject: Body) =>
    (await ok(agent, "POST", "/v1/credentials", { issuer, type, credentialSubject }, 201)) as {
      jwt: string;
      credentialId: string;
    };
  const attestCall = async (identity?: string) =>
    (await ok(osp, "POST", "/stir/v1/osp/attestations", {
      orig: { tn: "+1 215 555 1212" },
      dest: { tn: ["12125551213"] },
      ...(identity ? { identity } : {}),
      directCustomer: true,
    })) as { attest: string; reasons: string[]; identity: string; callerDid: string };
  const enterpriseIdentity = async (rcd?: string) =>
    (
      (await ok(bpo, "POST", "/stir/v1/enterprise/passports", {
        did: bpoDid,
        orig: { tn: "12155551212" },
        dest: { tn: ["12125551213"] },
        tnauth: delegation.ref,
        ...(rcd ? { rcd: { nam: rcd } } : {}),
      })) as { identity: string }
    ).identity;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "authority", roles: ["NUMBERING_AUTHORITY", "TRUST_AUTHORITY"] },
      { name: "brand", roles: ["ENTERPRISE"] },
      { name: "bpo", roles: ["BPO"] },
      { name: "osp", roles: ["OSP"] },
    ]);
    ({ authority, brand, bpo, osp } = consortium.agents as Record<string, TestAgent> as {
      authority: TestAgent;
      brand: TestAgent;
      bpo: TestAgent;
      osp: TestAgent;
    });
    for (const [name, agent] of Object.entries({ authority, brand, bpo })) {
      dids[name] = (await ok(agent, "POST", "/v1/dids", { label: name }, 201)).did as string;
    }
    bpoDid = dids.bpo as string;
    // The authority allocates 1215555 to the brand; the brand delegates 12155551 to its BPO.
    const allocation = await issue(authority, dids.authority as string, "TnAuthorizationCredential", {
      id: dids.brand,
      tnPrefix: "1215555",
      kind: "Allocation",
    });
    const allocationRef = `${dids.authority}#${allocation.credentialId}`;
    const delegated = await issue(brand, dids.brand as string, "TnAuthorizationCredential", {
      id: bpoDid,
      tnPrefix: "12155551",
      kind: "Delegation",
      parent: allocationRef,
    });
    delegation = { credentialId: delegated.credentialId, ref: `${dids.brand}#${delegated.credentialId}` };
    const vetting = await issue(authority, dids.authority as string, "EnterpriseVettingCredential", {
      id: bpoDid,
      result: "Authorized",
    });
    for (const credential of [allocation.jwt, delegated.jwt, vetting.jwt]) {
      await ok(osp, "POST", "/stir/v1/osp/credentials", { credential }, 201);
    }
    // Test agents listen on port 0, so the OSP is told its real URL (x5u base and the origin its STI-VS fetches from).
    await ok(osp, "PUT", "/stir/v1/settings", { x5uBaseUrl: osp.url, x5uAllowedOrigins: [osp.url] });
    // STI-CA on the authority; the OSP's STI key, certificate and the terminating side's trust in the root.
    const root = (await ok(authority, "POST", "/stir/v1/ca", { commonName: "Sandbox STI-CA" })).certificatePem;
    const { publicKeyPem } = await ok(osp, "POST", "/stir/v1/sti/key", { spc: "1234" });
    const { chainPem } = await ok(authority, "POST", "/stir/v1/ca/certificates", { publicKeyPem, spc: "1234" });
    await ok(osp, "PUT", "/stir/v1/sti/certificate", { chainPem });
    await ok(osp, "POST", "/stir/v1/trust-roots", { pem: root }, 201);
  });
  after(async () => {
    await consortium?.stop();
  });

  it("attests A for a vetted BPO calling with a delegated number, and the SHAKEN PASSporT verifies", async () => {
    const decision = await attestCall(await enterpriseIdentity());
    assert.equal(decision.attest, "A", JSON.stringify(decision));
    assert.deepEqual(decision.reasons, []);
    assert.equal(decision.callerDid, bpoDid);
    const verified = await ok(osp, "POST", "/stir/v1/verification", {
      verificationRequest: { from: { tn: "12155551212" }, to: { tn: ["12125551213"] }, identity: decision.identity },
    });
    assert.deepEqual(verified.verificationResponse, {
      verstat: "TN-Validation-Passed",
      attest: "A",
      origid: (verified.verificationResponse as Body).origid,
    });
  });

  it("attests A for the rcd form too", async () => {
    assert.equal((await attestCall(await enterpriseIdentity("Acme Bank"))).attest, "A");
  });

  it("rejects a tampered SHAKEN token with 438 and an unknown root with 437", async () => {
    const { identity } = await attestCall(await enterpriseIdentity());
    const [token, ...params] = identity.split(";");
    const [h, p, s] = (token as string).split(".");
    const claims = JSON.parse(Buffer.from(p as string, "base64url").toString());
    claims.orig.tn = "12155551299";
    const forged = [`${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`, ...params].join(";");
    const verify = (identityHeader: string, from = "12155551299") =>
      ok(osp, "POST", "/stir/v1/verification", {
        verificationRequest: { from: { tn: from }, to: { tn: ["12125551213"] }, identity: identityHeader },
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
    const untrusted = (await verify(identity, "12155551212")).verificationResponse as Body;
    assert.equal(untrusted.reasonCode, 437);
    assert.equal(untrusted.reason, "chain-untrusted");
  });

  it("gives B with reasons for a bad Enterprise PASSporT and C when the caller is not a customer", async () => {
    const good = await enterpriseIdentity();
    const [token, ...params] = good.split(";");
    const [, p, s] = (token as string).split(".");
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "passport", jku: bpoDid })).toString("base64url");
    const noneDecision = await attestCall([`${none}.${p}.${s}`, ...params].join(";"));
    assert.equal(noneDecision.attest, "B");
    assert.deepEqual(noneDecision.reasons, ["enterprise-passport-alg-not-es256"]);
    const truncated = await attestCall(good.slice(0, 40));
    assert.equal(truncated.attest, "B");
    const c = (await ok(osp, "POST", "/stir/v1/osp/attestations", {
      orig: { tn: "12155551212" },
      dest: { tn: ["12125551213"] },
      directCustomer: false,
    })) as { attest: string; reasons: string[] };
    assert.equal(c.attest, "C");
    assert.deepEqual(c.reasons, ["enterprise-passport-missing", "not-direct-customer"]);
    const bad = await osp.call<Body>("POST", "/stir/v1/osp/attestations", {
      orig: { tn: "not-a-number" },
      dest: { tn: ["12125551213"] },
      directCustomer: true,
    });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.details as { field: string }[])[0]?.field, "body.orig.tn");
  });

  it("turns the same call to B after the delegation is revoked on chain", async () => {
    await ok(brand, "POST", `/v1/credentials/${delegation.credentialId}/revoke`, {
      issuer: dids.brand,
      reason: "Canceled",
    });
    const decision = await eventually(async () => {
      const d = await attestCall(await enterpriseIdentity());
      assert.equal(d.attest, "B");
      return d;
    });
    assert.deepEqual(decision.reasons.sort(), ["tn-authorised", "tnauth-matches"]);
  });
});

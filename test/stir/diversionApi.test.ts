// Diverted calls (RFC 8946) through the agents' APIs and CLI on a real devnet, every ledger fact from EIDL: the BPO
// calls the reseller's number 12155551300 (in the sub-block the TNSP assigned to the TNR), the OSP attests A, the
// TNR forwards the call to 12125550100 and its OSP signs a div PASSporT, because the ledger lets the TNR use the
// number; the STI-VS verifies the SHAKEN + div chain. The BPO may not divert from that number (403, reason); once the
// TNSP revokes the TNR's assignment on chain, the OSP refuses the TNR's diversions too.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { TestAgent } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import {
  CALLING_TN,
  ok,
  type SignedCallsConsortium,
  SUB_BLOCK,
  startSignedCallsConsortium,
} from "../../testkit/signedCalls.ts";

type Body = Record<string, unknown>;
const DIVERTING = `${SUB_BLOCK}300`;
const TARGET = "12125550100";
const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;

describe("diverted calls through the API: div PASSporTs from EIDL facts, chains verified by the STI-VS", () => {
  let s: SignedCallsConsortium;
  let osp: TestAgent;
  /** The TNR's assignment of the sub-block: the authorization its div PASSporTs name. */
  let assignment: { grantId: string; tnauth: string };

  const attested = async () => {
    const { identity } = (await ok(s.agents.bpo, "POST", "/v1/stir/enterprise/passports", {
      did: s.orgs.bpo.did,
      orig: { tn: CALLING_TN },
      dest: { tn: [DIVERTING] },
      tnauth: s.delegation.tnauth,
    })) as { identity: string };
    const decision = (await ok(osp, "POST", "/v1/stir/osp/attestations", {
      orig: { tn: CALLING_TN },
      dest: { tn: [DIVERTING] },
      identity,
      directCustomer: true,
    })) as { attest: string; identity: string };
    assert.equal(decision.attest, "A", JSON.stringify(decision));
    return decision.identity;
  };
  const divert = (identity: string, divertingDid: string, key?: string) =>
    osp.call<Body>(
      "POST",
      "/v1/stir/osp/diversions",
      { identity, div: { tn: DIVERTING }, dest: { tn: [TARGET] }, divertingDid },
      key,
    );
  const cli = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, "stir", ...args, "--url", osp.url, "--api-key", osp.adminKey, "--json"],
      { encoding: "utf8", timeout: 120_000 },
    );
    return JSON.parse(stdout) as Body;
  };

  before(async () => {
    s = await startSignedCallsConsortium();
    osp = s.agents.osp;
    const grants = await ok(osp, "GET", `/v1/eidl/grants?holder=${s.orgs.tnr.did}`);
    const grant = (grants.items as Body[]).find((g) => g.tnId === SUB_BLOCK) as Body;
    assignment = {
      grantId: String(grant.grantId),
      tnauth: `${grant.issuerId}#${String(grant.credentialHash).toLowerCase()}`,
    };
  });
  after(async () => {
    await s?.stop();
  });

  it("signs the TNR's div PASSporT and verifies the SHAKEN + div chain step by step", async () => {
    const original = await attested();
    const signed = await divert(original, s.orgs.tnr.did);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.div, DIVERTING);
    assert.deepEqual(signed.body.dest, [TARGET]);
    assert.equal(signed.body.orig, CALLING_TN);
    assert.equal(signed.body.tnauth, assignment.tnauth);
    assert.match(String(signed.body.identity), /;ppt=div$/);
    const verified = await ok(osp, "POST", "/v1/stir/verifications", {
      from: { tn: `+${CALLING_TN}` },
      to: { tn: [TARGET] },
      identities: [original, signed.body.identity],
    });
    assert.equal(verified.verstat, "TN-Validation-Passed", JSON.stringify(verified));
    assert.equal(verified.attest, "A");
    assert.equal(verified.origid, signed.body.origid);
    assert.deepEqual(
      (verified.steps as Body[]).map((step) => [step.ppt, step.div, step.divertingDid, step.passed]),
      [
        ["shaken", undefined, undefined, true],
        ["div", DIVERTING, s.orgs.tnr.did, true],
      ],
    );
    // Without the div the call to the new target does not verify: the SHAKEN dest is the diverting number.
    const alone = await ok(osp, "POST", "/v1/stir/verifications", {
      from: { tn: CALLING_TN },
      to: { tn: [TARGET] },
      identities: [original],
    });
    assert.equal(alone.reason, "dest-mismatch");
    assert.equal(alone.reasonCode, 438);
  });

  it("does the same through the CLI: stir divert, and stir verify with both headers", async () => {
    const original = await attested();
    const div = await cli("divert", original, DIVERTING, TARGET, "--diverting-did", s.orgs.tnr.did);
    const verified = await cli("verify", CALLING_TN, TARGET, original, String(div.identity));
    assert.equal(verified.verstat, "TN-Validation-Passed", JSON.stringify(verified));
    assert.equal((verified.steps as Body[]).length, 2);
  });

  it("refuses a diverting party the ledger does not let use the number, with its code, reason and SIP status", async () => {
    const original = await attested();
    const refused = await fetch(`${osp.url}/v1/stir/osp/diversions`, {
      method: "POST",
      headers: { authorization: `Bearer ${osp.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        identity: original,
        div: { tn: DIVERTING },
        dest: { tn: [TARGET] },
        divertingDid: s.orgs.bpo.did,
      }),
    });
    const body = (await refused.json()) as Body;
    assert.equal(refused.status, 403, JSON.stringify(body));
    assert.equal(body.code, "STIR_DIVERSION_REFUSED");
    assert.deepEqual(body.facts, { reason: "div-tn-not-authorised" });
    assert.equal(refused.headers.get("x-sip-status"), "437 Unsupported Credential");
    // Input the service checks names the absolute field; the schema refuses a missing party.
    const notDest = await osp.call<Body>("POST", "/v1/stir/osp/diversions", {
      identity: original,
      div: { tn: TARGET },
      dest: { tn: [DIVERTING] },
      divertingDid: s.orgs.tnr.did,
    });
    assert.equal(notDest.status, 400);
    assert.equal((notDest.body.details as { field: string }[])[0]?.field, "body.div.tn");
    const missing = await osp.call<Body>("POST", "/v1/stir/osp/diversions", {
      identity: original,
      div: { tn: DIVERTING },
      dest: { tn: [TARGET] },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "VALIDATION_FAILED");
    // A read-only key verifies chains but cannot sign diversions.
    const created = await ok(osp, "POST", "/v1/api-keys", { userName: "div-reader", role: "read-only" }, 201);
    assert.equal((await divert(original, s.orgs.tnr.did, String(created.key))).status, 403);
    const read = await osp.call<Body>(
      "POST",
      "/v1/stir/verifications",
      { from: { tn: CALLING_TN }, to: { tn: [DIVERTING] }, identities: [original] },
      String(created.key),
    );
    assert.equal(read.status, 200);
    assert.equal(read.body.verstat, "TN-Validation-Passed");
  });

  it("refuses the TNR's diversions for calls after the block that revokes its assignment", async () => {
    const original = await attested();
    assert.equal((await divert(original, s.orgs.tnr.did)).status, 200);
    await ok(s.agents.tnsp, "POST", `/v1/eidl/grants/${assignment.grantId}/revoke`, { reason: "Canceled" });
    await eventually(async () => {
      const refused = await divert(original, s.orgs.tnr.did);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.facts, { reason: "div-tn-not-authorised" });
    });
  });
});

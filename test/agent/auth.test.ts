// Authentication and authorisation across members: every call needs a key of THIS member, roles limit what a key
// may do, and a key of one member never acts at another member's agent. Bad input gets field-level errors and
// changes nothing on the ledger.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

describe("agent API authentication and authorisation", () => {
  let consortium: TestConsortium;
  let alpha: TestAgent;
  let beta: TestAgent;
  let alphaReader: string;
  let alphaOperator: string;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "alpha", roles: ["TNSP"] },
      { name: "beta", roles: ["TNSP"] },
    ]);
    alpha = consortium.agents.alpha!;
    beta = consortium.agents.beta!;
    const reader = await alpha.call<{ key: string }>("POST", "/v1/api-keys", {
      userName: "auditor",
      role: "read-only",
    });
    const operator = await alpha.call<{ key: string }>("POST", "/v1/api-keys", { userName: "noc", role: "operator" });
    assert.equal(reader.status, 201);
    alphaReader = reader.body.key;
    alphaOperator = operator.body.key;
  });
  after(() => consortium?.stop());

  it("refuses calls without a key, with a malformed key, and with another member's key", async () => {
    for (const key of ["", "not-a-key", beta.adminKey, `${alpha.adminKey}x`]) {
      const r = await alpha.call<{ code: string; requestId: string }>("GET", "/v1/membership/members", undefined, key);
      assert.equal(r.status, 401, `key ${JSON.stringify(key.slice(0, 12))}`);
      assert.equal(r.body.code, "UNAUTHENTICATED");
      assert.ok(r.body.requestId);
    }
    // The same key works at its own member's agent.
    assert.equal((await beta.call("GET", "/v1/membership/members", undefined, beta.adminKey)).status, 200);
  });

  it("lets a read-only key read but not govern, issue or manage keys", async () => {
    assert.equal((await alpha.call("GET", "/v1/membership/members", undefined, alphaReader)).status, 200);
    assert.equal((await alpha.call("GET", "/v1/agent", undefined, alphaReader)).status, 200);
    const propose = await alpha.call<{ code: string }>(
      "POST",
      "/v1/membership/proposals",
      { kind: "remove", member: beta.agent.config.memberAccount },
      alphaReader,
    );
    assert.equal(propose.status, 403);
    assert.equal(propose.body.code, "FORBIDDEN");
    assert.equal((await alpha.call("POST", "/v1/api-keys", { userName: "x", role: "admin" }, alphaReader)).status, 403);
    assert.equal(
      (await alpha.call("POST", "/v1/identity/dids", { label: "x" }, alphaOperator)).status,
      403,
      "DIDs need admin",
    );
    // Nothing was proposed by the refused calls.
    const proposals = await alpha.call<{ items: unknown[] }>("GET", "/v1/membership/proposals");
    assert.equal(proposals.body.items.length, 0);
  });

  it("stops accepting a key once it is revoked", async () => {
    const created = await alpha.call<{ key: string; apiKey: { keyId: string } }>("POST", "/v1/api-keys", {
      userName: "temp",
      role: "operator",
    });
    assert.equal((await alpha.call("GET", "/v1/membership/members", undefined, created.body.key)).status, 200);
    assert.equal((await alpha.call("DELETE", `/v1/api-keys/${created.body.apiKey.keyId}`)).status, 200);
    assert.equal((await alpha.call("GET", "/v1/membership/members", undefined, created.body.key)).status, 401);
    const ownId = alpha.adminKey.split("_")[1];
    const selfRevoke = await alpha.call<{ code: string }>("DELETE", `/v1/api-keys/${ownId}`);
    assert.equal(selfRevoke.status, 409, "a key cannot revoke itself");
    assert.equal((await alpha.call("GET", "/v1/membership/members")).status, 200);
  });

  it("names every bad field of a proposal and sends nothing to the ledger", async () => {
    const head = await consortium.devnet.headBlock();
    const r = await alpha.call<{ code: string; details: Array<{ field: string }> }>(
      "POST",
      "/v1/membership/proposals",
      {
        kind: "promote",
        member: "0x1234",
        roles: ["KING"],
        votingPeriodSeconds: 5,
        extra: true,
      },
    );
    assert.equal(r.status, 400);
    assert.equal(r.body.code, "VALIDATION_FAILED");
    const fields = r.body.details.map((d) => d.field).sort();
    for (const field of ["body.kind", "body.member", "body.roles[0]", "body.votingPeriodSeconds", "body.extra"]) {
      assert.ok(fields.includes(field), `${field} in ${fields.join(", ")}`);
    }
    const admitWithoutName = await alpha.call<{ details: Array<{ field: string }> }>(
      "POST",
      "/v1/membership/proposals",
      {
        kind: "admit",
        member: "0x00000000000000000000000000000000000000aa",
      },
    );
    assert.equal(admitWithoutName.status, 400);
    assert.deepEqual(
      admitWithoutName.body.details.map((d) => d.field),
      ["body.name"],
    );
    const badPath = await alpha.call<{ details: Array<{ field: string }> }>(
      "GET",
      "/v1/membership/members/not-an-address",
    );
    assert.equal(badPath.status, 400);
    assert.deepEqual(
      badPath.body.details.map((d) => d.field),
      ["params.address"],
    );
    const badDid = await alpha.call<{ details: Array<{ field: string }> }>("POST", "/v1/identity/credentials", {
      issuer: "did:web:example.com",
      type: "VettingStatus",
      credentialSubject: {},
    });
    assert.equal(badDid.status, 400);
    assert.deepEqual(badDid.body.details.map((d) => d.field).sort(), ["body.credentialSubject", "body.issuer"]);
    const overlong = await alpha.call<{ code: string; details: Array<{ field: string }> }>(
      "GET",
      `/v1/identity/dids/did:ethr:${"0".repeat(400)}`,
    );
    assert.equal(overlong.status, 400);
    assert.deepEqual([...new Set(overlong.body.details.map((d) => d.field))], ["params.did"]);
    assert.equal(await consortium.devnet.headBlock(), head, "no transaction was sent");
  });

  it("serves the OpenAPI document with the bearer scheme on every non-public operation", async () => {
    const response = await fetch(`${alpha.url}/openapi.json`);
    const doc = (await response.json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; operationId?: string }>>;
    };
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
    assert.ok(operations.length >= 20, `${operations.length} operations`);
    for (const path of [
      "/v1/membership/members",
      "/v1/membership/proposals",
      "/v1/identity/dids",
      "/v1/identity/credentials",
      "/v1/identity/credentials/verify",
      "/v1/agent",
    ]) {
      assert.ok(doc.paths[path], `${path} documented`);
    }
    const missingSecurity = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => path !== "/health" && path !== "/openapi.json" && !op.security)
        .map(([method]) => `${method} ${path}`),
    );
    assert.deepEqual(missingSecurity, []);
    assert.equal((await fetch(`${alpha.url}/docs`)).status < 400, true);
  });
});

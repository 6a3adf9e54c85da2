// The identity API under /v1/identity/ as a client sees it, on a real devnet and agent: hosted DIDs, issued credentials
// (with their status) and credential status history are paged with limit and cursor; each identity error answers the
// status of its error table (src/core/identity/errors.ts) with absolute field paths; DID-Auth works over HTTP; route
// auth levels hold.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { Address } from "viem";
import { respondToChallenge } from "../../src/core/identity/didAuth.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
type Page<T> = { items: T[]; nextCursor: string | null };
type Failure = { code: string; details?: Array<{ field: string }> };
type Hosted = { did: string; controller: Address; createdAt: string };

/** Every item of a list, one page of `limit` at a time; also answers how many pages it took. */
async function walk<T>(agent: TestAgent, path: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const query: string = `limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
    const r: { status: number; body: Page<T> } = await agent.call<Page<T>>("GET", `${path}${separator}${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.items.length <= limit);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { items, pages };
}

describe("identity API", () => {
  let consortium: TestConsortium;
  let issuer: TestAgent;
  let hosted: Hosted[];
  let chainHex: string;

  before(async () => {
    consortium = await startTestConsortium([{ name: "issuer", roles: ["KYC_VETTER"] }]);
    issuer = consortium.agents.issuer!;
    chainHex = `0x${issuer.agent.config.chain.chainId.toString(16)}`;
    hosted = [];
    for (const label of ["First Org", "Second Org", "Third Org"]) {
      const r = await issuer.call<Hosted>("POST", "/v1/identity/dids", { label });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      hosted.push(r.body);
    }
  });
  after(() => consortium?.stop());

  it("pages hosted DIDs oldest first: each once, whatever the page size", async () => {
    const whole = await issuer.call<Page<Hosted>>("GET", "/v1/identity/dids");
    assert.equal(whole.body.nextCursor, null);
    assert.deepEqual(
      whole.body.items.map((d) => d.did),
      hosted.map((d) => d.did),
    );
    const paged = await walk<Hosted>(issuer, "/v1/identity/dids", 2);
    assert.deepEqual(
      paged.items.map((d) => d.did),
      hosted.map((d) => d.did),
    );
    assert.equal(paged.pages, 2);
    const tooLarge = await issuer.call<Failure>("GET", "/v1/identity/dids?limit=1000");
    assert.equal(tooLarge.status, 400);
    assert.deepEqual(
      tooLarge.body.details?.map((d) => d.field),
      ["query.limit"],
    );
  });

  it("keeps every status change of a credential and pages them by position", async () => {
    const did = hosted[0]!.did;
    const vc = await issuer.call<{ jwt: string; credentialId: string }>("POST", "/v1/identity/credentials", {
      issuer: did,
      type: "VettingStatus",
      credentialSubject: { level: "enhanced" },
    });
    assert.equal(vc.status, 201, JSON.stringify(vc.body));
    const base = `/v1/identity/credentials/${vc.body.credentialId}`;
    for (const [action, reason] of [
      ["suspend", "VettingWithdrawn"],
      ["reinstate", "Unspecified"],
      ["revoke", "Fraud"],
    ]) {
      const r = await issuer.call("POST", `${base}/${action}`, { issuer: did, reason });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const status = await issuer.call<{ status: string; reason: string }>(
      "GET",
      `${base}/status?issuer=${encodeURIComponent(did)}`,
    );
    assert.deepEqual([status.body.status, status.body.reason], ["revoked", "Fraud"]);
    const history = await walk<{ status: string; reason: string }>(
      issuer,
      `${base}/status/history?issuer=${encodeURIComponent(did)}`,
      1,
    );
    assert.deepEqual(
      history.items.map((h) => [h.status, h.reason]),
      [
        ["suspended", "VettingWithdrawn"],
        ["active", "Unspecified"],
        ["revoked", "Fraud"],
      ],
    );
    assert.equal(history.pages, 3);

    // A revoked credential is a verification answer, not an error.
    const verified = await issuer.call<{ verified: boolean; error?: { code: string } }>(
      "POST",
      "/v1/identity/credentials/verify",
      { jwt: vc.body.jwt },
    );
    assert.equal(verified.status, 200);
    assert.equal(verified.body.verified, false);
    assert.equal(verified.body.error?.code, "CREDENTIAL_REVOKED");
  });

  it("lists the credentials its hosted DIDs issued, newest first, each with its status now (API and CLI)", async () => {
    const issued: string[] = [];
    for (const [i, did] of [hosted[1]!.did, hosted[2]!.did].entries()) {
      const vc = await issuer.call<{ credentialId: string }>("POST", "/v1/identity/credentials", {
        issuer: did,
        type: ["VettingStatus", "TestCredential"],
        credentialSubject: { id: hosted[0]!.did, level: `level-${i}` },
        expirationDate: "2099-01-01T00:00:00.000Z",
      });
      assert.equal(vc.status, 201, JSON.stringify(vc.body));
      issued.push(vc.body.credentialId);
    }
    const suspended = await issuer.call("POST", `/v1/identity/credentials/${issued[0]}/suspend`, {
      issuer: hosted[1]!.did,
      reason: "VettingWithdrawn",
    });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));

    type Listed = { credentialId: string; issuer: string; subject: string | null; types: string[]; status: string };
    type ListedFull = Listed & { reason: string; expiresAt: string | null; issuedAt: string };
    const whole = await issuer.call<Page<ListedFull>>("GET", "/v1/identity/credentials?role=issued");
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    const [newest, second] = whole.body.items;
    assert.equal(newest?.credentialId, issued[1]);
    assert.deepEqual(
      [newest?.issuer, newest?.subject, newest?.types, newest?.status, newest?.expiresAt],
      [hosted[2]!.did, hosted[0]!.did, ["VettingStatus", "TestCredential"], "active", "2099-01-01T00:00:00.000Z"],
    );
    assert.deepEqual(
      [second?.credentialId, second?.status, second?.reason],
      [issued[0], "suspended", "VettingWithdrawn"],
    );
    // The earlier test's credential (revoked, no subject) is listed too, older than these.
    const older = whole.body.items.slice(2);
    assert.ok(
      older.some((c) => c.status === "revoked" && c.subject === null),
      JSON.stringify(older),
    );

    const paged = await walk<Listed>(issuer, "/v1/identity/credentials", 1);
    assert.deepEqual(
      paged.items.map((c) => c.credentialId),
      whole.body.items.map((c) => c.credentialId),
    );
    assert.equal(paged.pages, whole.body.items.length);

    // The CLI lists the same, every page (run asynchronously: the agent lives in this process).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cliBin, "vc", "list", "--url", issuer.url, "--api-key", issuer.adminKey, "--json"],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.deepEqual(
      (JSON.parse(stdout) as Page<Listed>).items.map((c) => [c.credentialId, c.status]),
      whole.body.items.map((c) => [c.credentialId, c.status]),
    );

    const held = await issuer.call<Failure>("GET", "/v1/identity/credentials?role=held");
    assert.equal(held.status, 400);
    assert.deepEqual(
      held.body.details?.map((d) => d.field),
      ["query.role"],
    );
    const forged = await issuer.call<Failure>("GET", "/v1/identity/credentials?cursor=WzFd");
    assert.equal(forged.status, 400, JSON.stringify(forged.body));
    assert.deepEqual(
      forged.body.details?.map((d) => d.field),
      ["query.cursor"],
    );
  });

  it("answers identity errors with the status of the error table and an absolute field path", async () => {
    const stranger = `did:ethr:${chainHex}:0x00000000000000000000000000000000000000aa`;
    const notHosted = await issuer.call<Failure>("POST", `/v1/identity/dids/${stranger}/signing-key/rotate`);
    assert.equal(notHosted.status, 404, JSON.stringify(notHosted.body));
    assert.equal(notHosted.body.code, "DID_NOT_HOSTED");

    const otherChain = "did:ethr:0x1:0x00000000000000000000000000000000000000aa";
    const wrongNetwork = await issuer.call<Failure>("POST", `/v1/identity/dids/${otherChain}/signing-key/rotate`);
    assert.equal(wrongNetwork.status, 400, JSON.stringify(wrongNetwork.body));
    assert.equal(wrongNetwork.body.code, "IDENTITY_INVALID_INPUT");
    assert.deepEqual(
      wrongNetwork.body.details?.map((d) => d.field),
      ["params.did"],
    );
    const wrongIssuer = await issuer.call<Failure>("POST", "/v1/identity/credentials", {
      issuer: otherChain,
      type: "VettingStatus",
      credentialSubject: { level: "basic" },
    });
    assert.equal(wrongIssuer.status, 400);
    assert.deepEqual(
      wrongIssuer.body.details?.map((d) => d.field),
      ["body.issuer"],
    );

    const unresolvable = await issuer.call<Failure>("GET", `/v1/identity/dids/${otherChain}`);
    assert.equal(unresolvable.status, 404, JSON.stringify(unresolvable.body));
    assert.equal(unresolvable.body.code, "DID_RESOLUTION_FAILED");

    const garbage = await issuer.call<{ verified: boolean; error?: { code: string } }>(
      "POST",
      "/v1/identity/credentials/verify",
      { jwt: "e30.e30.AAAA" },
    );
    assert.equal(garbage.status, 200);
    assert.equal(garbage.body.error?.code, "CREDENTIAL_INVALID");
  });

  it("proves control of a hosted DID with DID-Auth; a replayed or forged response is refused", async () => {
    const opened = await issuer.call<{ challenge: string; audience: string }>(
      "POST",
      "/v1/identity/did-auth/challenges",
    );
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const response = await respondToChallenge(issuer.agent.keystore, hosted[1]!, opened.body);
    const proven = await issuer.call<{ did: string }>("POST", "/v1/identity/did-auth/responses", { jwt: response });
    assert.equal(proven.status, 200, JSON.stringify(proven.body));
    assert.equal(proven.body.did, hosted[1]!.did);

    const replayed = await issuer.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: response });
    assert.equal(replayed.status, 409);
    assert.equal(replayed.body.code, "DID_AUTH_CHALLENGE_USED");

    // Signed by another DID's controller while claiming this one: the challenge is known, the proof is not.
    const second = await issuer.call<{ challenge: string; audience: string }>(
      "POST",
      "/v1/identity/did-auth/challenges",
    );
    const forged = await respondToChallenge(
      issuer.agent.keystore,
      { did: hosted[1]!.did, controller: hosted[2]!.controller },
      second.body,
    );
    const refused = await issuer.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: forged });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "DID_AUTH_INVALID");
  });

  it("caps the DID-Auth challenges one API key holds open: the 101st answers 429, another key still opens one", async () => {
    const keys: string[] = [];
    for (const userName of ["challenger", "bystander"]) {
      const created = await issuer.call<{ key: string }>("POST", "/v1/api-keys", { userName, role: "operator" });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      keys.push(created.body.key);
    }
    const [challenger, bystander] = keys as [string, string];
    for (let i = 0; i < 100; i++) {
      const opened = await issuer.call("POST", "/v1/identity/did-auth/challenges", undefined, challenger);
      assert.equal(opened.status, 201, `challenge ${i + 1}: ${JSON.stringify(opened.body)}`);
    }
    const refused = await issuer.call<Failure>("POST", "/v1/identity/did-auth/challenges", undefined, challenger);
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "DID_AUTH_TOO_MANY_CHALLENGES");
    const other = await issuer.call("POST", "/v1/identity/did-auth/challenges", undefined, bystander);
    assert.equal(other.status, 201, JSON.stringify(other.body));
  });

  it("lets a read-only key list and verify credentials but not open DID-Auth challenges or issue", async () => {
    const reader = await issuer.call<{ key: string }>("POST", "/v1/api-keys", { userName: "audit", role: "read-only" });
    assert.equal(reader.status, 201);
    const key = reader.body.key;
    const verify = await issuer.call("POST", "/v1/identity/credentials/verify", { jwt: "e30.e30.AAAA" }, key);
    assert.equal(verify.status, 200);
    assert.equal((await issuer.call("GET", "/v1/identity/credentials", undefined, key)).status, 200);
    assert.equal((await issuer.call("POST", "/v1/identity/did-auth/challenges", undefined, key)).status, 403);
    const issue = await issuer.call(
      "POST",
      "/v1/identity/credentials",
      { issuer: hosted[0]!.did, type: "X", credentialSubject: { a: 1 } },
      key,
    );
    assert.equal(issue.status, 403);
  });
});

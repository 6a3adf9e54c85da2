// The wallet (/v1/identity/credentials/held) on a real devnet with two member agents: a credential one member's DID
// issues to a DID the other hosts is received there after verification, listed with its status now (which follows
// the issuer's suspension), read back whole to present, and removed; what fails verification, names a subject the
// agent does not host, or is tampered with is refused by name and stores nothing.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
type Page<T> = { items: T[]; nextCursor: string | null };
type Failure = { code: string; details?: Array<{ field: string }> };
type Held = {
  digest: string;
  id: string | null;
  credentialId: string | null;
  issuer: string;
  subject: string;
  types: string[];
  status: string;
  reason: string;
  validUntil: string | null;
};
type Received = { stored: boolean; credential: Held };

describe("identity wallet: credentials held", () => {
  let consortium: TestConsortium;
  let vetter: TestAgent;
  let holder: TestAgent;
  let vetterDid: string;
  let holderDid: string;

  const issue = async (subject: string, types = ["VettingStatus"]) => {
    const vc = await vetter.call<{ jwt: string; credentialId: string }>("POST", "/v1/identity/credentials", {
      issuer: vetterDid,
      type: types,
      credentialSubject: { id: subject, level: "enhanced" },
      expirationDate: "2099-01-01T00:00:00.000Z",
    });
    assert.equal(vc.status, 201, JSON.stringify(vc.body));
    return vc.body;
  };
  const heldList = async () => {
    const r = await holder.call<Page<Held>>("GET", "/v1/identity/credentials/held");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };

  before(async () => {
    consortium = await startTestConsortium([
      { name: "vetter", roles: ["KYC_VETTER"] },
      { name: "holder", roles: ["TNSP"] },
    ]);
    vetter = consortium.agents.vetter!;
    holder = consortium.agents.holder!;
    const a = await vetter.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Vetting Org" });
    const b = await holder.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Held Org" });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(b.status, 201, JSON.stringify(b.body));
    vetterDid = a.body.did;
    holderDid = b.body.did;
  });
  after(() => consortium?.stop());

  it("receives a credential issued to a hosted DID once, lists it with its status now, and presents it", async () => {
    const vc = await issue(holderDid, ["VettingStatus", "TestCredential"]);
    const received = await holder.call<Received>("POST", "/v1/identity/credentials/held", { jwt: vc.jwt });
    assert.equal(received.status, 201, JSON.stringify(received.body));
    assert.equal(received.body.stored, true);
    const held = received.body.credential;
    assert.deepEqual(
      [held.credentialId, held.issuer, held.subject, held.types, held.status, held.validUntil],
      [
        vc.credentialId,
        vetterDid,
        holderDid,
        ["VettingStatus", "TestCredential"],
        "active",
        "2099-01-01T00:00:00.000Z",
      ],
    );

    const again = await holder.call<Received>("POST", "/v1/identity/credentials/held", { jwt: vc.jwt });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.stored, false);
    assert.equal((await heldList()).filter((c) => c.digest === held.digest).length, 1);

    // The status is read from the registry at every listing: the issuer suspends, the holder's list says so.
    const suspended = await vetter.call("POST", `/v1/identity/credentials/${vc.credentialId}/suspend`, {
      issuer: vetterDid,
      reason: "VettingWithdrawn",
    });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
    const listed = (await heldList()).find((c) => c.digest === held.digest);
    assert.deepEqual([listed?.status, listed?.reason], ["suspended", "VettingWithdrawn"]);

    const whole = await holder.call<Held & { jwt: string }>("GET", `/v1/identity/credentials/held/${held.digest}`);
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.equal(whole.body.jwt, vc.jwt);
    assert.equal(whole.body.status, "suspended");

    // The CLI lists the same wallet.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cliBin, "vc", "held", "--url", holder.url, "--api-key", holder.adminKey, "--json"],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.deepEqual(
      (JSON.parse(stdout) as Page<Held>).items.map((c) => [c.digest, c.status]),
      (await heldList()).map((c) => [c.digest, c.status]),
    );

    const removed = await holder.call("DELETE", `/v1/identity/credentials/held/${held.digest}`);
    assert.equal(removed.status, 204);
    assert.equal(
      (await heldList()).some((c) => c.digest === held.digest),
      false,
    );
    const gone = await holder.call<Failure>("GET", `/v1/identity/credentials/held/${held.digest}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, "NOT_FOUND");
  });

  it("refuses what fails verification, a subject it does not host and bad input, storing nothing", async () => {
    const before = (await heldList()).length;

    // Issued to the vetter's own DID: the holder's agent does not host that subject.
    const elsewhere = await issue(vetterDid);
    const notHosted = await holder.call<Failure>("POST", "/v1/identity/credentials/held", { jwt: elsewhere.jwt });
    assert.equal(notHosted.status, 404, JSON.stringify(notHosted.body));
    assert.equal(notHosted.body.code, "DID_NOT_HOSTED");

    // A revoked credential is refused as revoked.
    const revokedVc = await issue(holderDid);
    const revoked = await vetter.call("POST", `/v1/identity/credentials/${revokedVc.credentialId}/revoke`, {
      issuer: vetterDid,
      reason: "Fraud",
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const refused = await holder.call<Failure>("POST", "/v1/identity/credentials/held", { jwt: revokedVc.jwt });
    assert.equal(refused.body.code, "CREDENTIAL_REVOKED", JSON.stringify(refused.body));

    // One character of the payload changed: the signature no longer holds.
    const good = await issue(holderDid);
    const [header, payload, signature] = good.jwt.split(".") as [string, string, string];
    const flipped = `${payload.slice(0, 10)}${payload[10] === "A" ? "B" : "A"}${payload.slice(11)}`;
    const tampered = await holder.call<Failure>("POST", "/v1/identity/credentials/held", {
      jwt: `${header}.${flipped}.${signature}`,
    });
    assert.equal(tampered.body.code, "CREDENTIAL_INVALID", JSON.stringify(tampered.body));

    const missing = await holder.call<Failure>("POST", "/v1/identity/credentials/held", {});
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.body.details?.map((d) => d.field),
      ["body.jwt"],
    );
    const badDigest = await holder.call<Failure>("GET", "/v1/identity/credentials/held/0x1234");
    assert.equal(badDigest.status, 400);
    assert.deepEqual(
      badDigest.body.details?.map((d) => d.field),
      ["params.digest"],
    );
    assert.equal((await heldList()).length, before, "nothing was stored");
  });
});

// Access permissions (issue 15: "access permissions that can be retracted and carry an optional expiry"), between
// separate agent processes over HTTP and the user agent library: the partner's enterprise agent asks the person for
// access (RequestAccess to the person's endpoint); the wallet grants (the permission and a copy sealed on the device to
// the partner, posted to the person's hub at the ISP's agent; GrantAccess to the partner); the partner retrieves and
// opens the copy. The hub enforces the permission: a retraction (immediate, then a RetractAccess notice), an expiry, a
// type not granted, a retrieval signed by another DID and a replayed one are each refused by name.
import assert from "node:assert/strict";
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Resolver } from "did-resolver";
import { didKeyOfP256, didKeyResolver } from "../../src/core/identity/didKey.ts";
import { openJwe } from "../../src/core/identity/ecdhJwe.ts";
import { MESSAGE_CONTEXT, type MessageOf, sealMessage } from "../../src/core/identity/messages/index.ts";
import { HubRequestError } from "../../src/identity/hub/client.ts";
import { retractAtHub, retrieveFromHub } from "../../src/identity/hub/permissionsClient.ts";
import { WalletAccess } from "../../src/useragent/access.ts";
import { type AgentContact, openWallet, type UserAgentWallet } from "../../src/useragent/wallet.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { type PhoneEndpoint, startPhoneEndpoint } from "../useragent/phoneEndpoint.ts";

const cheap = { N: 1024 };
const resolver = new Resolver(didKeyResolver());
const ACCOUNT = "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6eyJ0eXBlIjpbIklzcEFjY291bnQiXX19.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

/** A grantee the test plays itself (a P-256 did:key), to sign retrievals by hand. */
function keyPair() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const did = didKeyOfP256(privateKey.export({ format: "jwk" }) as { x: string; y: string });
  const kid = `${did}#${did.slice("did:key:".length)}`;
  const signEs256 = async (data: string | Uint8Array) =>
    sign("sha256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
  const publicKeyOf = (epk: { x: string; y: string }): KeyObject =>
    createPublicKey({ key: { kty: "EC", crv: "P-256", x: epk.x, y: epk.y }, format: "jwk" });
  return {
    did,
    sender: { did, kid, sign: signEs256 },
    sharedSecretOf: (wanted: string, epk: { x: string; y: string }) =>
      wanted === kid ? new Uint8Array(diffieHellman({ privateKey, publicKey: publicKeyOf(epk) })) : undefined,
  };
}

const retrieval = (permissionId: string, attestationTypes?: string[]): MessageOf<"RetrieveAttestations"> => ({
  "@context": MESSAGE_CONTEXT,
  "@type": "RetrieveAttestations",
  identifier: `ret-${crypto.randomUUID()}`,
  object: { permissionId, ...(attestationTypes ? { attestationTypes } : {}) },
});

const refusal = async (promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubRequestError) return { status: error.status, code: error.body.code };
    throw error;
  }
  assert.fail("the request was accepted");
};

describe("access permissions enforced by the person's hub, asked and retrieved by an enterprise agent", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let partner: TestAgentProcess;
  let phone: PhoneEndpoint;
  let dir: string;
  let wallet: UserAgentWallet;
  let access: WalletAccess;
  let owner: string;
  let contact: AgentContact;

  /** The partner asks access to IspAccount; the wallet opens the RequestAccess its endpoint got. */
  async function ask(expiresAt?: number) {
    const asked = await partner.call<{ permissionId: string; status: string; requestIdentifier: string }>(
      "POST",
      "/v1/identity/access/requests",
      {
        to: contact.did,
        endpoint: phone.url,
        hub: { url: isp.url, owner },
        attestationTypes: ["IspAccount"],
        purpose: "A discounted smartphone for customers of partner ISPs",
        ...(expiresAt === undefined ? {} : { expiresAt }),
      },
    );
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal(asked.body.status, "requested");
    const opened = await access.openRequest(phone.delivered.at(-1) as string);
    assert.equal(opened.request.identifier, asked.body.requestIdentifier);
    assert.equal(opened.request.object.id, asked.body.permissionId);
    return opened.request;
  }
  const statusOf = async (permissionId: string) =>
    (await partner.call<{ status: string }>("GET", `/v1/identity/access/${permissionId}`)).body.status;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "access-"));
    consortium = await startTestConsortium(
      [
        { name: "isp", roles: ["TNSP"] },
        { name: "partner", roles: ["MOBILE_OPERATOR"] },
      ],
      { agentProcesses: true },
    );
    isp = consortium.agents.isp as TestAgentProcess;
    partner = consortium.agents.partner as TestAgentProcess;
    phone = await startPhoneEndpoint();
    wallet = await openWallet({ dir, passphrase: "alice's phone", scrypt: cheap });
    access = new WalletAccess(wallet);
    owner = await wallet.hubOwner();
    const created = await isp.call("POST", "/v1/identity/hubs", { owner });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    contact = await wallet.connect(partner.url);
  });
  after(async () => {
    phone?.close();
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("grant then retrieve: the partner opens the copy the device sealed to it; the hub holds only ciphertext", async () => {
    const request = await ask();
    const { permission } = await access.grant({
      hubUrl: isp.url,
      contact,
      request,
      copies: [{ attestationType: "IspAccount", format: "jwt_vc", payload: ACCOUNT }],
    });
    assert.deepEqual([permission.grantee, permission.retractedAt], [contact.agentDid, null]);
    assert.equal(await statusOf(permission.id), "granted", "the GrantAccess handler recorded the grant");
    const listed = await access.list(isp.url);
    assert.deepEqual(
      listed.map((p) => p.id),
      [permission.id],
    );

    const retrieved = await partner.call<{ attestations: unknown[] }>(
      "POST",
      `/v1/identity/access/${permission.id}/retrieve`,
      {},
    );
    assert.equal(retrieved.status, 200, JSON.stringify(retrieved.body));
    assert.deepEqual(retrieved.body.attestations, [
      { attestationType: "IspAccount", format: "jwt_vc", payload: ACCOUNT },
    ]);
    const again = await partner.call("POST", `/v1/identity/access/${permission.id}/retrieve`, {});
    assert.equal(again.status, 200, "each retrieval is a new single-use message");
    const [counted] = await access.list(isp.url);
    assert.equal(counted?.retrievedCount, 2);

    // Asking for a type the permission does not grant: refused by the hub, named.
    const other = await partner.call<{ facts: { peerCode: string } }>(
      "POST",
      `/v1/identity/access/${permission.id}/retrieve`,
      { attestationTypes: ["BankAccount"] },
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.facts.peerCode, "HUB_ACCESS_TYPE_NOT_GRANTED");
  });

  it("retract then retrieve: refused at once by the hub, and the notice marks the partner's record retracted", async () => {
    // Retracted at the hub only (the notice not sent yet): the partner still believes it is granted; the hub refuses.
    const first = await ask();
    await access.grant({
      hubUrl: isp.url,
      contact,
      request: first,
      copies: [{ attestationType: "IspAccount", format: "jwt_vc", payload: ACCOUNT }],
    });
    const { client } = await wallet.hub(isp.url);
    const retracted = await retractAtHub(client, isp.url, first.object.id as string);
    assert.ok(retracted.retractedAt);
    const refused = await partner.call<{ code: string; facts: { peerCode: string; peerStatus: number } }>(
      "POST",
      `/v1/identity/access/${first.object.id}/retrieve`,
      {},
    );
    assert.deepEqual([refused.status, refused.body.code], [422, "MESSAGE_REFUSED"]);
    assert.deepEqual([refused.body.facts.peerStatus, refused.body.facts.peerCode], [410, "HUB_ACCESS_RETRACTED"]);
    assert.deepEqual(await refusal(retractAtHub(client, isp.url, first.object.id as string)), {
      status: 410,
      code: "HUB_ACCESS_RETRACTED",
    });

    // The library's retraction: the hub first, then the RetractAccess notice the partner records.
    const second = await ask();
    await access.grant({
      hubUrl: isp.url,
      contact,
      request: second,
      copies: [{ attestationType: "IspAccount", format: "jwt_vc", payload: ACCOUNT }],
    });
    await access.retract({ hubUrl: isp.url, contact, permissionId: second.object.id as string, purpose: "no more" });
    assert.equal(await statusOf(second.object.id as string), "retracted");
    const local = await partner.call<{ code: string; facts: { status: string } }>(
      "POST",
      `/v1/identity/access/${second.object.id}/retrieve`,
      {},
    );
    assert.deepEqual(
      [local.status, local.body.code, local.body.facts.status],
      [409, "ACCESS_NOT_GRANTED", "retracted"],
    );
  });

  it("a denial is recorded, and a permission never granted is not retrieved", async () => {
    const request = await ask();
    await access.deny({ contact, request, purpose: "not now" });
    assert.equal(await statusOf(request.object.id as string), "denied");
    const refused = await partner.call<{ code: string }>(
      "POST",
      `/v1/identity/access/${request.object.id}/retrieve`,
      {},
    );
    assert.deepEqual([refused.status, refused.body.code], [409, "ACCESS_NOT_GRANTED"]);
    const listed = await partner.call<{ items: Array<{ status: string }> }>("GET", "/v1/identity/access?status=denied");
    assert.equal(listed.status, 200);
    assert.ok(listed.body.items.length >= 1 && listed.body.items.every((i) => i.status === "denied"));
  });

  it("the hub refuses an expired permission, another DID's, a type not granted and a replayed retrieval", async () => {
    // The test plays a grantee of its own, so that it signs the retrievals by hand.
    const grantee = keyPair();
    const granteeContact: AgentContact = { ...contact, agentDid: grantee.did };
    const request = (id: string, expiresAt?: number): MessageOf<"RequestAccess"> => ({
      "@context": MESSAGE_CONTEXT,
      "@type": "RequestAccess",
      identifier: `req-${crypto.randomUUID()}`,
      object: {
        id,
        grantee: grantee.did,
        attestationTypes: ["IspAccount"],
        actions: ["read"],
        ...(expiresAt ? { expiresAt } : {}),
      },
      purpose: "test",
    });
    const { client } = await wallet.hub(isp.url);
    const { grantAtHub, sealCopy } = await import("../../src/identity/hub/permissionsClient.ts");
    const { keyAgreementOf } = await import("../../src/core/identity/messages/index.ts");
    const key = await keyAgreementOf(resolver, grantee.did);
    const copy = await sealCopy({ attestationType: "IspAccount", format: "jwt_vc", payload: ACCOUNT }, key);
    const live = `perm-${crypto.randomUUID()}`;
    await grantAtHub(client, isp.url, request(live).object as never, [copy]);
    assert.ok(granteeContact);

    const token = await sealMessage(retrieval(live), grantee.sender, owner, resolver, { ttlSeconds: 60 });
    const got = await retrieveFromHub(isp.url, owner, token);
    const opened = JSON.parse(openJwe(got.attestations[0]?.jwe ?? "", grantee.sharedSecretOf).plaintext.toString());
    assert.equal(opened.payload, ACCOUNT);
    assert.deepEqual(await refusal(retrieveFromHub(isp.url, owner, token)), { status: 409, code: "MESSAGE_REPLAYED" });

    const stranger = keyPair();
    const forged = await sealMessage(retrieval(live), stranger.sender, owner, resolver, { ttlSeconds: 60 });
    assert.deepEqual(await refusal(retrieveFromHub(isp.url, owner, forged)), {
      status: 403,
      code: "HUB_ACCESS_NOT_GRANTED",
    });
    const widened = await sealMessage(retrieval(live, ["IspAccount", "BankAccount"]), grantee.sender, owner, resolver, {
      ttlSeconds: 60,
    });
    assert.deepEqual(await refusal(retrieveFromHub(isp.url, owner, widened)), {
      status: 403,
      code: "HUB_ACCESS_TYPE_NOT_GRANTED",
    });
    const longLived = await sealMessage(retrieval(live), grantee.sender, owner, resolver, { ttlSeconds: 600 });
    assert.deepEqual(await refusal(retrieveFromHub(isp.url, owner, longLived)), {
      status: 401,
      code: "HUB_REQUEST_INVALID",
    });
    const toAnother = await sealMessage(retrieval(live), grantee.sender, stranger.did, resolver, { ttlSeconds: 60 });
    assert.deepEqual(await refusal(retrieveFromHub(isp.url, owner, toAnother)), {
      status: 422,
      code: "MESSAGE_WRONG_RECIPIENT",
    });

    // Expiry: granted for two seconds, retrieved after.
    const short = `perm-${crypto.randomUUID()}`;
    await grantAtHub(client, isp.url, request(short, Math.floor(Date.now() / 1000) + 2).object as never, [copy]);
    await new Promise((r) => setTimeout(r, 3100));
    const late = await sealMessage(retrieval(short), grantee.sender, owner, resolver, { ttlSeconds: 60 });
    assert.deepEqual(await refusal(retrieveFromHub(isp.url, owner, late)), { status: 410, code: "HUB_ACCESS_EXPIRED" });

    // A copy not sealed to the grantee is refused, and a permission id is taken once.
    const toStranger = await sealCopy(
      { attestationType: "IspAccount", format: "jwt_vc", payload: ACCOUNT },
      await keyAgreementOf(resolver, stranger.did),
    );
    assert.deepEqual(
      await refusal(grantAtHub(client, isp.url, request(`perm-${crypto.randomUUID()}`).object as never, [toStranger])),
      { status: 422, code: "HUB_ITEM_NOT_SEALED" },
    );
    assert.deepEqual(await refusal(grantAtHub(client, isp.url, request(live).object as never, [copy])), {
      status: 409,
      code: "HUB_PERMISSION_EXISTS",
    });
    // A stranger cannot grant, list or retract at the person's hub.
    const { HubClient } = await import("../../src/identity/hub/client.ts");
    const strangerClient = new HubClient(isp.url, owner, { did: stranger.did, sign: stranger.sender.sign });
    assert.deepEqual(await refusal(retractAtHub(strangerClient, isp.url, live)), {
      status: 403,
      code: "HUB_NOT_A_DEVICE",
    });
  });
});

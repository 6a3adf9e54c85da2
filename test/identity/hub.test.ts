// The identity hub of a person (issue 15: "stores their attestations encrypted at rest, relays requests to their user
// agent, and syncs every device of that person"), on a real member agent over HTTP: the member's operator hosts a hub
// for a person's owner DID; the owner adds a phone and a laptop; what one device stores (sealed on the device to the
// owner's key) the other syncs and opens; a stale write is a conflict, a deletion syncs as a tombstone; a message
// another party seals to the person is relayed to every device (long poll) until one takes it. Every request is signed
// by the device (DPoP-like JWT); unsigned, replayed, tampered, stranger's and removed device's requests are refused by
// name and change nothing.
import assert from "node:assert/strict";
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Resolver } from "did-resolver";
import { didKeyOfP256, didKeyResolver } from "../../src/core/identity/didKey.ts";
import { sealJwe } from "../../src/core/identity/ecdhJwe.ts";
import {
  MESSAGE_CONTEXT,
  MemoryReplayGuard,
  openMessage,
  sealMessage,
} from "../../src/core/identity/messages/index.ts";
import { HubClient, HubRequestError, openItem, ownerRecipient, relayToHub } from "../../src/identity/hub/client.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

const publicKeyOf = (epk: { x: string; y: string }): KeyObject =>
  createPublicKey({ key: { kty: "EC", crv: "P-256", x: epk.x, y: epk.y }, format: "jwk" });

/** A P-256 key pair as a user agent holds it: its did:key, a signer and the ECDH (the key never leaves). */
function keyPair() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const did = didKeyOfP256(privateKey.export({ format: "jwk" }) as { x: string; y: string });
  const kid = `${did}#${did.slice("did:key:".length)}`;
  const signEs256 = async (data: string | Uint8Array) =>
    sign("sha256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
  return {
    did,
    kid,
    signer: { did, sign: signEs256 },
    sender: { did, kid, sign: signEs256 },
    sharedSecretOf: (wanted: string, epk: { x: string; y: string }) =>
      wanted === kid ? new Uint8Array(diffieHellman({ privateKey, publicKey: publicKeyOf(epk) })) : undefined,
  };
}

const refusal = async (promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubRequestError) return { status: error.status, code: error.body.code };
    throw error;
  }
  assert.fail("the request was accepted");
};

describe("identity hub: a person's sealed items synced across devices, and relayed messages", () => {
  let consortium: TestConsortium;
  let agent: TestAgent;
  const owner = keyPair();
  const phoneKey = keyPair();
  const laptopKey = keyPair();
  const stranger = keyPair();
  let asOwner: HubClient;
  let phone: HubClient;
  let laptop: HubClient;

  before(async () => {
    consortium = (await startTestConsortium([{ name: "operator", roles: ["MOBILE_OPERATOR"] }])) as TestConsortium;
    agent = consortium.agents.operator as TestAgent;
    asOwner = new HubClient(agent.url, owner.did, owner.signer);
    phone = new HubClient(agent.url, owner.did, phoneKey.signer);
    laptop = new HubClient(agent.url, owner.did, laptopKey.signer);
  });
  after(async () => consortium?.stop());

  it("is created by the member's operator for a person's did:key, once", async () => {
    const created = await agent.call<{ owner: string; createdBy: string }>("POST", "/v1/identity/hubs", {
      owner: owner.did,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.owner, owner.did);
    const again = await agent.call<{ code: string }>("POST", "/v1/identity/hubs", { owner: owner.did });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "HUB_EXISTS");
    const ethr = await agent.call<{ code: string; details: Array<{ field: string }> }>("POST", "/v1/identity/hubs", {
      owner: "did:ethr:0x1:0x0000000000000000000000000000000000000001",
    });
    assert.equal(ethr.status, 400);
    assert.equal(ethr.body.details[0]?.field, "body.owner");
    const unknown = new HubClient(agent.url, stranger.did, stranger.signer);
    assert.deepEqual(await refusal(unknown.describe()), { status: 404, code: "HUB_NOT_FOUND" });
  });

  it("takes devices from the owner only, and lists them to the owner and the devices", async () => {
    await asOwner.addDevice(phoneKey.did, "phone");
    assert.deepEqual(await refusal(phone.addDevice(stranger.did, "mine now")), { status: 403, code: "HUB_OWNER_ONLY" });
    await asOwner.addDevice(laptopKey.did, "laptop");
    const seen = await laptop.describe();
    assert.deepEqual(
      seen.devices.map((d) => [d.device, d.label]),
      [
        [phoneKey.did, "phone"],
        [laptopKey.did, "laptop"],
      ],
    );
  });

  it("syncs an item one device sealed to the other, which opens it; the hub holds only ciphertext", async () => {
    const attestation = { type: "IspAccount", issuer: "did:ethr:0x1:0xabc", claims: { plan: "unlimited" } };
    const stored = await phone.put("isp-account", "attestation", attestation, 0);
    assert.equal(stored.updatedBy, phoneKey.did);
    assert.equal(stored.jwe?.split(".").length, 5);
    assert.ok(!stored.jwe?.includes("unlimited") && !Buffer.from(stored.jwe ?? "", "base64url").includes("unlimited"));
    const changes = await laptop.changes(0);
    assert.deepEqual(
      changes.map((c) => [c.itemId, c.seq, c.kind]),
      [["isp-account", stored.seq, "attestation"]],
    );
    assert.deepEqual(openItem(changes[0]?.jwe ?? "", owner.sharedSecretOf), attestation);
    // Sealed to a device's own key instead of the owner's: the other devices could not open it, so it is refused.
    const toPhoneOnly = await sealJwe(Buffer.from("{}"), {
      ...ownerRecipient(phoneKey.did),
    });
    const misSealed = await fetch(`${agent.url}${phone.hubPath}/items/other`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        authorization: await phone.authorization("PUT", `${phone.hubPath}/items/other`, {
          kind: "note",
          jwe: toPhoneOnly,
        }),
      },
      body: JSON.stringify({ kind: "note", jwe: toPhoneOnly }),
    });
    assert.equal(misSealed.status, 422);
    assert.equal(((await misSealed.json()) as { code: string }).code, "HUB_ITEM_NOT_SEALED");
    assert.equal((await laptop.changes(stored.seq)).length, 0, "nothing was stored");
  });

  it("refuses a write based on a revision another device replaced, and syncs a deletion as a tombstone", async () => {
    const [current] = await laptop.changes(0);
    assert.ok(current);
    const laptopWrite = await laptop.put("isp-account", "attestation", { plan: "family" }, current.seq);
    const stale = await refusal(phone.put("isp-account", "attestation", { plan: "single" }, current.seq));
    assert.deepEqual(stale, { status: 409, code: "HUB_ITEM_CONFLICT" });
    const deleted = await phone.delete("isp-account", laptopWrite.seq);
    assert.equal(deleted.jwe, null);
    const tail = await laptop.changes(laptopWrite.seq);
    assert.deepEqual(
      tail.map((c) => [c.itemId, c.seq, c.jwe]),
      [["isp-account", deleted.seq, null]],
    );
    assert.deepEqual(await refusal(phone.delete("isp-account")), { status: 404, code: "HUB_ITEM_NOT_FOUND" });
  });

  it("relays a message another party sealed to the person to every device until one takes it", async () => {
    const bank = keyPair();
    const message = {
      "@context": MESSAGE_CONTEXT,
      "@type": "DeliverAttestation",
      identifier: "deliv-000001",
      replyTo: "req-00000001",
      object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
      description: "ISP Account",
      deliveredAt: 1_780_000_000,
    } as const;
    const resolver = new Resolver(didKeyResolver());
    const sealed = await sealMessage(message, bank.sender, owner.did, resolver);
    // The phone waits (long poll) before the message arrives.
    const waiting = phone.inbox(0, 10);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const relayed = await relayToHub(agent.url, owner.did, sealed);
    const [received] = await waiting;
    assert.equal(received?.seq, relayed.seq);
    const opened = await openMessage(received?.message ?? "", {
      resolver,
      recipientDid: owner.did,
      sharedSecretOf: owner.sharedSecretOf,
      replay: new MemoryReplayGuard(),
    });
    assert.equal(opened.sender, bank.did);
    assert.equal(opened.message["@type"], "DeliverAttestation");
    assert.equal((await laptop.inbox(0)).length, 1, "every device sees it until one takes it");
    await phone.acknowledge(relayed.seq);
    assert.equal((await laptop.inbox(0)).length, 0);
    // Addressed to someone else: not relayed.
    const forStranger = await sealMessage(message, bank.sender, stranger.did, resolver);
    const refused = await fetch(`${agent.url}${phone.hubPath}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: forStranger }),
    });
    assert.equal(refused.status, 422);
    assert.equal(((await refused.json()) as { code: string }).code, "HUB_MESSAGE_NOT_FOR_OWNER");
  });

  it("takes messages for the person's pairwise DIDs once the owner registers them as aliases, naming which DID each is for", async () => {
    const pairwise = keyPair();
    const bank = keyPair();
    const resolver = new Resolver(didKeyResolver());
    const message = {
      "@context": MESSAGE_CONTEXT,
      "@type": "DeliverAttestation",
      identifier: "deliv-000002",
      replyTo: "req-00000002",
      object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
      description: "ISP Account",
      deliveredAt: 1_780_000_000,
    } as const;
    const sealed = await sealMessage(message, bank.sender, pairwise.did, resolver);
    assert.deepEqual(await refusal(relayToHub(agent.url, owner.did, sealed)), {
      status: 422,
      code: "HUB_MESSAGE_NOT_FOR_OWNER",
    });
    assert.deepEqual(await refusal(phone.addAlias(pairwise.did)), { status: 403, code: "HUB_OWNER_ONLY" });
    const added = await asOwner.addAlias(pairwise.did);
    assert.deepEqual([added.alias, added.added], [pairwise.did, true]);
    assert.equal((await asOwner.addAlias(pairwise.did)).added, false, "registering twice changes nothing");
    assert.deepEqual(
      (await phone.aliases()).map((a) => a.alias),
      [pairwise.did],
      "a device reads the aliases",
    );
    const relayed = await relayToHub(agent.url, owner.did, sealed);
    assert.equal(relayed.for, pairwise.did);
    const waiting = (await phone.inbox(0)).find((m) => m.seq === relayed.seq);
    assert.equal(waiting?.for, pairwise.did, "the inbox says which DID the message is for");
    const opened = await openMessage(waiting?.message ?? "", {
      resolver,
      recipientDid: pairwise.did,
      sharedSecretOf: pairwise.sharedSecretOf,
      replay: new MemoryReplayGuard(),
    });
    assert.equal(opened.sender, bank.did);
    await phone.acknowledge(relayed.seq);
    await asOwner.removeAlias(pairwise.did);
    assert.deepEqual(await refusal(relayToHub(agent.url, owner.did, sealed)), {
      status: 422,
      code: "HUB_MESSAGE_NOT_FOR_OWNER",
    });
    assert.deepEqual(await refusal(asOwner.removeAlias(pairwise.did)), { status: 404, code: "HUB_ALIAS_NOT_FOUND" });
  });

  it("refuses unsigned, replayed, tampered and strangers' requests, and a removed device", async () => {
    const path = `${phone.hubPath}/items?after=0`;
    const unsigned = await fetch(`${agent.url}${path}`);
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { code: string }).code, "HUB_REQUEST_UNSIGNED");

    const authorization = await phone.authorization("GET", path);
    assert.equal((await fetch(`${agent.url}${path}`, { headers: { authorization } })).status, 200);
    const replayed = await fetch(`${agent.url}${path}`, { headers: { authorization } });
    assert.equal(replayed.status, 409);
    assert.equal(((await replayed.json()) as { code: string }).code, "HUB_REQUEST_REPLAYED");

    // Signed for one body, sent with another.
    const signedFor = { kind: "note", jwe: "a.b.c.d.e" };
    const sealed = await (await import("../../src/identity/hub/client.ts")).sealItem(owner.did, { secret: 1 });
    const tampered = await fetch(`${agent.url}${phone.hubPath}/items/n1`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        authorization: await phone.authorization("PUT", `${phone.hubPath}/items/n1`, signedFor),
      },
      body: JSON.stringify({ kind: "note", jwe: sealed }),
    });
    assert.equal(tampered.status, 401);
    assert.equal(((await tampered.json()) as { code: string }).code, "HUB_REQUEST_INVALID");
    // Signed for another path.
    const wrongPath = await fetch(`${agent.url}${path}`, {
      headers: { authorization: await phone.authorization("GET", `${phone.hubPath}/inbox`) },
    });
    assert.equal(wrongPath.status, 401);

    const strangerClient = new HubClient(agent.url, owner.did, stranger.signer);
    assert.deepEqual(await refusal(strangerClient.changes(0)), { status: 403, code: "HUB_NOT_A_DEVICE" });

    const before = await laptop.changes(0);
    await asOwner.removeDevice(phoneKey.did);
    assert.deepEqual(await refusal(phone.put("n2", "note", { lost: true })), { status: 403, code: "HUB_NOT_A_DEVICE" });
    assert.deepEqual(await laptop.changes(0), before, "nothing changed");
    assert.deepEqual(
      (await laptop.describe()).devices.map((d) => d.device),
      [laptopKey.did],
    );
  });
});

// The user agent (src/useragent/wallet.ts) against an enterprise agent process over HTTP: keys generated on the
// device and kept in the encrypted keystore (reopened with the passphrase, refused with a wrong one), one pairwise
// did:key per relationship, an encrypted request posted to the agent's inbox and kept in its conversation; the agent's
// encrypted answer, posted by its outbox to the user agent's endpoint, opened by the wallet once (the replay refused).
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { IdentityError } from "../../src/core/identity/errors.ts";
import { MESSAGE_CONTEXT } from "../../src/core/identity/messages/index.ts";
import { openWallet } from "../../src/useragent/wallet.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { type PhoneEndpoint, startPhoneEndpoint } from "./phoneEndpoint.ts";

const cheap = { N: 1024 };
const id = () => `msg-${crypto.randomUUID()}`;

describe("user agent wallet against an enterprise agent process", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let dir: string;
  let phone: PhoneEndpoint;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "wallet-"));
    consortium = await startTestConsortium([{ name: "isp", roles: ["TNSP"] }], { agentProcesses: true });
    isp = consortium.agents.isp!;
    // The user agent's endpoint (a phone's relay): keeps what an agent posts, for the wallet to open.
    phone = await startPhoneEndpoint();
  });
  after(async () => {
    phone?.close();
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps its keys encrypted on the device, one pairwise DID per relationship, and reopens them only with the passphrase", async () => {
    const wallet = await openWallet({ dir, passphrase: "alice's phone", scrypt: cheap });
    const contact = await wallet.connect(isp.url);
    assert.match(contact.did, /^did:key:zDn/);
    assert.equal(await wallet.didFor(contact.agentDid), contact.did, "the same DID for the same relationship");
    const other = await wallet.didFor("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv");
    assert.notEqual(other, contact.did, "another relationship, another DID");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".json"));
    assert.equal(files.length, 2);
    const file = await readFile(join(dir, files[0] as string), "utf8");
    assert.match(file, /"ciphertext"/);

    const reopened = await openWallet({ dir, passphrase: "alice's phone", scrypt: cheap });
    assert.deepEqual(
      reopened
        .relationships()
        .map((r) => [r.peer, r.did])
        .sort(),
      wallet
        .relationships()
        .map((r) => [r.peer, r.did])
        .sort(),
    );
    await assert.rejects(
      openWallet({ dir, passphrase: "wrong", scrypt: cheap }),
      (e: unknown) => e instanceof IdentityError && e.code === "KEYSTORE_WRONG_PASSPHRASE",
    );
  });

  it("sends an encrypted request to the agent's inbox and opens the agent's encrypted delivery once", async () => {
    const wallet = await openWallet({ dir, passphrase: "alice's phone", scrypt: cheap });
    const contact = await wallet.connect(isp.url);
    const requestId = id();
    const stored = await wallet.send(contact, {
      "@context": MESSAGE_CONTEXT,
      "@type": "RequestAttestation",
      identifier: requestId,
      attestationType: "IspAccount",
      for: [contact.did],
      format: "jwt_vc",
      description: "My ISP account attestation",
    });
    assert.deepEqual([stored.sender, stored.encrypted, stored.threadId], [contact.did, true, requestId]);

    const offer = await isp.call<{ sent: { threadId: string } }>("POST", "/v1/identity/messages/outbox", {
      to: contact.did,
      endpoint: phone.url,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "DeliverAttestation",
        identifier: id(),
        replyTo: requestId,
        object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
        description: "Your ISP account attestation",
        deliveredAt: Math.floor(Date.now() / 1000),
      },
    });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    assert.equal(offer.body.sent.threadId, requestId, "the agent's reply joins the person's request");
    const token = phone.delivered.at(-1) as string;
    assert.equal(token.split(".").length, 5, "personal data reached the phone encrypted");
    const opened = await wallet.open(token, contact.agentDid);
    assert.deepEqual(
      [opened.sender, opened.recipient, opened.message["@type"], opened.encrypted],
      [contact.agentDid, contact.did, "DeliverAttestation", true],
    );
    await assert.rejects(
      wallet.open(token, contact.agentDid),
      (e: unknown) => e instanceof IdentityError && e.code === "MESSAGE_REPLAYED",
    );
    await assert.rejects(
      wallet.connect("ftp://example.org"),
      (e: unknown) => e instanceof IdentityError && e.code === "IDENTITY_INVALID_INPUT",
    );
  });

  it("keeps the person's records in their identity hub, sealed on the device and opened there", async () => {
    const wallet = await openWallet({ dir, passphrase: "alice's phone", scrypt: cheap });
    const owner = await wallet.hubOwner();
    assert.equal(await wallet.hubOwner(), owner, "one owner DID per wallet");
    assert.ok(!wallet.relationships().some((r) => r.did === owner), "the owner DID is no relationship");
    const created = await isp.call("POST", "/v1/identity/hubs", { owner });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const hub = await wallet.hub(isp.url);
    const record = { type: "IspAccount", plan: "unlimited" };
    const stored = await hub.client.put("isp-account", "attestation", record, 0);
    assert.ok(!(stored.jwe ?? "").includes("unlimited"));
    const [change] = await hub.client.changes(0);
    assert.equal(change?.seq, stored.seq);
    assert.deepEqual(hub.open(change?.jwe ?? ""), record);
  });
});

// Attestation messages between separate agent processes and a person's user agent, over HTTP: the inbox takes sealed
// messages (public; the sender's DID signature is the credential) and refuses replays, bad signatures, expired ones,
// personal data in clear and schema breaks by name, storing nothing; the outbox seals and posts to another agent's
// inbox; a reply joins the conversation of the message it answers on both sides.
import assert from "node:assert/strict";
import { createPublicKey, diffieHellman, generateKeyPairSync, sign } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Resolver } from "did-resolver";
import { didKeyOfP256, didKeyResolver } from "../../src/core/identity/didKey.ts";
import { keyAgreementOf } from "../../src/core/identity/messages/envelope.ts";
import {
  type AttestationMessage,
  MESSAGE_CONTEXT,
  sealEnvelope,
  sealMessage,
} from "../../src/core/identity/messages/index.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";

type Failure = { code: string; message: string; details?: Array<{ field: string }>; facts?: Record<string, unknown> };
type Stored = { direction: string; sender: string; threadId: string; type: string; encrypted: boolean; jti: string };
type Page<T> = { items: T[]; nextCursor: string | null };

/** A person's pairwise did:key, as a user agent holds it. */
function person() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" }) as { x: string; y: string };
  const did = didKeyOfP256(jwk);
  const kid = `${did}#${did.slice("did:key:".length)}`;
  return {
    did,
    sender: {
      did,
      kid,
      sign: async (data: string | Uint8Array) =>
        sign("sha256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url"),
    },
    sharedSecretOf: (wanted: string, epk: { x: string; y: string }) =>
      wanted === kid
        ? new Uint8Array(
            diffieHellman({
              privateKey,
              publicKey: createPublicKey({ key: { kty: "EC", crv: "P-256", ...epk }, format: "jwk" }),
            }),
          )
        : undefined,
  };
}

const resolver = new Resolver(didKeyResolver());
const id = () => `msg-${crypto.randomUUID()}`;
const request = (forDid: string): AttestationMessage => ({
  "@context": MESSAGE_CONTEXT,
  "@type": "RequestAttestation",
  identifier: id(),
  attestationType: "IspAccount",
  for: [forDid],
  format: "jwt_vc",
  description: "An ISP account attestation",
});

describe("attestation messages: inbox, outbox and conversations between agent processes", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let bank: TestAgentProcess;
  let ispDid: string;
  let bankDid: string;

  const post = async (agent: TestAgentProcess, message: string) => {
    const response = await fetch(`${agent.url}/v1/identity/messages/inbox`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message }),
    });
    return { status: response.status, body: (await response.json()) as Stored & Failure };
  };
  const thread = async (agent: TestAgentProcess, threadId: string) => {
    const r = await agent.call<Page<Stored>>("GET", `/v1/identity/conversations/${threadId}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };

  before(async () => {
    consortium = await startTestConsortium(
      [
        { name: "isp", roles: ["TNSP"] },
        { name: "bank", roles: ["TNSP"] },
      ],
      { agentProcesses: true },
    );
    isp = consortium.agents.isp!;
    bank = consortium.agents.bank!;
    // Public: a user agent learns the agent's messaging DID without any API key.
    const a = (await (await fetch(`${isp.url}/v1/identity/messages/did`)).json()) as { did: string; inbox: string };
    const b = await bank.call<{ did: string }>("GET", "/v1/identity/messages/did");
    assert.match(a.did, /^did:key:zDn/);
    assert.equal(a.inbox, "/v1/identity/messages/inbox");
    ispDid = a.did;
    bankDid = b.body.did;
    assert.notEqual(ispDid, bankDid);
  });
  after(() => consortium?.stop());

  it("takes a user agent's encrypted request once, keeps it in its conversation, and refuses the replay", async () => {
    const alice = person();
    const message = request(alice.did);
    const token = await sealMessage(message, alice.sender, ispDid, resolver);
    assert.equal(token.split(".").length, 5, "personal data travels as a JWE");
    const first = await post(isp, token);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(
      [first.body.direction, first.body.sender, first.body.type, first.body.encrypted, first.body.threadId],
      ["in", alice.did, "RequestAttestation", true, message.identifier],
    );
    const again = await post(isp, token);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "MESSAGE_REPLAYED");
    assert.equal((await thread(isp, message.identifier)).length, 1, "the replay stored nothing");
  });

  it("refuses a tampered signature, a message for another DID, an expired one, personal data in clear and a schema break", async () => {
    const alice = person();
    const good = await sealMessage(
      { "@context": MESSAGE_CONTEXT, "@type": "DenyAttestation", identifier: id(), replyTo: id(), purpose: "no" },
      alice.sender,
      ispDid,
      resolver,
    );
    const [h, p, s] = good.split(".") as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    const tampered = await post(isp, `${h}.${p}.${flipped}`);
    assert.equal(tampered.status, 422);
    assert.equal(tampered.body.code, "MESSAGE_SIGNATURE_INVALID");

    const forBank = await sealMessage(
      { "@context": MESSAGE_CONTEXT, "@type": "DenyAttestation", identifier: id(), replyTo: id(), purpose: "no" },
      alice.sender,
      bankDid,
      resolver,
    );
    const wrong = await post(isp, forBank);
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.code, "MESSAGE_WRONG_RECIPIENT");

    const old = await sealMessage(request(alice.did), alice.sender, ispDid, resolver, {
      now: Math.floor(Date.now() / 1000) - 600,
      ttlSeconds: 300,
    });
    const expired = await post(isp, old);
    assert.equal(expired.status, 422);
    assert.equal(expired.body.code, "MESSAGE_EXPIRED");

    // A sender that skips sealMessage's checks: the inbox still refuses.
    const clear = await sealEnvelope(request(alice.did), alice.sender, ispDid, undefined);
    const inClear = await post(isp, clear);
    assert.equal(inClear.status, 422);
    assert.equal(inClear.body.code, "MESSAGE_NOT_ENCRYPTED");

    const broken = { ...request(alice.did), format: "pdf" };
    const badSchema = await post(
      isp,
      await sealEnvelope(broken, alice.sender, ispDid, await keyAgreementOf(resolver, ispDid)),
    );
    assert.equal(badSchema.status, 422);
    assert.equal(badSchema.body.code, "MESSAGE_INVALID");
    assert.equal(badSchema.body.facts?.field, "msg.format", JSON.stringify(badSchema.body));

    const noBody = await fetch(`${isp.url}/v1/identity/messages/inbox`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ envelope: good }),
    });
    assert.equal(noBody.status, 400);
    const conversations = await isp.call<Page<{ peer: string }>>("GET", "/v1/identity/conversations");
    assert.ok(!conversations.body.items.some((c) => c.peer === alice.did), "nothing from the refused messages");
  });

  it("sends through the outbox to another agent process, whose reply joins the same conversation on both sides", async () => {
    const access: AttestationMessage = {
      "@context": MESSAGE_CONTEXT,
      "@type": "RequestAccess",
      identifier: id(),
      object: { id: id(), grantee: ispDid, attestationTypes: ["IdentityAttestation"], actions: ["read"] },
      purpose: "Account opening",
    };
    const sent = await isp.call<{ sent: Stored }>("POST", "/v1/identity/messages/outbox", {
      to: bankDid,
      endpoint: `${bank.url}/v1/identity/messages/inbox`,
      message: access,
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.sent.encrypted, false, "RequestAccess carries no personal data");
    const atBank = await thread(bank, access.identifier);
    assert.deepEqual(
      atBank.map((m) => [m.direction, m.sender, m.type]),
      [["in", ispDid, "RequestAccess"]],
    );

    const grant: AttestationMessage = {
      "@context": MESSAGE_CONTEXT,
      "@type": "GrantAccess",
      identifier: id(),
      replyTo: access.identifier,
      object: { ...access.object, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    };
    const replied = await bank.call<{ sent: Stored }>("POST", "/v1/identity/messages/outbox", {
      to: ispDid,
      endpoint: `${isp.url}/v1/identity/messages/inbox`,
      message: grant,
    });
    assert.equal(replied.status, 201, JSON.stringify(replied.body));
    assert.equal(replied.body.sent.threadId, access.identifier);
    const atIsp = await thread(isp, access.identifier);
    assert.deepEqual(
      atIsp.map((m) => [m.direction, m.type]),
      [
        ["out", "RequestAccess"],
        ["in", "GrantAccess"],
      ],
    );
    // Personal data through the outbox travels encrypted, and the recipient's record says so.
    const present: AttestationMessage = {
      "@context": MESSAGE_CONTEXT,
      "@type": "PresentAttestation",
      identifier: id(),
      replyTo: grant.identifier,
      object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
      description: "The identity attestation asked for",
    };
    const presented = await isp.call<{ sent: Stored }>("POST", "/v1/identity/messages/outbox", {
      to: bankDid,
      endpoint: `${bank.url}/v1/identity/messages/inbox`,
      message: present,
    });
    assert.equal(presented.status, 201, JSON.stringify(presented.body));
    assert.equal(presented.body.sent.encrypted, true);
    assert.deepEqual(
      (await thread(bank, access.identifier)).map((m) => [m.direction, m.type, m.encrypted]),
      [
        ["in", "RequestAccess", false],
        ["out", "GrantAccess", false],
        ["in", "PresentAttestation", true],
      ],
    );
    const list = await isp.call<
      Page<{ threadId: string; peer: string; messages: number; lastAt: string; lastType: string }>
    >("GET", "/v1/identity/conversations?limit=1");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items[0], {
      threadId: access.identifier,
      peer: bankDid,
      messages: 3,
      lastAt: list.body.items[0]?.lastAt,
      lastType: "PresentAttestation",
    });
    assert.ok(list.body.nextCursor, "more conversations on the next page");
    const next = await isp.call<Page<{ threadId: string }>>(
      "GET",
      `/v1/identity/conversations?limit=1&cursor=${list.body.nextCursor}`,
    );
    assert.equal(next.status, 200);
    assert.notEqual(next.body.items[0]?.threadId, access.identifier);
  });

  it("answers MESSAGE_REFUSED with the recipient's refusal, and refuses the outbox without an operator key", async () => {
    const stranger = person();
    const refused = await isp.call<Failure>("POST", "/v1/identity/messages/outbox", {
      to: stranger.did,
      endpoint: `${bank.url}/v1/identity/messages/inbox`,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "DenyAttestation",
        identifier: id(),
        replyTo: id(),
        purpose: "x",
      },
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "MESSAGE_REFUSED");
    assert.equal(refused.body.facts?.peerStatus, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.facts?.peerCode, "MESSAGE_WRONG_RECIPIENT", JSON.stringify(refused.body));

    const badMessage = await isp.call<Failure>("POST", "/v1/identity/messages/outbox", {
      to: bankDid,
      endpoint: `${bank.url}/v1/identity/messages/inbox`,
      message: { "@context": MESSAGE_CONTEXT, "@type": "DenyAttestation", identifier: id(), purpose: "x" },
    });
    assert.equal(badMessage.status, 422);
    assert.equal(badMessage.body.code, "MESSAGE_INVALID");

    const anonymous = await fetch(`${isp.url}/v1/identity/messages/outbox`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: bankDid, endpoint: bank.url, message: {} }),
    });
    assert.equal(anonymous.status, 401);
  });
});

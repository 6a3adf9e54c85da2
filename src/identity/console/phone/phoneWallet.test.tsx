// The phone wallet's browser cryptography checked against the agent's own functions: the did:key the page makes is
// didKeyOfP256's, a message the page seals is opened by the agent's openMessage (and one the agent seals by the page,
// with the agent's refusals), a hub request the page signs is accepted by the hub's verifier, an item it seals has the
// kid the hub requires and one the agent's sealItem makes opens on the page.
import { createPublicKey, diffieHellman, generateKeyPairSync } from "node:crypto";
import { ES256Signer } from "did-jwt";
import { Resolver } from "did-resolver";
import { describe, expect, it } from "vitest";
import { didKeyOfP256, didKeyResolver, p256JwkOfDidKey } from "../../../core/identity/didKey.ts";
import { IdentityError } from "../../../core/identity/errors.ts";
import * as agentEnvelope from "../../../core/identity/messages/envelope.ts";
import { MemoryReplayGuard } from "../../../core/identity/messages/replayGuard.ts";
import { type AttestationMessage, MESSAGE_CONTEXT } from "../../../core/identity/messages/schemas.ts";
import { sealItem } from "../../hub/client.ts";
import {
  AUTH_SCHEME as HUB_AUTH_SCHEME,
  MAX_REQUEST_LIFETIME_SECONDS,
  verifyHubRequest,
} from "../../hub/requestAuth.ts";
import { generateDeviceKey, keyIdOf, publicKeyOfDidKey } from "./deviceCrypto.ts";
import { MAX_MESSAGE_TTL_SECONDS, openMessage, sealMessage } from "./envelope.ts";
import { AUTH_SCHEME, BrowserHubClient, REQUEST_LIFETIME_SECONDS } from "./hubClient.ts";
import { PhoneWallet } from "./phoneWallet.ts";
import { MemoryWalletStore } from "./walletStore.ts";

const resolver = new Resolver(didKeyResolver());
const SPEC_VECTOR = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv";

/** An agent-side P-256 key (Node), as the agent's keystore would hold its messaging key. */
function agentKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" }) as { x: string; y: string };
  const did = didKeyOfP256(jwk);
  const d = (privateKey.export({ format: "jwk" }) as { d: string }).d;
  const signer = ES256Signer(Buffer.from(d, "base64url"));
  return {
    did,
    kid: keyIdOf(did),
    privateKey,
    sign: async (data: string | Uint8Array) => (await signer(data)) as string,
    sharedSecretOf: (kid: string, epk: { x: string; y: string }) =>
      kid === keyIdOf(did)
        ? diffieHellman({
            privateKey,
            publicKey: createPublicKey({ key: { kty: "EC", crv: "P-256", ...epk }, format: "jwk" }),
          })
        : undefined,
  };
}

const id = () => `msg-${crypto.randomUUID()}`;
const request = (forDid: string): AttestationMessage => ({
  "@context": MESSAGE_CONTEXT,
  "@type": "RequestAttestation",
  identifier: id(),
  attestationType: "IspAccount",
  for: [forDid],
  format: "jwt_vc",
  description: "My ISP account attestation",
});
const delivery = (): AttestationMessage => ({
  "@context": MESSAGE_CONTEXT,
  "@type": "DeliverAttestation",
  identifier: id(),
  replyTo: id(),
  object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
  description: "Your ISP account attestation",
  deliveredAt: Math.floor(Date.now() / 1000),
});
const code = (e: unknown) => (e instanceof IdentityError ? e.code : String(e));

describe("phone wallet cryptography in the browser", () => {
  it("makes the did:key didKeyOfP256 makes, and reads back the key a did:key names", async () => {
    const key = await generateDeviceKey();
    expect(key.did).toBe(didKeyOfP256(key.publicJwk));
    expect(publicKeyOfDidKey(key.did)).toEqual({ x: key.publicJwk.x, y: key.publicJwk.y });
    const { x, y } = p256JwkOfDidKey(SPEC_VECTOR);
    expect(publicKeyOfDidKey(SPEC_VECTOR)).toEqual({ x, y });
    expect(key.sign.extractable).toBe(false);
    expect(key.agree.extractable).toBe(false);
    expect(() => publicKeyOfDidKey("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "peer")).toThrow(
      /peer: is not a P-256 did:key/,
    );
  });

  it("seals a request the agent's openMessage opens: encrypted, signed by the pairwise DID, once", async () => {
    const agent = agentKey();
    const phone = await generateDeviceKey();
    const token = await sealMessage(request(phone.did), phone, agent.did);
    expect(token.split(".")).toHaveLength(5);
    const replay = new MemoryReplayGuard();
    const options = { resolver, recipientDid: agent.did, sharedSecretOf: agent.sharedSecretOf, replay };
    const opened = await agentEnvelope.openMessage(token, options);
    expect([opened.sender, opened.recipient, opened.message["@type"], opened.encrypted]).toEqual([
      phone.did,
      agent.did,
      "RequestAttestation",
      true,
    ]);
    await expect(agentEnvelope.openMessage(token, options)).rejects.toMatchObject({ code: "MESSAGE_REPLAYED" });
    await expect(
      sealMessage({ ...request(phone.did), format: "pdf" } as never, phone, agent.did),
    ).rejects.toMatchObject({ code: "MESSAGE_INVALID" });
  });

  it("opens what the agent's sealMessage sends it, and refuses as the agent does", async () => {
    const agent = agentKey();
    const phone = await generateDeviceKey();
    const other = await generateDeviceKey();
    const sender = { did: agent.did, kid: agent.kid, sign: agent.sign };
    const token = await agentEnvelope.sealMessage(delivery(), sender, phone.did, resolver);
    const replay = new MemoryReplayGuard();
    const opened = await openMessage(token, [other, phone], replay);
    expect([opened.sender, opened.recipient, opened.message["@type"], opened.encrypted]).toEqual([
      agent.did,
      phone.did,
      "DeliverAttestation",
      true,
    ]);
    await expect(openMessage(token, [phone], replay)).rejects.toMatchObject({ code: "MESSAGE_REPLAYED" });
    await expect(openMessage(token, [other], replay)).rejects.toMatchObject({ code: "MESSAGE_UNDECRYPTABLE" });
    const tampered = `${token.slice(0, -6)}AAAAAA`;
    await expect(openMessage(tampered, [phone], new MemoryReplayGuard())).rejects.toMatchObject({
      code: "MESSAGE_UNDECRYPTABLE",
    });
    // Personal data in clear: signed, not encrypted.
    const clear = await agentEnvelope.sealEnvelope(delivery(), sender, phone.did, undefined);
    await expect(openMessage(clear, [phone], new MemoryReplayGuard())).rejects.toMatchObject({
      code: "MESSAGE_NOT_ENCRYPTED",
    });
    // Addressed to someone else, in clear (a type without personal data).
    const deny = {
      "@context": MESSAGE_CONTEXT,
      "@type": "DenyAttestation",
      identifier: id(),
      replyTo: id(),
      purpose: "no",
    };
    const forOther = await agentEnvelope.sealEnvelope(deny, sender, other.did, undefined);
    await expect(openMessage(forOther, [phone], new MemoryReplayGuard())).rejects.toMatchObject({
      code: "MESSAGE_WRONG_RECIPIENT",
    });
    const expired = await agentEnvelope.sealEnvelope(deny, sender, phone.did, undefined, {
      now: Math.floor(Date.now() / 1000) - 600,
    });
    await expect(openMessage(expired, [phone], new MemoryReplayGuard())).rejects.toMatchObject({
      code: "MESSAGE_EXPIRED",
    });
    const forged = `${forOther.split(".").slice(0, 2).join(".")}.${token.split(".")[4]}`;
    await expect(openMessage(forged, [phone, other], new MemoryReplayGuard())).rejects.toMatchObject({
      code: "MESSAGE_SIGNATURE_INVALID",
    });
    expect(MAX_MESSAGE_TTL_SECONDS).toBe(agentEnvelope.MAX_MESSAGE_TTL_SECONDS);
  });

  it("signs hub requests the hub's verifier accepts, bound to method, path and body; seals items to the owner", async () => {
    const owner = await generateDeviceKey();
    expect(AUTH_SCHEME).toBe(HUB_AUTH_SCHEME);
    expect(REQUEST_LIFETIME_SECONDS).toBeLessThanOrEqual(MAX_REQUEST_LIFETIME_SECONDS);
    const replay = new MemoryReplayGuard();
    const seen: { url: string; method: string; authorization: string; body: unknown }[] = [];
    // The agent's side of the wire: the request as the hub route receives it, checked by the hub's verifier.
    const hubFetch = (async (url: string, init: RequestInit) => {
      const body = init.body === undefined ? undefined : JSON.parse(String(init.body));
      const authorization = (init.headers as Record<string, string>).authorization ?? "";
      seen.push({ url, method: init.method ?? "GET", authorization, body });
      const signer = await verifyHubRequest(
        { owner: owner.did, authorization, method: init.method ?? "GET", url, body },
        resolver,
        replay,
      );
      return new Response(JSON.stringify({ signer, seq: 1, itemId: "a", kind: "attestation", jwe: body?.jwe }), {
        status: 200,
      });
    }) as typeof fetch;
    const hub = new BrowserHubClient(owner, { fetch: hubFetch });
    const stored = (await hub.put("isp-account", "attestation", { plan: "unlimited" }, 0)) as unknown as {
      signer: string;
      jwe: string;
    };
    expect(stored.signer).toBe(owner.did);
    expect(JSON.parse(Buffer.from(stored.jwe.split(".")[0] as string, "base64url").toString()).kid).toBe(owner.kid);
    expect(await hub.open(stored.jwe)).toEqual({ plan: "unlimited" });
    expect(await hub.open(await sealItem(owner.did, { from: "the agent's client" }))).toEqual({
      from: "the agent's client",
    });
    // The same header on another body, path or a second time: refused by the hub's verifier.
    const last = seen.at(-1) as (typeof seen)[number];
    const verify = (change: Partial<typeof last>) =>
      verifyHubRequest({ owner: owner.did, ...last, ...change }, resolver, new MemoryReplayGuard());
    await expect(verify({ body: { ...(last.body as object), kind: "other" } })).rejects.toMatchObject({
      code: "HUB_REQUEST_INVALID",
    });
    await expect(verify({ url: `${last.url}x` })).rejects.toMatchObject({ code: "HUB_REQUEST_INVALID" });
    await expect(verifyHubRequest({ owner: owner.did, ...last }, resolver, replay)).rejects.toMatchObject({
      code: "HUB_REQUEST_REPLAYED",
    });
  });

  it("keeps one owner key and one pairwise DID per relationship in its store", async () => {
    const store = new MemoryWalletStore();
    expect(await PhoneWallet.open(store)).toBeUndefined();
    const wallet = await PhoneWallet.create(store);
    const agentDid = agentKey().did;
    const first = await wallet.keyFor(agentDid);
    expect((await wallet.keyFor(agentDid)).did).toBe(first.did);
    expect(first.did).not.toBe(wallet.owner.did);
    const reopened = await PhoneWallet.open(store);
    expect(reopened?.owner.did).toBe(wallet.owner.did);
    expect(reopened?.relationships().map((r) => [r.peer, r.did])).toEqual([[agentDid, first.did]]);
    await expect(wallet.keyFor("not a did")).rejects.toSatisfy((e) => code(e) === "IDENTITY_INVALID_INPUT");
  });
});

describe("phone wallet link answers (flow 2.1, wt/link's format)", () => {
  it("refuses a malformed and an expired offer by name, sending nothing", async () => {
    const posted: string[] = [];
    const wallet = await PhoneWallet.create(new MemoryWalletStore(), (async (url: string) => {
      posted.push(url);
      return new Response("{}");
    }) as typeof fetch);
    await expect(wallet.answerLink("telco-ledger://link?v=1&id=short", false)).rejects.toMatchObject({
      code: "IDENTITY_INVALID_INPUT",
      message: expect.stringMatching(/^url\.(id|response|aud)/),
    });
    const query = new URLSearchParams({
      v: "1",
      id: "abcdefghijklmnopqrstuv",
      did: agentKey().did,
      challenge: "c".repeat(43),
      aud: "http://127.0.0.1:7401",
      response: "http://127.0.0.1:7401/v1/identity/links/abcdefghijklmnopqrstuv/response",
      exp: String(Math.floor(Date.now() / 1000) - 1),
    });
    await expect(wallet.answerLink(`telco-ledger://link?${query}`, false)).rejects.toMatchObject({
      code: "LINK_EXPIRED",
    });
    expect(posted).toEqual([]);
    expect(wallet.relationships()).toEqual([]);
  });
});

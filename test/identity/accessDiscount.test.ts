// Flow 2.4 (EEA use case 6) end to end between two agent processes and the user agent library, over HTTP: Alice holds
// an ISP account attestation (issued by the ISP's DID to her pairwise DID for the ISP); the partner operator's agent
// asks access to it; her wallet grants with a holder-bound presentation sealed to the partner (aud = the partner,
// nonce = the RequestAccess identifier) posted to her hub at the ISP; the partner retrieves and validates it (holder
// binding, trusted issuer, status) and delivers a discount attestation to her pairwise DID for the partner. At
// purchase, the partner asks for the discount (RequestAttestation), the wallet presents it, the partner redeems it
// once (revoked on chain as Spent: any verifier sees it); a second use is refused by name, and of two concurrent
// redemptions of one discount exactly one wins.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MESSAGE_CONTEXT, type MessageOf } from "../../src/core/identity/messages/index.ts";
import { WalletAccess } from "../../src/useragent/access.ts";
import { type AgentContact, openWallet, type UserAgentWallet } from "../../src/useragent/wallet.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { type PhoneEndpoint, startPhoneEndpoint } from "../useragent/phoneEndpoint.ts";

type Failure = { code: string; message: string; facts?: Record<string, unknown> };
const cheap = { N: 1024 };

describe("flow 2.4: an ISP account attestation used at a partner for a discount spent once", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let partner: TestAgentProcess;
  let phone: PhoneEndpoint;
  let dir: string;
  let wallet: UserAgentWallet;
  let access: WalletAccess;
  let owner: string;
  let atIsp: AgentContact;
  let atPartner: AgentContact;
  let ispDid: string;
  let partnerDid: string;
  let account: string;

  /** The partner asks access to IspAccount; Alice grants with a holder-bound presentation of her account. */
  async function granted(): Promise<string> {
    const asked = await partner.call<{ permissionId: string }>("POST", "/v1/identity/access/requests", {
      to: atPartner.did,
      endpoint: phone.url,
      hub: { url: isp.url, owner },
      attestationTypes: ["IspAccount"],
      purpose: "A discount for customers of partner ISPs",
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const { request } = await access.openRequest(phone.delivered.at(-1) as string);
    const copy = await access.presentation({
      holderPeer: atIsp.agentDid,
      credentials: [account],
      audience: request.object.grantee,
      nonce: request.identifier,
    });
    await access.grant({
      hubUrl: isp.url,
      contact: atPartner,
      request,
      copies: [{ attestationType: "IspAccount", ...copy }],
    });
    return asked.body.permissionId;
  }

  /** The partner issues a discount under a granted permission; Alice's wallet opens the delivery. */
  async function discounted(permissionId: string): Promise<string> {
    const issued = await partner.call<{ discount: { holder: string }; account: { issuer: string; holder: string } }>(
      "POST",
      `/v1/identity/access/${permissionId}/discount`,
      { issuer: partnerDid, trustedIssuers: [ispDid], percent: 20, product: "smartphone" },
    );
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    assert.deepEqual(
      [issued.body.account.issuer, issued.body.account.holder, issued.body.discount.holder],
      [ispDid, atIsp.did, atPartner.did],
    );
    const delivered = await wallet.open(phone.delivered.at(-1) as string, atPartner.agentDid);
    assert.equal(delivered.message["@type"], "DeliverAttestation");
    return (delivered.message as MessageOf<"DeliverAttestation">).object.payload;
  }

  /** At purchase: the partner asks for the discount, the wallet presents it; answers the PresentAttestation's id. */
  async function presented(discount: string): Promise<string> {
    const asked = await partner.call("POST", "/v1/identity/messages/outbox", {
      to: atPartner.did,
      endpoint: phone.url,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier: `purchase-${crypto.randomUUID()}`,
        attestationType: "DiscountAttestation",
        for: [atPartner.did],
        format: "jwt_vp",
        description: "Your discount for this smartphone",
      },
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const opened = await wallet.open(phone.delivered.at(-1) as string, atPartner.agentDid);
    const request = opened.message as MessageOf<"RequestAttestation">;
    const { identifier } = await access.present({ contact: atPartner, request, credentials: [discount] });
    return identifier;
  }

  const redeem = (presentation: string) =>
    partner.call<Failure & { percent: number; onChain: { status: string } }>("POST", "/v1/identity/discounts/redeem", {
      presentation,
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "discount-"));
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
    assert.equal((await isp.call("POST", "/v1/identity/hubs", { owner })).status, 201);
    atIsp = await wallet.connect(isp.url);
    atPartner = await wallet.connect(partner.url);
    const [ispHosted, partnerHosted] = await Promise.all([
      isp.call<{ did: string }>("POST", "/v1/identity/dids", { label: "ISP" }),
      partner.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Partner operator" }),
    ]);
    assert.equal(ispHosted.status, 201, JSON.stringify(ispHosted.body));
    assert.equal(partnerHosted.status, 201, JSON.stringify(partnerHosted.body));
    ispDid = ispHosted.body.did;
    partnerDid = partnerHosted.body.did;
    // Alice's ISP account attestation, issued to her pairwise DID for the ISP (flow 2.2 delivers it; given here).
    const vc = await isp.call<{ jwt: string }>("POST", "/v1/identity/credentials", {
      issuer: ispDid,
      type: "IspAccount",
      credentialSubject: { id: atIsp.did, accountType: "postpaid", accountStatus: "active" },
    });
    assert.equal(vc.status, 201, JSON.stringify(vc.body));
    account = vc.body.jwt;
  });
  after(async () => {
    phone?.close();
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("end to end: access granted, the account validated, a discount delivered and spent once; a second use refused", async () => {
    const permissionId = await granted();
    const discount = await discounted(permissionId);
    // The same permission does not yield a second discount: the presentation's nonce was spent.
    const again = await partner.call<Failure>("POST", `/v1/identity/access/${permissionId}/discount`, {
      issuer: partnerDid,
      trustedIssuers: [ispDid],
      percent: 20,
      product: "smartphone",
    });
    assert.deepEqual([again.status, again.body.code], [409, "PRESENTATION_REPLAYED"]);

    const first = await redeem(await presented(discount));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.percent, first.body.onChain.status], [20, "revoked"], JSON.stringify(first.body));
    // Any verifier sees it spent: its status on chain is revoked with the reason Spent.
    const checked = await isp.call<{ verified: boolean; error: { code: string; message: string } }>(
      "POST",
      "/v1/identity/credentials/verify",
      { jwt: discount },
    );
    assert.equal(checked.body.verified, false);
    assert.equal(checked.body.error.code, "CREDENTIAL_REVOKED", JSON.stringify(checked.body));
    assert.match(checked.body.error.message, /reason Spent/);

    const second = await redeem(await presented(discount));
    assert.deepEqual([second.status, second.body.code], [409, "ATTESTATION_SPENT"], JSON.stringify(second.body));
  });

  it("two concurrent redemptions of one discount: exactly one wins", async () => {
    const discount = await discounted(await granted());
    const a = await presented(discount);
    const b = await presented(discount);
    const results = await Promise.all([redeem(a), redeem(b)]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409], JSON.stringify(results.map((r) => r.body)));
    assert.equal(results.find((r) => r.status === 409)?.body.code, "ATTESTATION_SPENT");
  });

  it("refuses an account from an issuer the partner does not trust, and a presentation for another request", async () => {
    const permissionId = await granted();
    const untrusted = await partner.call<Failure>("POST", `/v1/identity/access/${permissionId}/discount`, {
      issuer: partnerDid,
      trustedIssuers: [partnerDid],
      percent: 20,
      product: "smartphone",
    });
    assert.deepEqual([untrusted.status, untrusted.body.code], [422, "ATTESTATION_NOT_ACCEPTED"]);
    assert.equal(untrusted.body.facts?.problem, "issuer-not-trusted");

    // A presentation bound to another request (its nonce) than the one the partner sent is refused.
    const discount = await discounted(await granted());
    const asked = await partner.call("POST", "/v1/identity/messages/outbox", {
      to: atPartner.did,
      endpoint: phone.url,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier: `purchase-${crypto.randomUUID()}`,
        attestationType: "DiscountAttestation",
        for: [atPartner.did],
        format: "jwt_vp",
        description: "Your discount",
      },
    });
    assert.equal(asked.status, 201);
    const request = (await wallet.open(phone.delivered.at(-1) as string, atPartner.agentDid))
      .message as MessageOf<"RequestAttestation">;
    const object = await access.presentation({
      holderPeer: atPartner.agentDid,
      credentials: [discount],
      audience: atPartner.agentDid,
      nonce: "another-request-0001",
    });
    const identifier = `present-${crypto.randomUUID()}`;
    await wallet.send(atPartner, {
      "@context": MESSAGE_CONTEXT,
      "@type": "PresentAttestation",
      identifier,
      replyTo: request.identifier,
      object,
      description: "my discount",
    });
    const wrongNonce = await redeem(identifier);
    assert.deepEqual([wrongNonce.status, wrongNonce.body.code], [422, "PRESENTATION_INVALID"]);
    // Not spent by the refusal: presented properly, it is redeemed.
    const ok = await redeem(await presented(discount));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
});

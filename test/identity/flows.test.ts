// Flows 2.2 and 2.3 of the EEA use case 6, with revocation and amendment (issue 15), between two member agent
// processes over HTTP (an ISP and a bank) and a person's user agent (the wallet library): the bank issues an identity
// attestation to the person's bank pairwise DID; the ISP's agent answers a RequestAttestation with its preconditions,
// verifies the holder-bound presentation (signed by the bank pairwise DID, aud = the ISP, nonce = the preconditions),
// issues the account attestation to the person's ISP pairwise DID and delivers it at the reply endpoint the wallet
// signed; the operator amends it (closed), the person reopens it by presenting the closed one (AmendAttestation), the
// operator revokes it and the revoked one presented is refused by name. Negatives: a presentation by another DID,
// another nonce or audience, a replay, an untrusted issuer, a message failing its schema, a reply endpoint not signed.
import assert from "node:assert/strict";
import { execFile as execFileCb } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createJWT } from "did-jwt";
import { Resolver } from "did-resolver";
import type { Address } from "viem";
import { didKeyResolver } from "../../src/core/identity/didKey.ts";
import { sealJwe } from "../../src/core/identity/ecdhJwe.ts";
import { IdentityError } from "../../src/core/identity/errors.ts";
import {
  type AttestationMessage,
  keyAgreementOf,
  MESSAGE_CONTEXT,
  sealEnvelope,
} from "../../src/core/identity/messages/index.ts";
import { DidResolver } from "../../src/core/identity/resolver.ts";
import { createPresentation } from "../../src/identity/flows/presentation.ts";
import { type HeldAttestation, WalletAttestations } from "../../src/useragent/attestations.ts";
import { type AgentContact, openWallet, type UserAgentWallet } from "../../src/useragent/wallet.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { type PhoneEndpoint, startPhoneEndpoint } from "../useragent/phoneEndpoint.ts";

type Msg<T extends AttestationMessage["@type"]> = Extract<AttestationMessage, { "@type": T }>;
const cheap = { N: 1024 };
const id = () => `msg-${crypto.randomUUID()}`;
const execFile = promisify(execFileCb);
const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;

describe("attestation flows 2.2 and 2.3, revocation and amendment, between agent processes and a user agent", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let bank: TestAgentProcess;
  let phone: PhoneEndpoint;
  let dir: string;
  let wallet: UserAgentWallet;
  let atts: WalletAttestations;
  let ispDid: string;
  let bankDid: string;
  let ispContact: AgentContact;
  let bankContact: AgentContact;
  let identity: HeldAttestation;
  let seen = 0;

  /** The tokens the ISP posted to the phone since the last call. */
  const fresh = () => {
    const out = phone.delivered.slice(seen);
    seen = phone.delivered.length;
    return out;
  };
  /** Opens the one message the ISP just posted to the phone and applies it. */
  const receiveOne = async () => {
    const tokens = fresh();
    assert.equal(tokens.length, 1, `one message expected, got ${tokens.length}`);
    return atts.receive(tokens[0] as string, ispContact.agentDid);
  };
  const askPreconditions = async (): Promise<Msg<"PreconditionsAttestation">> => {
    await atts.request(ispContact, { attestationType: "IspAccount", description: "An ISP account", reply: phone.url });
    const outcome = await receiveOne();
    assert.equal(outcome.type, "PreconditionsAttestation", JSON.stringify(outcome));
    return (outcome as { message: Msg<"PreconditionsAttestation"> }).message;
  };
  const presentRaw = async (
    preconditions: Msg<"PreconditionsAttestation">,
    object: { format: "jwt_vp"; payload: string },
  ) => {
    await wallet.send(
      ispContact,
      {
        "@context": MESSAGE_CONTEXT,
        "@type": "PresentAttestation",
        identifier: id(),
        replyTo: preconditions.identifier,
        object,
        description: "crafted",
      },
      { reply: phone.url },
    );
    return receiveOne();
  };
  const denialCode = (outcome: Awaited<ReturnType<typeof receiveOne>>) => {
    assert.equal(outcome.type, "DenyAttestation", JSON.stringify(outcome));
    return (outcome as { message: Msg<"DenyAttestation"> }).message.purpose.split(":")[0];
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "flows-"));
    consortium = await startTestConsortium(
      [
        { name: "isp", roles: ["TNSP"] },
        { name: "bank", roles: ["TNSP"] },
      ],
      { agentProcesses: true },
    );
    isp = consortium.agents.isp!;
    bank = consortium.agents.bank!;
    phone = await startPhoneEndpoint();
    const manifest = JSON.parse(await readFile(consortium.manifestPath, "utf8")) as {
      chainId: number;
      contracts: Record<string, { address: Address }>;
    };
    const ethr = new DidResolver({
      chainId: manifest.chainId,
      rpcUrl: consortium.devnet.rpcUrl,
      registry: manifest.contracts.EthereumDIDRegistry!.address,
    });
    wallet = await openWallet({ dir, passphrase: "alice's phone", scrypt: cheap });
    atts = new WalletAttestations({ wallet, dir, resolver: ethr });
    const made = await Promise.all([
      isp.call<{ did: string }>("POST", "/v1/identity/dids", { label: "isp accounts" }),
      bank.call<{ did: string }>("POST", "/v1/identity/dids", { label: "bank kyc" }),
    ]);
    for (const r of made) assert.equal(r.status, 201, JSON.stringify(r.body));
    ispDid = made[0].body.did;
    bankDid = made[1].body.did;
    ispContact = await wallet.connect(isp.url);
    bankContact = await wallet.connect(bank.url);
  });
  after(async () => {
    phone?.close();
    await consortium?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("offers an attestation service through the operator API (schema-validated, issuer hosted)", async () => {
    const body = {
      issuer: ispDid,
      description: "ISP account",
      preconditions: [
        { type: "IdentityAttestation", issuers: [bankDid], description: "Proof of identity from a bank" },
        { type: "IspAccount", issuers: [ispDid], claims: { accountStatus: "closed" }, description: "A closed account" },
      ],
      claims: { values: { accountStatus: "active", accountType: "broadband" }, generated: ["accountId"] },
      validitySeconds: 86_400,
      reopenPurpose: "Your account has been reopened",
    };
    const put = await isp.call("PUT", "/v1/identity/attestation-services/IspAccount", body);
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const again = await isp.call("PUT", "/v1/identity/attestation-services/IspAccount", body);
    assert.equal(again.status, 200);
    const got = await isp.call<{ issuer: string }>("GET", "/v1/identity/attestation-services/IspAccount");
    assert.equal(got.body.issuer, ispDid);
    const list = await isp.call<{ items: Array<{ type: string }>; nextCursor: null }>(
      "GET",
      "/v1/identity/attestation-services?limit=10",
    );
    assert.deepEqual(
      list.body.items.map((s) => s.type),
      ["IspAccount"],
    );
    const bad = await isp.call<{ code: string }>("PUT", "/v1/identity/attestation-services/Other", {
      ...body,
      preconditions: [],
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /preconditions/);
    const notHosted = await isp.call<{ code: string }>("PUT", "/v1/identity/attestation-services/Other", {
      ...body,
      issuer: bankDid,
    });
    assert.equal(notHosted.status, 404);
    assert.equal(notHosted.body.code, "DID_NOT_HOSTED");
    const unknown = await isp.call<{ code: string }>("GET", "/v1/identity/attestation-services/Other");
    assert.equal(unknown.body.code, "ATTESTATION_SERVICE_NOT_FOUND");
  });

  it("flow 2.2: the bank's identity attestation, presented bound to the request, opens an ISP account", async () => {
    const issued = await bank.call<{ jwt: string }>("POST", "/v1/identity/credentials", {
      issuer: bankDid,
      type: "IdentityAttestation",
      credentialSubject: { id: bankContact.did, verified: "kyc-enhanced" },
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    identity = await atts.keep(issued.body.jwt);
    assert.equal(identity.subject, bankContact.did, "issued to the person's bank pairwise DID");
    assert.notEqual(bankContact.did, ispContact.did);

    const requestId = await atts.request(ispContact, {
      attestationType: "IspAccount",
      description: "Open my ISP account",
      reply: phone.url,
    });
    const pre = await receiveOne();
    assert.equal(pre.type, "PreconditionsAttestation");
    const preconditions = (pre as { message: Msg<"PreconditionsAttestation"> }).message;
    assert.equal(preconditions.replyTo, requestId);
    assert.deepEqual(
      preconditions.preconditions.map((p) => [p.attestationType, p.issuers]),
      [
        ["IdentityAttestation", [bankDid]],
        ["IspAccount", [ispDid]],
      ],
    );
    const chosen = await atts.present(ispContact, preconditions, { reply: phone.url });
    assert.deepEqual(
      chosen.map((h) => h.id),
      [identity.id],
      "the default policy chose the bank's attestation",
    );
    const delivered = await receiveOne();
    assert.equal(delivered.type, "DeliverAttestation", JSON.stringify(delivered));
    const account = (delivered as { held: HeldAttestation }).held;
    assert.deepEqual(
      [account.issuer, account.subject, account.types, account.claims.accountStatus, account.state],
      [ispDid, ispContact.did, ["IspAccount"], "active", "active"],
    );
    assert.match(String(account.claims.accountId), /^[0-9a-f-]{36}$/);
    const held = await atts.held();
    assert.deepEqual(held.map((h) => h.types[0]).sort(), ["IdentityAttestation", "IspAccount"]);
    assert.equal((await stat(join(dir, "held-attestations.sealed"))).mode & 0o777, 0o600);
    assert.doesNotMatch(await readFile(join(dir, "held-attestations.sealed"), "utf8"), /accountId|kyc-enhanced/);

    const thread = await isp.call<{ items: Array<{ type: string; direction: string }> }>(
      "GET",
      `/v1/identity/conversations/${requestId}`,
    );
    assert.deepEqual(
      thread.body.items.map((m) => `${m.direction}:${m.type}`),
      ["in:RequestAttestation", "out:PreconditionsAttestation", "in:PresentAttestation", "out:DeliverAttestation"],
    );
  });

  it("amendment replaces the held one; flow 2.3 reopens a closed account by presenting it (AmendAttestation)", async () => {
    const active = (await atts.held()).find((h) => h.types.includes("IspAccount") && h.state === "active")!;
    const issuedList = await isp.call<{ items: Array<{ credentialId: string; id: string; state: string }> }>(
      "GET",
      "/v1/identity/attestations?limit=10",
    );
    const record = issuedList.body.items.find((a) => a.id === active.id)!;
    const closed = await isp.call<{ issued: { credentialId: string }; replaced: { state: string } }>(
      "POST",
      `/v1/identity/attestations/${record.credentialId}/amend`,
      { claims: { accountStatus: "closed" }, purpose: "Your account was closed at your request" },
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.replaced.state, "superseded");
    const amended = await receiveOne();
    assert.equal(amended.type, "AmendAttestation");
    const { held: closedHeld, replaced } = amended as { held: HeldAttestation; replaced: HeldAttestation };
    assert.deepEqual(
      [closedHeld.claims.accountStatus, closedHeld.claims.accountId, replaced.id, replaced.state],
      ["closed", active.claims.accountId, active.id, "superseded"],
    );
    const status = await isp.call<{ status: string; reason: string }>(
      "GET",
      `/v1/identity/credentials/${record.credentialId}/status?issuer=${ispDid}`,
    );
    assert.deepEqual([status.body.status, status.body.reason], ["revoked", "Superseded"]);

    // Flow 2.3: the person, linked already, asks again and presents the closed account attestation.
    const preconditions = await askPreconditions();
    await atts.present(ispContact, preconditions, { ids: [closedHeld.id], reply: phone.url });
    const reopened = await receiveOne();
    assert.equal(reopened.type, "AmendAttestation", JSON.stringify(reopened));
    const r = reopened as { held: HeldAttestation; replaced: HeldAttestation };
    assert.deepEqual(
      [r.held.claims.accountStatus, r.held.claims.accountId, r.replaced.id, r.replaced.state],
      ["active", active.claims.accountId, closedHeld.id, "superseded"],
    );
    const active2 = (await atts.held()).filter((h) => h.types.includes("IspAccount") && h.state === "active");
    assert.deepEqual(
      active2.map((h) => h.id),
      [r.held.id],
      "one active account attestation: the reopened one",
    );
  });

  it("revocation reaches the holder, and the revoked attestation presented is refused by name", async () => {
    const account = (await atts.held()).find((h) => h.types.includes("IspAccount") && h.state === "active")!;
    const list = await isp.call<{ items: Array<{ credentialId: string; id: string }> }>(
      "GET",
      "/v1/identity/attestations?limit=10",
    );
    const { credentialId } = list.body.items.find((a) => a.id === account.id)!;
    const revoked = await isp.call<{ state: string }>("POST", `/v1/identity/attestations/${credentialId}/revoke`, {
      reason: "privilegeWithdrawn",
      purpose: "Your account was revoked.",
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const notice = await receiveOne();
    assert.equal(notice.type, "RevokeAttestation");
    assert.equal((notice as { held: HeldAttestation }).held.state, "revoked");
    const twice = await isp.call<{ code: string }>("POST", `/v1/identity/attestations/${credentialId}/revoke`, {
      reason: "privilegeWithdrawn",
      purpose: "again",
    });
    assert.equal(twice.body.code, "ATTESTATION_NOT_ACTIVE");
    const badReason = await isp.call("POST", `/v1/identity/attestations/${credentialId}/revoke`, {
      reason: "certificateHold",
      purpose: "x",
    });
    assert.equal(badReason.status, 400);

    const preconditions = await askPreconditions();
    const vp = await createPresentation({
      holder: wallet.signerForDid(account.subject),
      credentials: [account.token],
      audience: ispContact.agentDid,
      nonce: preconditions.identifier,
    });
    assert.equal(
      denialCode(await presentRaw(preconditions, vp as { format: "jwt_vp"; payload: string })),
      "CREDENTIAL_REVOKED",
    );
  });

  it("refuses a presentation by another DID, for another nonce or audience, replayed, or from an untrusted issuer", async () => {
    // Signed by the ISP pairwise DID, carrying the credential issued to the bank pairwise DID.
    let pre = await askPreconditions();
    let vp = await createPresentation({
      holder: wallet.signerForDid(ispContact.did),
      credentials: [identity.token],
      audience: ispContact.agentDid,
      nonce: pre.identifier,
    });
    assert.equal(denialCode(await presentRaw(pre, vp as never)), "PRESENTATION_INVALID");

    pre = await askPreconditions();
    vp = await createPresentation({
      holder: wallet.signerForDid(identity.subject),
      credentials: [identity.token],
      audience: ispContact.agentDid,
      nonce: `${pre.identifier}-other`,
    });
    const wrongNonce = await presentRaw(pre, vp as never);
    assert.equal(denialCode(wrongNonce), "PRESENTATION_INVALID");
    assert.match((wrongNonce as { message: { purpose: string } }).message.purpose, /nonce/);

    pre = await askPreconditions();
    vp = await createPresentation({
      holder: wallet.signerForDid(identity.subject),
      credentials: [identity.token],
      audience: bankContact.agentDid,
      nonce: pre.identifier,
    });
    const wrongAud = await presentRaw(pre, vp as never);
    assert.match(
      (wrongAud as { message: { purpose: string } }).message.purpose,
      /^PRESENTATION_INVALID: .*not addressed/,
    );

    // The right presentation is accepted once; the same presentation again is a replay.
    pre = await askPreconditions();
    vp = await createPresentation({
      holder: wallet.signerForDid(identity.subject),
      credentials: [identity.token],
      audience: ispContact.agentDid,
      nonce: pre.identifier,
    });
    const first = await presentRaw(pre, vp as never);
    assert.equal(first.type, "DeliverAttestation");
    assert.equal(denialCode(await presentRaw(pre, vp as never)), "PRESENTATION_REPLAYED");

    // An identity attestation from an issuer the service does not name.
    const other = await bank.call<{ did: string }>("POST", "/v1/identity/dids", { label: "untrusted" });
    const untrusted = await bank.call<{ jwt: string }>("POST", "/v1/identity/credentials", {
      issuer: other.body.did,
      type: "IdentityAttestation",
      credentialSubject: { id: bankContact.did, verified: "self" },
    });
    const kept = await atts.keep(untrusted.body.jwt);
    pre = await askPreconditions();
    await atts.present(ispContact, pre, { ids: [kept.id], reply: phone.url });
    assert.equal(denialCode(await receiveOne()), "ATTESTATION_PRECONDITIONS_NOT_MET");
  });

  it("refuses a message failing its schema and a reply endpoint the sender did not sign; a bad URL is refused by name", async () => {
    const resolver = new Resolver(didKeyResolver());
    const sender = wallet.signerFor(ispContact.agentDid);
    const before = phone.delivered.length;
    const inbox = async (message: string) =>
      isp.call<{ code: string; facts?: { field?: string } }>("POST", "/v1/identity/messages/inbox", {
        message,
      });
    const encrypt = async (jws: string) =>
      sealJwe(Buffer.from(jws, "utf8"), await keyAgreementOf(resolver, ispContact.agentDid), { cty: "JWT" });

    // A RequestAttestation without its description (schema), signed with a reply endpoint.
    const broken = await sealEnvelope(
      {
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier: id(),
        attestationType: "IspAccount",
        for: [ispContact.did],
        format: "jwt_vc",
      },
      sender,
      ispContact.agentDid,
      await keyAgreementOf(resolver, ispContact.agentDid),
      { reply: phone.url },
    );
    const schema = await inbox(broken);
    assert.equal(schema.status, 422);
    assert.equal(schema.body.code, "MESSAGE_INVALID");

    // A reply endpoint put into the signed token afterwards (not signed): the signature fails, nothing is answered.
    const evil = await startPhoneEndpoint();
    try {
      const request: Msg<"RequestAttestation"> = {
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier: id(),
        attestationType: "IspAccount",
        for: [ispContact.did],
        format: "jwt_vc",
        description: "forged reply",
      };
      const jws = await sealEnvelope(request, sender, ispContact.agentDid, undefined, { reply: phone.url });
      const [h, p, s] = jws.split(".") as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
      payload.reply = evil.url;
      const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
      const refused = await inbox(await encrypt(forged));
      assert.equal(refused.body.code, "MESSAGE_SIGNATURE_INVALID");
      // A reply endpoint beside the message, outside the signature: the inbox takes no such field.
      const beside = await isp.call("POST", "/v1/identity/messages/inbox", {
        message: await encrypt(jws),
        reply: evil.url,
      });
      assert.equal(beside.status, 400);
      assert.equal(evil.delivered.length, 0, "nothing was sent where the sender did not sign");
    } finally {
      evil.close();
    }

    // A signed reply that is not an http(s) URL: refused by name, by the sender's library and by the inbox.
    await assert.rejects(
      sealEnvelope({ any: 1 }, sender, ispContact.agentDid, undefined, { reply: "ftp://example.org/inbox" }),
      (e: unknown) => e instanceof IdentityError && e.code === "IDENTITY_INVALID_INPUT" && e.field === "body.reply",
    );
    const iat = Math.floor(Date.now() / 1000);
    const badReply = await createJWT(
      {
        aud: ispContact.agentDid,
        iat,
        exp: iat + 60,
        jti: crypto.randomUUID(),
        reply: "ftp://example.org/inbox",
        msg: { "@context": MESSAGE_CONTEXT, "@type": "DenyAttestation", identifier: id(), replyTo: id(), purpose: "x" },
      },
      { issuer: sender.did, signer: sender.sign },
      { alg: "ES256", kid: sender.kid },
    );
    const refusedUrl = await inbox(badReply);
    assert.equal(refusedUrl.body.code, "MESSAGE_INVALID");
    assert.equal(refusedUrl.body.facts?.field, "reply");
    assert.equal(phone.delivered.length, before, "no flow answered any of them");
  });
  it("runs flow 2.2 through the wallet CLI: connect, keep, request, receive, answer, held", async () => {
    const cliDir = join(dir, "cli-wallet");
    const env = { ...process.env, TELCO_WALLET_PASSPHRASE: "bob's phone" };
    const cli = async (args: string[], input?: string) => {
      const child = execFile(process.execPath, [cliBin, "wallet", ...args, "--keystore", cliDir, "--json"], {
        encoding: "utf8",
        timeout: 120_000,
        env,
      });
      if (input !== undefined) child.child.stdin?.end(input);
      return JSON.parse((await child).stdout);
    };
    const bankLink = (await cli(["connect", bank.url])) as { did: string };
    const issued = await bank.call<{ jwt: string }>("POST", "/v1/identity/credentials", {
      issuer: bankDid,
      type: "IdentityAttestation",
      credentialSubject: { id: bankLink.did, verified: "kyc-basic" },
    });
    const kept = (await cli(["keep", "-"], issued.body.jwt)) as { id: string; subject: string };
    assert.equal(kept.subject, bankLink.did);
    const asked = (await cli(["request", isp.url, "IspAccount", "--reply", phone.url])) as { agentDid: string };
    const [preToken] = fresh();
    const pre = (await cli(["receive", asked.agentDid, "-"], preToken)) as {
      type: string;
      message: Msg<"PreconditionsAttestation">;
    };
    assert.equal(pre.type, "PreconditionsAttestation");
    const presented = (await cli(
      ["answer", isp.url, "-", "--ids", kept.id, "--reply", phone.url],
      JSON.stringify(pre.message),
    )) as { presented: string[] };
    assert.deepEqual(presented.presented, [kept.id]);
    const [deliverToken] = fresh();
    const delivered = (await cli(["receive", asked.agentDid, "-"], deliverToken)) as {
      type: string;
      held: { types: string[]; claims: Record<string, unknown> };
    };
    assert.equal(delivered.type, "DeliverAttestation", JSON.stringify(delivered));
    assert.equal(delivered.held.claims.accountStatus, "active");
    const held = (await cli(["held"])) as Array<{ types: string[]; state: string }>;
    assert.deepEqual(held.map((h) => `${h.types[0]}:${h.state}`).sort(), [
      "IdentityAttestation:active",
      "IspAccount:active",
    ]);
  });
});

// Credentials that interoperate (issue 15), over HTTP against a real devnet and agent: credentials made by the stock
// did-jwt-vc library (VC 1.1 JWT-VC) and by did-jwt as VC 2.0 `vc+jwt`, signed by an external did:ethr key (an account
// that is no member and never sent a transaction: its DID resolves from the devnet's registry as it is), verify at
// POST /v1/identity/credentials/verify; tampered, expired and not-yet-valid ones are refused with their reason; status
// is checked by the methods this agent knows (ours on chain, Bitstring Status List) and reported otherwise. The other
// direction: a credential our agent issues verifies with did-jwt-vc's own verifyCredential.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { createJWS, ES256KSigner } from "did-jwt";
import { createVerifiableCredentialJwt, type Issuer, verifyCredential } from "did-jwt-vc";
import { Resolver } from "did-resolver";
import { getResolver } from "ethr-did-resolver";
import { type Address, hexToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { DeploymentManifest } from "../../src/core/chain/manifest.ts";
import { encodeList } from "../../src/core/identity/bitstringStatus.ts";
import { CredentialStatusService } from "../../src/core/identity/credentialStatus.ts";
import { CredentialService } from "../../src/core/identity/credentials.ts";
import { HeldCredentialStore } from "../../src/core/identity/heldCredentials.ts";
import { IssuedCredentialLog } from "../../src/core/identity/issuedCredentials.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Verification = {
  verified: boolean;
  format?: string;
  issuer?: string;
  id?: string | null;
  validFrom?: string | null;
  validUntil?: string | null;
  status?: Record<string, unknown>;
  error?: { code: string; message: string };
};

const VC_V2 = "https://www.w3.org/ns/credentials/v2";
const now = () => Math.floor(Date.now() / 1000);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe("credentials that interoperate", () => {
  let consortium: TestConsortium;
  let verifier: TestAgent;
  let chainHex: string;
  let registries: { did: Address; status: Address };
  /** The external key: an account of nobody, its DID resolvable without any transaction. */
  const externalKey = generatePrivateKey();
  let externalDid: string;
  let external: Issuer;

  const verify = async (jwt: string) => {
    const r = await verifier.call<Verification>("POST", "/v1/identity/credentials/verify", { jwt });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  /** A VC 2.0 credential secured as JOSE: the payload is the credential, signed by the external key. */
  const vc2 = (credential: Record<string, unknown>, kid = `${externalDid}#controller`) =>
    createJWS(
      {
        "@context": [VC_V2],
        type: ["VerifiableCredential", "EmployeeCredential"],
        issuer: externalDid,
        credentialSubject: { id: "did:example:holder", employer: "Acme" },
        ...credential,
      },
      ES256KSigner(hexToBytes(externalKey)),
      // did-jwt types `typ` as "JWT"; VC-JOSE-COSE names it vc+jwt.
      { alg: "ES256K", typ: "vc+jwt", kid } as unknown as Parameters<typeof createJWS>[2],
    );

  before(async () => {
    consortium = await startTestConsortium([{ name: "verifier", roles: ["KYC_VETTER"] }]);
    verifier = consortium.agents.verifier!;
    const chainId = verifier.agent.config.chain.chainId;
    chainHex = `0x${chainId.toString(16)}`;
    const manifest = JSON.parse(await readFile(consortium.manifestPath, "utf8")) as DeploymentManifest;
    registries = {
      did: manifest.contracts.EthereumDIDRegistry?.address as Address,
      status: manifest.contracts.CredentialStatusRegistry?.address as Address,
    };
    externalDid = `did:ethr:${chainHex}:${privateKeyToAccount(externalKey).address.toLowerCase()}`;
    external = { did: externalDid, signer: ES256KSigner(hexToBytes(externalKey)), alg: "ES256K" };
  });
  after(() => consortium?.stop());

  it("verifies a stock did-jwt-vc credential from an external did:ethr key, saying it has no status method", async () => {
    const jwt = await createVerifiableCredentialJwt(
      {
        sub: "did:example:holder",
        nbf: now() - 60,
        exp: now() + 3600,
        vc: {
          "@context": ["https://www.w3.org/2018/credentials/v1"],
          type: ["VerifiableCredential", "UniversityDegreeCredential"],
          credentialSubject: { degree: { type: "BachelorDegree", name: "Telecoms" } },
        },
      },
      external,
    );
    const answer = await verify(jwt);
    assert.equal(answer.verified, true, JSON.stringify(answer));
    assert.equal(answer.format, "jwt-vc-1.1");
    assert.equal(answer.issuer, externalDid);
    assert.deepEqual(answer.status, { method: null, note: "no status method" });

    // The same credential with one byte of its signature changed: refused, naming the signature.
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    const bytes = Buffer.from(signature, "base64url");
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    const tampered = await verify(`${header}.${payload}.${bytes.toString("base64url")}`);
    assert.equal(tampered.verified, false);
    assert.equal(tampered.error?.code, "CREDENTIAL_INVALID");
    assert.match(tampered.error?.message ?? "", /signature/i);

    const expired = await verify(
      await createVerifiableCredentialJwt(
        {
          sub: "did:example:holder",
          nbf: now() - 7200,
          exp: now() - 3600,
          vc: {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            type: ["VerifiableCredential"],
            credentialSubject: { a: 1 },
          },
        },
        external,
      ),
    );
    assert.equal(expired.verified, false);
    assert.equal(expired.error?.code, "CREDENTIAL_EXPIRED");
  });

  it("verifies a VC 2.0 vc+jwt credential; refuses one not yet valid, one expired, one signed under another DID", async () => {
    const valid = await verify(await vc2({ validFrom: iso(now() - 60), validUntil: iso(now() + 3600) }));
    assert.equal(valid.verified, true, JSON.stringify(valid));
    assert.equal(valid.format, "vc+jwt-2.0");
    assert.equal(valid.issuer, externalDid);
    assert.ok(valid.validUntil);
    assert.deepEqual(valid.status, { method: null, note: "no status method" });

    const early = await verify(await vc2({ validFrom: iso(now() + 86_400) }));
    assert.equal(early.verified, false);
    assert.equal(early.error?.code, "CREDENTIAL_NOT_YET_VALID");
    assert.match(early.error?.message ?? "", /validFrom/);

    const late = await verify(await vc2({ validFrom: iso(now() - 7200), validUntil: iso(now() - 3600) }));
    assert.equal(late.verified, false);
    assert.equal(late.error?.code, "CREDENTIAL_EXPIRED");

    // The external key's signature, claimed for the verifier's own member account: no key of that DID signed it.
    const stranger = `did:ethr:${chainHex}:${verifier.agent.config.memberAccount.toLowerCase()}`;
    const impostor = await verify(await vc2({ issuer: stranger }, `${stranger}#controller`));
    assert.equal(impostor.verified, false);
    assert.equal(impostor.error?.code, "CREDENTIAL_INVALID");
    assert.match(impostor.error?.message ?? "", /signature/);
  });

  it("reports a status it cannot read as unknown, and a method it does not know as none", async () => {
    const elsewhere = await verify(
      await vc2({
        credentialStatus: {
          id: "https://status.example.com/lists/1#94567",
          type: "BitstringStatusListEntry",
          statusPurpose: "revocation",
          statusListIndex: "94567",
          statusListCredential: "https://status.example.com/lists/1",
        },
      }),
    );
    assert.equal(elsewhere.verified, true, JSON.stringify(elsewhere));
    assert.equal(elsewhere.status?.method, "BitstringStatusListEntry");
    assert.equal(elsewhere.status?.status, "unknown");
    assert.match(String(elsewhere.status?.reason), /not fetched: https:\/\/status\.example\.com is not a member agent/);

    const foreign = await verify(
      await vc2({ credentialStatus: { id: "https://x.example/1#2", type: "StatusList2021Entry" } }),
    );
    assert.equal(foreign.verified, true);
    assert.deepEqual(foreign.status, {
      method: null,
      note: "no status method this verifier knows (the credential names StatusList2021Entry)",
    });

    const malformed = await verify(
      await vc2({
        credentialStatus: {
          type: "BitstringStatusListEntry",
          statusPurpose: "revocation",
          statusListIndex: "-1",
          statusListCredential: "https://status.example.com/lists/1",
        },
      }),
    );
    assert.equal(malformed.error?.code, "CREDENTIAL_INVALID");
    assert.match(malformed.error?.message ?? "", /statusListIndex/);
  });

  it("reads a Bitstring status list the source gives: a set revocation bit refuses, a clear one passes", async () => {
    const agent = verifier.agent;
    const credentials = new CredentialService({
      keystore: agent.keystore,
      dids: agent.dids,
      resolver: agent.resolver,
      status: new CredentialStatusService({
        txSender: agent.outbox,
        publicClient: agent.chain,
        registry: registries.status,
        dids: agent.dids,
      }),
      chainId: agent.config.chain.chainId,
      issued: new IssuedCredentialLog(agent.store),
      held: new HeldCredentialStore(agent.store),
    });
    const bits = Buffer.alloc(16 * 1024);
    bits[0] = 0b0000_0100; // index 5 set
    const listUrl = "https://member-agent.example/v1/identity/status-lists/1";
    const list = await vc2({
      type: ["VerifiableCredential", "BitstringStatusListCredential"],
      credentialSubject: { type: "BitstringStatusList", statusPurpose: "revocation", encodedList: encodeList(bits) },
    });
    const statusLists = { get: async (url: string) => (url === listUrl ? { jwt: list } : { unavailable: "no" }) };
    const entry = (index: number) => ({
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(index),
      statusListCredential: listUrl,
    });
    const kept = await credentials.verify(await vc2({ id: "urn:uuid:kept", credentialStatus: entry(6) }), {
      statusLists,
    });
    assert.deepEqual(kept.status, {
      method: "BitstringStatusListEntry",
      status: "active",
      purpose: "revocation",
      statusListCredential: listUrl,
    });
    await assert.rejects(
      credentials.verify(await vc2({ id: "urn:uuid:gone", credentialStatus: entry(5) }), { statusLists }),
      { code: "CREDENTIAL_REVOKED" },
    );
  });

  it("still verifies ours with our status, refuses ours once revoked, and ours verifies with did-jwt-vc", async () => {
    const hosted = await verifier.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Issuer Org" });
    assert.equal(hosted.status, 201, JSON.stringify(hosted.body));
    const issued = await verifier.call<{ jwt: string; id: string; credentialId: string }>(
      "POST",
      "/v1/identity/credentials",
      { issuer: hosted.body.did, type: "MemberCredential", credentialSubject: { memberName: "Acme" } },
    );
    assert.equal(issued.status, 201, JSON.stringify(issued.body));

    const ours = await verify(issued.body.jwt);
    assert.equal(ours.verified, true, JSON.stringify(ours));
    assert.equal(ours.format, "jwt-vc-1.1");
    assert.equal(ours.id, issued.body.id);
    assert.deepEqual(ours.status, {
      method: "TelcoLedgerStatusRegistry2026",
      status: "active",
      reason: "Unspecified",
      since: null,
    });

    // An independent library with the stock resolver on the devnet's registry.
    const stock = new Resolver(
      getResolver({
        networks: [
          { chainId: verifier.agent.config.chain.chainId, rpcUrl: consortium.devnet.rpcUrl, registry: registries.did },
        ],
      }),
    );
    const elsewhere = await verifyCredential(issued.body.jwt, stock as never);
    assert.equal(elsewhere.issuer, hosted.body.did);
    assert.equal(elsewhere.verifiableCredential.id, issued.body.id);

    const revoked = await verifier.call("POST", `/v1/identity/credentials/${issued.body.credentialId}/revoke`, {
      issuer: hosted.body.did,
      reason: "Fraud",
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const refused = await verify(issued.body.jwt);
    assert.equal(refused.verified, false);
    assert.equal(refused.error?.code, "CREDENTIAL_REVOKED");
  });
});

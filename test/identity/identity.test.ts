// Identity core against a real anvil devnet and the project's deployed registries: DIDs resolved by the STOCK
// ethr-did-resolver, ES256 credentials verified by stock did-jwt-vc, on-chain status, cache invalidation, DID-Auth.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { decodeJWT } from "did-jwt";
import { verifyCredential } from "did-jwt-vc";
import { Resolver } from "did-resolver";
import { getResolver } from "ethr-did-resolver";
import { type Address, encodeFunctionData, type Hex } from "viem";
import { CredentialStatusService } from "../../src/core/identity/credentialStatus.ts";
import { type CheckedCredential, CredentialService } from "../../src/core/identity/credentials.ts";
import { DidService } from "../../src/core/identity/did.ts";
import { DidAuth, respondToChallenge } from "../../src/core/identity/didAuth.ts";
import { IdentityError } from "../../src/core/identity/errors.ts";
import { HeldCredentialStore } from "../../src/core/identity/heldCredentials.ts";
import { IssuedCredentialLog } from "../../src/core/identity/issuedCredentials.ts";
import type { Keystore } from "../../src/core/identity/keystore.ts";
import { DidResolver, invalidateOnRegistryEvents } from "../../src/core/identity/resolver.ts";
import { CredentialStatusRegistry } from "../../src/generated/contracts.ts";
import { type IdentityEnv, passphrase, privateKeysOnDisk, startIdentityEnv } from "../../testkit/identity.ts";

/** The status a verification found (null when the credential names no status method known here). */
const statusName = (checked: CheckedCredential) => ("status" in checked.status ? checked.status.status : null);

let env: IdentityEnv;
let chainId: number;
let keystore: Keystore;
let dids: DidService;
let resolver: DidResolver;
let status: CredentialStatusService;
let credentials: CredentialService;
let registries: { didRegistry: Address; statusRegistry: Address };
let stock: Resolver;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  env = await startIdentityEnv();
  chainId = env.chainId;
  keystore = env.keystore;
  registries = { didRegistry: env.didRegistry, statusRegistry: env.statusRegistry };
  dids = new DidService({
    keystore,
    txSender: env.outbox,
    store: env.store,
    chainId,
    registry: registries.didRegistry,
    funder: { from: env.operator, amount: 10n ** 18n },
  });
  resolver = new DidResolver({ chainId, rpcUrl: env.devnet.rpcUrl, registry: registries.didRegistry, ttlMs: 600_000 });
  status = new CredentialStatusService({
    txSender: env.outbox,
    publicClient: env.chain,
    registry: registries.statusRegistry,
    dids,
  });
  credentials = new CredentialService({
    keystore,
    dids,
    resolver,
    status,
    chainId,
    issued: new IssuedCredentialLog(env.store),
    held: new HeldCredentialStore(env.store),
  });
  stock = new Resolver(
    getResolver({ networks: [{ chainId, rpcUrl: env.devnet.rpcUrl, registry: registries.didRegistry }] }),
  );
});

after(async () => {
  await env?.stop();
});

describe("identity on a real devnet", () => {
  it("THE STOCK RESOLVER TEST: the stock resolver shows the P-256 key and endpoint, and stock did-jwt-vc verifies our ES256 VC", async () => {
    const hosted = await dids.createOrganisationDid({
      label: "Acme Mobile",
      serviceEndpoint: "https://agent.acme.example/",
    });
    assert.match(hosted.did, new RegExp(`^did:ethr:0x${chainId.toString(16)}:0x[0-9a-f]{40}$`));
    const { didDocument } = await stock.resolve(hosted.did);
    assert.ok(didDocument);
    const keys = (didDocument.verificationMethod ?? []).filter((vm) => vm.type === "JsonWebKey2020");
    assert.equal(keys.length, 1);
    const expected = keystore.info(hosted.signingKid as string).publicKeyHex.slice(2);
    assert.equal(keys[0]?.publicKeyHex, expected);
    assert.ok(didDocument.assertionMethod?.includes(keys[0]?.id as string));
    assert.deepEqual(
      didDocument.service?.map((s) => [s.type, s.serviceEndpoint]),
      [["TelcoLedgerAgent", "https://agent.acme.example/"]],
    );

    const issued = await credentials.issue({
      issuerDid: hosted.did,
      type: "MemberCredential",
      credentialSubject: {
        id: `did:ethr:0x${chainId.toString(16)}:0x000000000000000000000000000000000000beef`,
        memberName: "Beef Telecom",
      },
    });
    const decoded = decodeJWT(issued.jwt);
    assert.equal(decoded.header.alg, "ES256");
    assert.equal(decoded.header.kid, keys[0]?.id);
    const verified = await verifyCredential(issued.jwt, stock as never);
    assert.equal(verified.issuer, hosted.did);
    assert.equal(verified.verifiableCredential.id, issued.id);
    assert.match(issued.id, /^urn:uuid:[0-9a-f-]{36}$/);
    const entry = verified.verifiableCredential.credentialStatus as unknown as Record<string, unknown>;
    assert.deepEqual(entry, {
      id: `${hosted.did}#${issued.credentialId}`,
      type: "TelcoLedgerStatusRegistry2026",
      chainId,
      registry: registries.statusRegistry,
      credentialId: issued.credentialId,
    });
    const ours = await credentials.verify(issued.jwt);
    assert.equal(statusName(ours), "active");
  });

  it("key rotation and revocation are visible to the stock resolver", async () => {
    const hosted = await dids.createOrganisationDid({ label: "Rotor", serviceEndpoint: "https://rotor.example/" });
    const before = await credentials.issue({
      issuerDid: hosted.did,
      type: "MemberCredential",
      credentialSubject: { a: 1 },
    });
    const rotated = await dids.rotateSigningKey(hosted.did);
    assert.notEqual(rotated.signingKid, hosted.signingKid);
    const doc = (await stock.resolve(hosted.did)).didDocument;
    const keys = (doc?.verificationMethod ?? []).filter((vm) => vm.type === "JsonWebKey2020");
    assert.deepEqual(
      keys.map((k) => k.publicKeyHex),
      [keystore.info(rotated.signingKid as string).publicKeyHex.slice(2)],
    );
    assert.notEqual(keystore.info(hosted.signingKid as string).retiredAt, null);
    await assert.rejects(verifyCredential(before.jwt, stock as never), /invalid_signature|no_suitable_keys/);
    const afterRotation = await credentials.issue({
      issuerDid: hosted.did,
      type: "MemberCredential",
      credentialSubject: { a: 2 },
    });
    await verifyCredential(afterRotation.jwt, stock as never);

    await dids.revokeSigningKey(hosted.did);
    const revokedDoc = (await stock.resolve(hosted.did)).didDocument;
    assert.equal((revokedDoc?.verificationMethod ?? []).filter((vm) => vm.type === "JsonWebKey2020").length, 0);
    await assert.rejects(verifyCredential(afterRotation.jwt, stock as never));
    await assert.rejects(
      credentials.issue({ issuerDid: hosted.did, type: "MemberCredential", credentialSubject: { a: 3 } }),
      { code: "DID_NO_SIGNING_KEY" },
    );
  });

  it("changes the endpoint and the controller; the new controller manages the credentials", async () => {
    const hosted = await dids.createOrganisationDid({ label: "Mover", serviceEndpoint: "https://old.example/" });
    const vc = await credentials.issue({
      issuerDid: hosted.did,
      type: "MemberCredential",
      credentialSubject: { a: 1 },
    });
    await dids.setServiceEndpoint(hosted.did, "https://new.example/");
    const changed = await dids.changeController(hosted.did);
    assert.notEqual(changed.controller, hosted.controller);
    const doc = (await stock.resolve(hosted.did)).didDocument;
    assert.deepEqual(
      doc?.service?.map((s) => s.serviceEndpoint),
      ["https://new.example/"],
    );
    const controllerVm = doc?.verificationMethod?.find((vm) => vm.id.endsWith("#controller"));
    assert.equal(controllerVm?.blockchainAccountId, `eip155:${chainId}:${changed.controller}`);
    assert.throws(() => keystore.account(hosted.controller), { code: "KEY_RETIRED" });
    await status.suspend(hosted.did, vc.credentialId, "Unspecified");
    assert.equal((await status.statusOf(hosted.did, vc.credentialId)).status, "suspended");
  });

  it("issue / verify / suspend / reinstate / revoke with history; revoked and suspended fail verification", async () => {
    const hosted = await dids.createOrganisationDid({ label: "Vetter", serviceEndpoint: "https://vetter.example/" });
    const vc = await credentials.issue({
      issuerDid: hosted.did,
      type: ["KycCredential"],
      credentialSubject: {
        id: `did:ethr:0x${chainId.toString(16)}:0x000000000000000000000000000000000000cafe`,
        level: "enhanced",
      },
      expirationDate: new Date(Date.now() + 3_600_000),
    });
    assert.equal(statusName(await credentials.verify(vc.jwt)), "active");

    const suspended = await status.suspend(hosted.did, vc.credentialId, "VettingWithdrawn");
    assert.equal(suspended.status, "suspended");
    await assert.rejects(credentials.verify(vc.jwt), (error: unknown) => {
      assert.ok(error instanceof IdentityError);
      assert.equal(error.code, "CREDENTIAL_SUSPENDED");
      assert.equal(error.details.reason, "VettingWithdrawn");
      assert.match(error.message, /suspended \(reason VettingWithdrawn\)/);
      return true;
    });

    await status.reinstate(hosted.did, vc.credentialId, "Unspecified");
    assert.equal(statusName(await credentials.verify(vc.jwt)), "active");

    await status.revoke(hosted.did, vc.credentialId, 4);
    // Read before verify starts: a verify promise that rejects while an argument is still being awaited counts as an
    // unhandled rejection, and fails the test even though assert.rejects handles it a moment later.
    const revokedSince = (await status.statusOf(hosted.did, vc.credentialId)).since?.toISOString();
    await assert.rejects(credentials.verify(vc.jwt), {
      code: "CREDENTIAL_REVOKED",
      details: {
        id: vc.id,
        credentialId: vc.credentialId,
        method: "TelcoLedgerStatusRegistry2026",
        status: "revoked",
        reason: "Fraud",
        since: revokedSince,
      },
    });

    const history = await status.statusHistory(hosted.did, vc.credentialId);
    assert.deepEqual(
      history.map((h) => [h.status, h.reason]),
      [
        ["suspended", "VettingWithdrawn"],
        ["active", "Unspecified"],
        ["revoked", "Fraud"],
      ],
    );
    assert.ok(history.every((h, i) => i === 0 || h.blockNumber > (history[i - 1]?.blockNumber ?? 0n)));
    await assert.rejects(credentials.verify(vc.jwt, { now: new Date(Date.now() + 7_200_000) }), {
      code: "CREDENTIAL_EXPIRED",
    });
  });

  it("only the issuer's controller can change a status: another account's attempt reverts and changes nothing", async () => {
    const hosted = await dids.createOrganisationDid({ label: "Issuer", serviceEndpoint: "https://issuer.example/" });
    const vc = await credentials.issue({
      issuerDid: hosted.did,
      type: "MemberCredential",
      credentialSubject: { a: 1 },
    });
    // The operator is a funded account in the same keystore, but not the issuer's controller.
    await assert.rejects(
      env.outbox.send({
        from: env.operator,
        to: registries.statusRegistry,
        data: encodeFunctionData({
          abi: CredentialStatusRegistry.abi,
          functionName: "revoke",
          args: [hosted.address, vc.credentialId, 4],
        }),
        label: "attacker revoke",
      }),
      /NotIssuerOwner/,
    );
    assert.equal((await status.statusOf(hosted.did, vc.credentialId)).status, "active");
    assert.deepEqual(await status.statusHistory(hosted.did, vc.credentialId), []);
    await credentials.verify(vc.jwt);
  });

  it("the cache answers hits without the chain, shares concurrent misses, and registry events invalidate it", async () => {
    const hosted = await dids.createOrganisationDid({ label: "Cached", serviceEndpoint: "https://one.example/" });
    const cached = new DidResolver({
      chainId,
      rpcUrl: env.devnet.rpcUrl,
      registry: registries.didRegistry,
      ttlMs: 600_000,
    });
    const unsubscribe = invalidateOnRegistryEvents(cached, env.indexer, registries.didRegistry);
    const results = await Promise.all(Array.from({ length: 10 }, () => cached.resolve(hosted.did)));
    assert.equal(cached.stats().misses, 1);
    assert.ok(results.every((r) => r === results[0]));
    const stale = new DidResolver({
      chainId,
      rpcUrl: env.devnet.rpcUrl,
      registry: registries.didRegistry,
      ttlMs: 600_000,
    });
    await stale.resolve(hosted.did);

    await dids.setServiceEndpoint(hosted.did, "https://two.example/");
    await until(
      async () =>
        (await cached.resolve(hosted.did)).didDocument?.service?.[0]?.serviceEndpoint === "https://two.example/",
      "the event to invalidate the cache",
    );
    // Without the event subscription, the cache keeps the old document until its TTL.
    assert.equal((await stale.resolve(hosted.did)).didDocument?.service?.[0]?.serviceEndpoint, "https://one.example/");
    stale.invalidate(hosted.address);
    assert.equal((await stale.resolve(hosted.did)).didDocument?.service?.[0]?.serviceEndpoint, "https://two.example/");
    unsubscribe();
  });

  it("DID-Auth proves control with a single-use, audience-bound challenge", async () => {
    const hosted = await dids.createOrganisationDid({ label: "Peer", serviceEndpoint: "https://peer.example/" });
    const auth = new DidAuth({
      resolver,
      audience: `did:ethr:0x${chainId.toString(16)}:0x0000000000000000000000000000000000000001`,
    });
    const challenge = await auth.createChallenge();
    const response = await respondToChallenge(keystore, hosted, challenge);
    assert.deepEqual(await auth.verifyResponse(response), { did: hosted.did });
    await assert.rejects(auth.verifyResponse(response), { code: "DID_AUTH_CHALLENGE_USED" });

    const other = await auth.createChallenge();
    const wrongAudience = await respondToChallenge(keystore, hosted, {
      ...other,
      audience: "https://elsewhere.example",
    });
    await assert.rejects(auth.verifyResponse(wrongAudience), { code: "DID_AUTH_INVALID" });

    // A response claiming someone else's DID but signed by our controller fails.
    const third = await auth.createChallenge();
    const forged = await respondToChallenge(
      keystore,
      { did: (await dids.list())[0]?.did as string, controller: hosted.controller },
      third,
    );
    await assert.rejects(auth.verifyResponse(forged), { code: "DID_AUTH_INVALID" });
  });

  it("bad inputs name the field and change nothing", async () => {
    const keysBefore = keystore.list().length;
    const didsBefore = (await dids.list()).length;
    await assert.rejects(dids.createOrganisationDid({ label: "X", serviceEndpoint: "ftp://x" }), {
      field: "body.serviceEndpoint",
    });
    await assert.rejects(dids.createOrganisationDid({ label: "", serviceEndpoint: "https://x.example" }), {
      field: "body.label",
    });
    await assert.rejects(dids.rotateSigningKey("did:web:example.com"), { field: "body.did" });
    await assert.rejects(dids.rotateSigningKey("did:ethr:0x1:0x0000000000000000000000000000000000000001"), {
      field: "body.did",
    });
    await assert.rejects(
      dids.rotateSigningKey(`did:ethr:0x${chainId.toString(16)}:0x0000000000000000000000000000000000000001`),
      {
        code: "DID_NOT_HOSTED",
      },
    );
    const hosted = (await dids.list())[0];
    assert.ok(hosted);
    await assert.rejects(status.revoke(hosted.did, `0x${"11".repeat(32)}` as Hex, 99), { field: "body.reason" });
    await assert.rejects(status.revoke(hosted.did, "0x1234" as Hex, 1), { field: "body.credentialId" });
    await assert.rejects(credentials.issue({ issuerDid: hosted.did, type: "X", credentialSubject: {} }), {
      field: "body.credentialSubject",
    });
    await assert.rejects(credentials.verify("not-a-jwt"), { field: "body.jwt" });
    assert.equal(keystore.list().length, keysBefore);
    assert.equal((await dids.list()).length, didsBefore);
  });

  it("no object of the identity core shows a private key", async () => {
    const shown = [dids, resolver, status, credentials, keystore]
      .flatMap((o) => [JSON.stringify(o), inspect(o, { depth: 10, showHidden: true })])
      .join("\n");
    const secrets = await privateKeysOnDisk(env.keystoreDir, passphrase);
    assert.ok(secrets.length >= 3 * 10);
    for (const secret of secrets) assert.ok(!shown.toLowerCase().includes(secret.toLowerCase()), "private key leaked");
    assert.ok(!shown.includes("ciphertext"));
    assert.ok(!shown.includes(passphrase));
  });
});

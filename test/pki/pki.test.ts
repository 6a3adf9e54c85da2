// The ledger PKI end to end through the agents' APIs on a real devnet: the trust authority holds the issuing CA, an
// EV certificate needs 2 endorsers, a DV certificate needs 2 validators who each fetch the HTTP-01 answer themselves,
// `openssl verify` accepts what is issued, and the ledger verifier and status answer revocation. Refusals: an
// endorsement below threshold, a name the applicant does not control, a forged certificate, bad input.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bytesToHex, createPublicClient, createWalletClient, type Hex, hexToBytes, http, parseEventLogs } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { consortiumChain } from "../../src/core/chain/client.ts";
import { CertificateLedger } from "../../src/generated/contracts.ts";
import { verifyConsistency, verifyInclusion } from "../../src/pki/log/merkle.ts";
import { createIssuingCa, issueLeaf } from "../../src/pki/x509.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

interface App {
  id: string;
  state: string;
  kind: string;
  identified: boolean;
  domainAttestations: number;
  endorsements: number;
  certificate: { serial: string; issuer: string } | null;
}
interface Failure {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}

const dir = mkdtempSync(join(tmpdir(), "pki-test-"));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const opensslVerify = (caPem: string, leafPem: string) => {
  try {
    return execFileSync("openssl", ["verify", "-CAfile", write("ca.pem", caPem), write("leaf.pem", leafPem)], {
      encoding: "utf8",
    });
  } catch (error) {
    return `FAILED ${(error as { stdout?: string }).stdout ?? error}`;
  }
};
const newKey = async () => {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
  return { pair, spki, base64: Buffer.from(spki).toString("base64") };
};

// The applicant's web server: answers HTTP-01 for the tokens the test puts in `answers`.
const answers = new Map<string, string>();
const web: Server = createServer((request, response) => {
  const token = request.url?.split("/.well-known/acme-challenge/")[1] ?? "";
  const body = answers.get(token);
  response.writeHead(body ? 200 : 404).end(body ?? "not here");
});

describe("ledger PKI through the agents", () => {
  let c: TestConsortium;
  let ta: TestAgent;
  let brand: TestAgent;
  let kyc: TestAgent;
  let numbering: TestAgent;
  let alpha: TestAgent;
  let caPem: string;

  before(async () => {
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    const port = (web.address() as AddressInfo).port;
    // Validators find these names' HTTP-01 servers here (as an ACME test server pins names public DNS lacks).
    process.env.TELCO_PKI_HTTP01_RESOLVE = `shop.example.test=127.0.0.1:${port},victim.example.test=127.0.0.1:${port}`;
    c = await startTestConsortium([
      { name: "trust-authority", roles: ["TRUST_AUTHORITY"] },
      { name: "kyc-vetter", roles: ["KYC_VETTER"] },
      { name: "numbering-authority", roles: ["NUMBERING_AUTHORITY"] },
      { name: "tnsp-alpha", roles: ["TNSP", "OSP"] },
      { name: "acme-brand", roles: ["ENTERPRISE"] },
    ]);
    const agent = (name: string) => c.agents[name] as TestAgent;
    ta = agent("trust-authority");
    brand = agent("acme-brand");
    kyc = agent("kyc-vetter");
    numbering = agent("numbering-authority");
    alpha = agent("tnsp-alpha");
    const setup = await ta.call<{ certificate: string; created: boolean }>("POST", "/v1/pki/ca", {});
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    assert.equal(setup.body.created, true);
    caPem = setup.body.certificate;
  });
  after(async () => {
    await c?.stop();
    web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const apply = async (who: TestAgent, body: Record<string, unknown>) => {
    const r = await who.call<{ application: App; challenge: { token: string; keyAuthorization: string } | null }>(
      "POST",
      "/v1/pki/applications",
      body,
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const post = <T = Record<string, unknown>>(who: TestAgent, path: string, body: unknown = {}) =>
    who.call<T>("POST", path, body);

  it("keeps the issuing CA idempotent: a second setup reuses the key and registration", async () => {
    const again = await ta.call<{ certificate: string; created: boolean }>("POST", "/v1/pki/ca", {});
    assert.equal(again.body.created, false);
    assert.equal(again.body.certificate, caPem);
    const elsewhere = await kyc.call<{ certificate: string }>("GET", "/v1/pki/ca");
    assert.equal(elsewhere.body.certificate, caPem, "every member reads the CA from the ledger");
  });

  it("refuses an EV issuance below its 2-endorser threshold, then issues one openssl and the verifier accept, and revokes it", async () => {
    const key = await newKey();
    const { application } = await apply(brand, {
      kind: "EV",
      dnsName: "www.acme-bank.example",
      identified: true,
      organization: "Acme Bank",
      publicKey: key.base64,
    });
    assert.equal(application.identified, true);
    assert.equal((await post(kyc, `/v1/pki/applications/${application.id}/endorse`)).status, 200);
    const early = await post<Failure>(ta, `/v1/pki/applications/${application.id}/issue`);
    assert.equal(early.status, 409);
    assert.equal(early.body.code, "PKI_THRESHOLD_NOT_MET");
    assert.match(early.body.message, /1 of the 2 endorsements/);
    const selfEndorse = await post<Failure>(brand, `/v1/pki/applications/${application.id}/endorse`);
    assert.equal(selfEndorse.body.code, "CHAIN_REVERTED", "the applicant cannot endorse itself");
    assert.match(selfEndorse.body.message, /NotAValidator|SelfEndorsement/);

    assert.equal((await post(numbering, `/v1/pki/applications/${application.id}/endorse`)).status, 200);
    const issued = await post<{ certificate: string; application: App }>(
      ta,
      `/v1/pki/applications/${application.id}/issue`,
    );
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.match(opensslVerify(caPem, issued.body.certificate), /leaf\.pem: OK/);
    const subject = execFileSync(
      "openssl",
      ["x509", "-noout", "-subject", "-in", write("ev.pem", issued.body.certificate)],
      {
        encoding: "utf8",
      },
    );
    assert.match(subject, /CN ?= ?www\.acme-bank\.example/);
    assert.match(subject, /O ?= ?Acme Bank/);

    const verified = await kyc.call<{ valid: boolean; endorsers: string[]; issuer: string; kind: string }>(
      "POST",
      "/v1/pki/verify",
      { certificate: issued.body.certificate },
    );
    assert.equal(verified.body.valid, true, JSON.stringify(verified.body));
    assert.equal(verified.body.kind, "EV");
    assert.equal(verified.body.endorsers.length, 2);
    assert.equal(verified.body.issuer, issued.body.application.certificate?.issuer);

    const serial = issued.body.application.certificate?.serial;
    const good = await alpha.call<{ status: string }>("GET", `/v1/pki/status/${serial}`);
    assert.equal(good.body.status, "good");
    const revoked = await post(ta, `/v1/pki/applications/${application.id}/revoke`, { reason: "keyCompromise" });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const status = await ta.call<{ status: string; revocationReason: string }>("GET", `/v1/pki/status/${serial}`);
    assert.deepEqual([status.body.status, status.body.revocationReason], ["revoked", "keyCompromise"]);
    const after = await ta.call<{ valid: boolean; problems: string[] }>("POST", "/v1/pki/verify", {
      certificate: issued.body.certificate,
    });
    assert.equal(after.body.valid, false);
    assert.deepEqual(after.body.problems, ["revoked"], "the ledger, not the certificate, says it is revoked");
  });

  it("issues an anonymous DV certificate after two validators each fetched the HTTP-01 answer", async () => {
    const key = await newKey();
    const { application, challenge } = await apply(brand, {
      kind: "DV",
      dnsName: "shop.example.test",
      identified: false,
      publicKey: key.base64,
    });
    assert.ok(challenge);
    assert.equal(application.identified, false);
    answers.set(challenge.token, challenge.keyAuthorization);
    for (const validator of [kyc, alpha]) {
      const r = await post<{ application: App }>(validator, `/v1/pki/applications/${application.id}/validate`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const issued = await post<{ certificate: string; application: App }>(
      ta,
      `/v1/pki/applications/${application.id}/issue`,
    );
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.match(opensslVerify(caPem, issued.body.certificate), /leaf\.pem: OK/);
    const subject = execFileSync(
      "openssl",
      ["x509", "-noout", "-subject", "-in", write("dv.pem", issued.body.certificate)],
      {
        encoding: "utf8",
      },
    );
    assert.doesNotMatch(subject, /O ?=/, "an anonymous certificate names no organisation");
    const verified = await numbering.call<{ valid: boolean; validators: string[]; identified: boolean }>(
      "POST",
      "/v1/pki/verify",
      { certificate: issued.body.certificate },
    );
    assert.equal(verified.body.valid, true);
    assert.equal(verified.body.validators.length, 2);
    assert.equal(verified.body.identified, false);
  });

  it("refuses to attest a name the applicant does not control, and so never issues it", async () => {
    const key = await newKey();
    const { application } = await apply(brand, {
      kind: "DV",
      dnsName: "victim.example.test",
      identified: false,
      publicKey: key.base64,
    });
    // The name's server answers nothing for this token (the applicant does not run it).
    const refused = await post<Failure>(kyc, `/v1/pki/applications/${application.id}/validate`);
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, "PKI_CHALLENGE_FAILED");
    assert.match(refused.body.message, /victim\.example\.test.*status \(HTTP 404\)/);
    const detail = await kyc.call<App>("GET", `/v1/pki/applications/${application.id}`);
    assert.equal(detail.body.domainAttestations, 0, "nothing attested");
    const issue = await post<Failure>(ta, `/v1/pki/applications/${application.id}/issue`);
    assert.equal(issue.body.code, "PKI_THRESHOLD_NOT_MET");
  });

  it("records an anonymous application a non-member sends itself, and never fetches a name that is no DNS name", async () => {
    const manifest = JSON.parse(readFileSync(c.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Hex }>;
    };
    const ledger = manifest.contracts.CertificateLedger?.address as Hex;
    const endEntity = privateKeyToAccount(generatePrivateKey());
    const chain = consortiumChain(c.devnet.chainId, c.devnet.rpcUrl);
    const wallet = createWalletClient({ account: endEntity, chain, transport: http(c.devnet.rpcUrl) });
    const reader = createPublicClient({ chain, transport: http(c.devnet.rpcUrl) });
    const key = await newKey();
    // The devnet charges no gas, so an account with no balance may send (the consortium network's policy decides).
    const hash = await wallet.writeContract({
      address: ledger,
      abi: CertificateLedger.abi,
      functionName: "fileApplication",
      args: [0, false, "169.254.169.254", "", bytesToHex(key.spki), `0x${"42".repeat(32)}`],
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    });
    const receipt = await reader.waitForTransactionReceipt({ hash });
    const [filed] = parseEventLogs({ abi: CertificateLedger.abi, eventName: "ApplicationFiled", logs: receipt.logs });
    assert.ok(filed);
    await kyc.agent.indexer.syncOnce();
    const app = await kyc.call<App & { applicant: string }>("GET", `/v1/pki/applications/${filed.args.id}`);
    assert.equal(app.status, 200, JSON.stringify(app.body));
    assert.equal(app.body.applicant, endEntity.address.toLowerCase());
    assert.equal(app.body.identified, false);
    const refused = await post<Failure>(kyc, `/v1/pki/applications/${filed.args.id}/validate`);
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, "PKI_CHALLENGE_FAILED");
    assert.match(refused.body.message, /not a DNS name/);
  });

  it("finds a certificate the ledger never recorded invalid, even with the same issuer name and key type", async () => {
    const rogueKey = await newKey();
    const signer = {
      spki: rogueKey.spki,
      sign: async (data: Uint8Array) =>
        new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, rogueKey.pair.privateKey, data)),
    };
    const rogueCa = await createIssuingCa(signer, "Telco Ledger Issuing CA");
    const forged = await issueLeaf(signer, rogueCa, {
      applicationId: `0x${"11".repeat(32)}`,
      dnsName: "www.acme-bank.example",
      organization: "Acme Bank",
      publicKey: (await newKey()).spki,
    });
    const r = await alpha.call<{ valid: boolean; problems: string[] }>("POST", "/v1/pki/verify", {
      certificate: forged.toString("pem"),
    });
    assert.equal(r.body.valid, false);
    assert.deepEqual(r.body.problems, ["not-on-ledger"]);
  });

  it("refuses bad input naming the field, and leaves the ledger unchanged", async () => {
    const before = await ta.call<{ items: App[] }>("GET", "/v1/pki/applications?limit=100");
    const badKey = await brand.call<Failure>("POST", "/v1/pki/applications", {
      kind: "DV",
      dnsName: "shop.example.test",
      identified: false,
      publicKey: "bm90IGEga2V5IGF0IGFsbCwganVzdCBzb21lIGJ5dGVz",
    });
    assert.equal(badKey.status, 400);
    assert.equal(badKey.body.code, "PKI_INVALID_INPUT");
    assert.equal(badKey.body.details?.[0]?.field, "body.publicKey");
    const noOrg = await brand.call<Failure>("POST", "/v1/pki/applications", {
      kind: "OV",
      dnsName: "shop.example.test",
      identified: true,
      publicKey: (await newKey()).base64,
    });
    assert.equal(noOrg.body.details?.[0]?.field, "body.organization");
    const badName = await brand.call<Failure>("POST", "/v1/pki/applications", {
      kind: "DV",
      dnsName: "not a name",
      identified: false,
      publicKey: (await newKey()).base64,
    });
    assert.equal(badName.status, 400);
    assert.match(JSON.stringify(badName.body), /dnsName/);
    const afterwards = await ta.call<{ items: App[] }>("GET", "/v1/pki/applications?limit=100");
    assert.equal(afterwards.body.items.length, before.body.items.length);
  });

  it("anchors the transparency log, refuses an unwitnessed view and a forged proof, and proves consistency", async () => {
    interface Checkpoint {
      treeSize: number;
      rootHash: Hex;
      cosignatures: number;
    }
    interface Inclusion {
      leafIndex: number;
      leafHash: Hex;
      treeSize: number;
      rootHash: Hex;
      proof: Hex[];
      witnesses: string[];
    }
    const anchored = await post<Checkpoint>(ta, "/v1/pki/log/checkpoints");
    assert.equal(anchored.status, 200, JSON.stringify(anchored.body));
    assert.equal(anchored.body.treeSize, 2, "the EV and the DV certificate");
    const dvSha = (
      await ta.call<{ items: Array<App & { certificate: { sha256: Hex } | null }> }>(
        "GET",
        "/v1/pki/applications?state=issued",
      )
    ).body.items[0]?.certificate?.sha256;
    assert.ok(dvSha);
    const notYet = await brand.call<Failure>("GET", `/v1/pki/log/proofs/inclusion?sha256=${dvSha}&treeSize=2`);
    assert.equal(notYet.status, 200, "a proof against the anchored checkpoint can be served");
    const proof = notYet.body as unknown as Inclusion;
    const body = {
      leafHash: proof.leafHash,
      leafIndex: proof.leafIndex,
      treeSize: 2,
      rootHash: proof.rootHash,
      proof: proof.proof,
    };
    const unwitnessed = await brand.call<Failure>("POST", "/v1/pki/log/proofs/inclusion/verify", body);
    assert.equal(unwitnessed.status, 409);
    assert.equal(unwitnessed.body.code, "PKI_LOG_VIEW_UNWITNESSED", "no witness signed this view yet");

    const notWitness = await post<Failure>(brand, "/v1/pki/log/checkpoints/2/cosign");
    assert.match(notWitness.body.message, /NotAWitness/);
    for (const witness of [kyc, alpha]) {
      const r = await post<Checkpoint>(witness, "/v1/pki/log/checkpoints/2/cosign");
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const included = await brand.call<{ included: boolean; witnesses: string[] }>(
      "POST",
      "/v1/pki/log/proofs/inclusion/verify",
      body,
    );
    assert.equal(included.status, 200, JSON.stringify(included.body));
    assert.equal(included.body.witnesses.length, 2);
    assert.ok(
      verifyInclusion(
        hexToBytes(proof.leafHash),
        proof.leafIndex,
        2,
        proof.proof.map((p) => hexToBytes(p)),
        hexToBytes(proof.rootHash),
      ),
      "the library verifies the served proof offline",
    );
    const forgedPath = proof.proof.map((p, i) => (i === 0 ? (`0x${"ab".repeat(32)}` as Hex) : p));
    const forged = await brand.call<Failure>("POST", "/v1/pki/log/proofs/inclusion/verify", {
      ...body,
      proof: forgedPath,
    });
    assert.equal(forged.status, 422);
    assert.equal(forged.body.code, "PKI_INCLUSION_PROOF_INVALID");
    const splitView = await brand.call<Failure>("POST", "/v1/pki/log/proofs/inclusion/verify", {
      ...body,
      rootHash: `0x${"cd".repeat(32)}`,
    });
    assert.equal(splitView.body.code, "PKI_LOG_VIEW_UNWITNESSED", "a root no witness co-signed is refused");

    // One more issuance, a new checkpoint, and the consistency proof from the first.
    const { application } = await apply(brand, {
      kind: "OV",
      dnsName: "api.acme-bank.example",
      identified: true,
      organization: "Acme Bank",
      publicKey: (await newKey()).base64,
    });
    await post(kyc, `/v1/pki/applications/${application.id}/endorse`);
    assert.equal((await post(ta, `/v1/pki/applications/${application.id}/issue`)).status, 200);
    const second = await post<Checkpoint>(ta, "/v1/pki/log/checkpoints");
    assert.equal(second.body.treeSize, 3);
    const consistency = await kyc.call<{ first: Checkpoint; second: Checkpoint; proof: Hex[] }>(
      "GET",
      "/v1/pki/log/proofs/consistency?first=2&second=3",
    );
    assert.equal(consistency.status, 200, JSON.stringify(consistency.body));
    assert.ok(
      verifyConsistency(
        2,
        3,
        consistency.body.proof.map((p) => hexToBytes(p)),
        hexToBytes(consistency.body.first.rootHash),
        hexToBytes(consistency.body.second.rootHash),
      ),
    );
  });

  it("finds every agent's PKI read model equal to the CertificateLedger", async () => {
    for (const agent of [ta, kyc, brand]) {
      await agent.agent.indexer.syncOnce();
      const r = await agent.call<{ checked: string[]; differences: Array<{ domain: string }> }>(
        "GET",
        "/v1/agent/consistency",
      );
      assert.ok(r.body.checked.includes("pki"));
      assert.deepEqual(
        r.body.differences.filter((d) => d.domain === "pki"),
        [],
      );
    }
  });
});

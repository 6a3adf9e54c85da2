// SD-JWT VC for identity attributes (issue 15), on a real devnet with two member agents over HTTP: the issuer's DID
// issues an SD-JWT VC to a DID the wallet agent hosts, bound to that DID's key; the wallet receives it and presents
// only chosen claims with a key-binding JWT over a verifier nonce and audience; the verifier answers exactly those
// claims. Interop with an independent implementation (@meeco/sd-jwt): our presentation verifies there, and an SD-JWT
// it issues with an external did:ethr key (ES256K), presented by an external P-256 holder key, verifies here. Tampered
// disclosures, a missing or wrong key binding, an expired credential and a revoked one are refused with their reason.
// Also VC Data Model 2.0 issuance (`vc+jwt`) beside 1.1, checked with jose.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, createPublicKey, generateKeyPairSync, sign, verify as verifySignature } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type DisclosureFrame, issueSDJWT, verifySDJWT } from "@meeco/sd-jwt";
import { ES256KSigner } from "did-jwt";
import { compactVerify, decodeProtectedHeader, importJWK } from "jose";
import { hexToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Verification = {
  verified: boolean;
  format?: string;
  issuer?: string;
  vct?: string;
  subject?: string | null;
  claims?: Record<string, unknown>;
  keyBinding?: { audience: string; nonce: string; issuedAt: string };
  status?: Record<string, unknown>;
  error?: { code: string; message: string };
};
type DidDocument = { verificationMethod: Array<{ id: string; type: string; publicKeyHex?: string }> };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const sha256b64 = (data: string) => createHash("sha256").update(data).digest("base64url");
const now = () => Math.floor(Date.now() / 1000);
const AUDIENCE = "https://verifier.example/login";
const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const cli = async (args: string[]) =>
  JSON.parse(
    (await promisify(execFile)(process.execPath, [cliBin, ...args, "--json"], { encoding: "utf8", timeout: 120_000 }))
      .stdout,
  );

/** A key-binding JWT by a raw P-256 key (node:crypto), as any holder's wallet makes one. */
function keyBindingJwt(
  privateKey: ReturnType<typeof generateKeyPairSync>["privateKey"],
  sdJwtWithoutKb: string,
  payload: Record<string, unknown>,
): string {
  const data = `${b64({ alg: "ES256", typ: "kb+jwt" })}.${b64({ sd_hash: sha256b64(sdJwtWithoutKb), ...payload })}`;
  const signature = sign("sha256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${data}.${signature.toString("base64url")}`;
}

/** Verifies a compact JWS with a public JWK (node:crypto), ES256 or ES256K. */
function jwsVerifies(jws: string, jwk: Record<string, unknown>): boolean {
  const [header, payload, signature] = jws.split(".") as [string, string, string];
  const key = createPublicKey({ key: jwk as never, format: "jwk" });
  return verifySignature(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
}

describe("SD-JWT VC: issuance, wallet presentation, verification and interop", () => {
  let consortium: TestConsortium;
  let issuer: TestAgent;
  let wallet: TestAgent;
  let issuerDid: string;
  let holderDid: string;
  let chainHex: string;

  const verify = async (presentation: string, nonce: string, audience = AUDIENCE) => {
    const r = await issuer.call<Verification>("POST", "/v1/identity/credentials/verify-sd-jwt", {
      presentation,
      nonce,
      audience,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const issue = async (claims: Record<string, unknown>) => {
    const r = await issuer.call<{ sdJwt: string; credentialId: string; vct: string }>(
      "POST",
      "/v1/identity/credentials/sd-jwt",
      { issuer: issuerDid, holder: holderDid, claims, expirationDate: "2099-01-01T00:00:00.000Z" },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const receive = async (sdJwt: string) => {
    const r = await wallet.call<{ stored: boolean; credential: { digest: string; types: string[]; status: string } }>(
      "POST",
      "/v1/identity/credentials/held",
      { jwt: sdJwt },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.credential;
  };
  const present = async (digest: string, disclose: string[], nonce: string, audience = AUDIENCE) => {
    const r = await wallet.call<{ presentation: string; disclosed: string[] }>(
      "POST",
      `/v1/identity/credentials/held/${digest}/present`,
      { disclose, nonce, audience },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.presentation;
  };
  /** The issuer DID's P-256 signing key as a JWK, read from its resolved DID document. */
  const issuerJwk = async () => {
    const r = await issuer.call<{ didDocument?: DidDocument } & DidDocument>("GET", `/v1/identity/dids/${issuerDid}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const doc = r.body.didDocument ?? r.body;
    const method = doc.verificationMethod.find((m) => m.type === "JsonWebKey2020");
    const hex = Buffer.from((method?.publicKeyHex ?? "").replace(/^0x/, ""), "hex");
    return {
      kty: "EC",
      crv: "P-256",
      x: hex.subarray(1, 33).toString("base64url"),
      y: hex.subarray(33).toString("base64url"),
    };
  };

  const claims = {
    given_name: "Ada",
    family_name: "Lovelace",
    birthdate: "1815-12-10",
    age_over_18: true,
    address: { street_address: "12 St James's Square", locality: "London", country: "GB" },
  };

  before(async () => {
    consortium = await startTestConsortium([
      { name: "issuer", roles: ["KYC_VETTER"] },
      { name: "wallet", roles: ["TNSP"] },
    ]);
    issuer = consortium.agents.issuer!;
    wallet = consortium.agents.wallet!;
    chainHex = `0x${issuer.agent.config.chain.chainId.toString(16)}`;
    const a = await issuer.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Identity Issuer" });
    const b = await wallet.call<{ did: string }>("POST", "/v1/identity/dids", { label: "Subscriber Wallet" });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(b.status, 201, JSON.stringify(b.body));
    issuerDid = a.body.did;
    holderDid = b.body.did;
  });
  after(() => consortium?.stop());

  it("issues, holds and presents only the chosen claims; the verifier answers exactly those, and so does @meeco/sd-jwt", async () => {
    const issued = await issue(claims);
    const [jwt] = issued.sdJwt.split("~");
    const header = JSON.parse(Buffer.from(jwt?.split(".")[0] ?? "", "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(jwt?.split(".")[1] ?? "", "base64url").toString("utf8"));
    assert.equal(header.typ, "dc+sd-jwt");
    assert.equal(header.alg, "ES256");
    // No attribute in clear in the signed payload: each is a digest in _sd.
    for (const name of Object.keys(claims)) assert.equal(payload[name], undefined, name);
    assert.equal(payload._sd.length, Object.keys(claims).length);
    assert.equal(payload.cnf.jwk.crv, "P-256");
    assert.equal(payload.status.telco_ledger_registry.credential_id, issued.credentialId);

    const held = await receive(issued.sdJwt);
    assert.deepEqual(held.types, ["urn:telco-ledger:vct:identity:1"]);
    assert.equal(held.status, "active");

    const nonce = "n-0S6_WzA2Mj-1";
    const presentation = await present(held.digest, ["given_name", "age_over_18", "address.locality"], nonce);
    const answer = await verify(presentation, nonce);
    assert.equal(answer.verified, true, JSON.stringify(answer));
    assert.equal(answer.issuer, issuerDid);
    assert.equal(answer.subject, holderDid);
    assert.deepEqual(answer.claims, { given_name: "Ada", age_over_18: true, address: { locality: "London" } });
    assert.equal(answer.keyBinding?.nonce, nonce);
    assert.equal(answer.keyBinding?.audience, AUDIENCE);
    assert.deepEqual(answer.status, {
      method: "TelcoLedgerStatusRegistry2026",
      status: "active",
      reason: "Unspecified",
      since: null,
    });

    // The independent library: issuer signature with the key the DID document publishes, the key binding checked
    // by a verifier callback (signature by cnf.jwk, nonce, audience, sd_hash over the presented SD-JWT).
    const jwk = await issuerJwk();
    const withoutKb = presentation.slice(0, presentation.lastIndexOf("~") + 1);
    const unpacked = await verifySDJWT(
      presentation,
      async (compact) => jwsVerifies(compact, jwk),
      async () => (data: string) => sha256b64(data),
      {
        kb: {
          verifier: async (kbJwt, holderKey) => {
            const kbPayload = JSON.parse(Buffer.from(kbJwt.split(".")[1] ?? "", "base64url").toString("utf8"));
            return (
              jwsVerifies(kbJwt, holderKey) &&
              kbPayload.nonce === nonce &&
              kbPayload.aud === AUDIENCE &&
              kbPayload.sd_hash === sha256b64(withoutKb)
            );
          },
        },
      },
    );
    assert.equal(unpacked.given_name, "Ada");
    assert.equal(unpacked.age_over_18, true);
    assert.deepEqual(unpacked.address, { locality: "London" });
    assert.equal(unpacked.family_name, undefined);
    assert.equal(unpacked.birthdate, undefined);
    // And a signature that is not the issuer's fails there too.
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
    await assert.rejects(
      verifySDJWT(
        presentation,
        async (compact) => jwsVerifies(compact, other as Record<string, unknown>),
        async () => (data: string) => sha256b64(data),
      ),
      /Failed to verify SD-JWT/,
    );
  });

  it("refuses a tampered disclosure, a missing key binding, a wrong nonce or audience, and a revoked credential", async () => {
    const issued = await issue({ given_name: "Grace", family_name: "Hopper", age_over_18: true });
    const held = await receive(issued.sdJwt);
    const nonce = "nonce-for-refusals";
    const presentation = await present(held.digest, ["given_name"], nonce);

    // A disclosure rewritten (same salt, another value): its digest is in no _sd.
    const parts = presentation.split("~");
    const disclosure = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as unknown[];
    parts[1] = b64([disclosure[0], "given_name", "Mallory"]);
    const tampered = await verify(parts.join("~"), nonce);
    assert.equal(tampered.verified, false);
    assert.equal(tampered.error?.code, "CREDENTIAL_INVALID");
    assert.match(tampered.error?.message ?? "", /disclosure 1 is not one the issuer signed/);

    // A disclosure added that the holder did not present is still the issuer's; but adding it breaks the KB sd_hash.
    const full = issued.sdJwt.split("~").slice(1, -1);
    const extra = [parts[0], ...full, presentation.split("~").at(-1)].join("~");
    const widened = await verify(extra, nonce);
    assert.equal(widened.verified, false);
    assert.equal(widened.error?.code, "PRESENTATION_INVALID");
    assert.match(widened.error?.message ?? "", /sd_hash|key binding/i);

    const noKb = presentation.slice(0, presentation.lastIndexOf("~") + 1);
    const unbound = await verify(noKb, nonce);
    assert.equal(unbound.error?.code, "PRESENTATION_INVALID");
    assert.match(unbound.error?.message ?? "", /no key-binding JWT/);

    const otherNonce = await verify(presentation, "another-nonce-1234");
    assert.equal(otherNonce.error?.code, "PRESENTATION_INVALID");
    assert.match(otherNonce.error?.message ?? "", /nonce "nonce-for-refusals" is not this verifier's/);

    const otherAudience = await verify(presentation, nonce, "https://elsewhere.example");
    assert.equal(otherAudience.error?.code, "PRESENTATION_INVALID");
    assert.match(otherAudience.error?.message ?? "", /audience/);

    // Presenting a claim the credential does not carry is a bad input naming disclose; nothing is made.
    const unknownClaim = await wallet.call<{ code: string; message: string }>(
      "POST",
      `/v1/identity/credentials/held/${held.digest}/present`,
      { disclose: ["birthdate"], nonce, audience: AUDIENCE },
    );
    assert.equal(unknownClaim.status, 400, JSON.stringify(unknownClaim.body));
    assert.match(unknownClaim.body.message, /disclose: birthdate is not a claim this credential can disclose/);

    const revoked = await issuer.call("POST", `/v1/identity/credentials/${issued.credentialId}/revoke`, {
      issuer: issuerDid,
      reason: "Fraud",
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const refused = await verify(presentation, nonce);
    assert.equal(refused.verified, false);
    assert.equal(refused.error?.code, "CREDENTIAL_REVOKED");
    assert.match(refused.error?.message ?? "", /revoked \(reason Fraud\)/);
  });

  it("refuses bad issuance input by name, and changes nothing", async () => {
    const issuedCount = async () =>
      (await issuer.call<{ items: unknown[] }>("GET", "/v1/identity/credentials?limit=100")).body.items.length;
    const before = await issuedCount();
    const unknownAttribute = await issuer.call<{ code: string; message: string }>(
      "POST",
      "/v1/identity/credentials/sd-jwt",
      { issuer: issuerDid, holder: holderDid, claims: { shoe_size: "42" } },
    );
    assert.equal(unknownAttribute.status, 400);
    assert.match(JSON.stringify(unknownAttribute.body), /shoe_size|additional/i);
    const badDate = await issuer.call<{ code: string; message: string }>("POST", "/v1/identity/credentials/sd-jwt", {
      issuer: issuerDid,
      holder: holderDid,
      claims: { birthdate: "10/12/1815" },
    });
    assert.equal(badDate.status, 400);
    assert.match(JSON.stringify(badDate.body), /birthdate/);
    const noKeyHolder = await issuer.call<{ code: string; message: string }>(
      "POST",
      "/v1/identity/credentials/sd-jwt",
      {
        issuer: issuerDid,
        holder: `did:ethr:${chainHex}:${privateKeyToAccount(generatePrivateKey()).address}`,
        claims,
      },
    );
    assert.equal(noKeyHolder.status, 400, JSON.stringify(noKeyHolder.body));
    assert.match(noKeyHolder.body.message, /holder: .* lists no P-256 key/);
    assert.equal(await issuedCount(), before);
  });

  it("verifies an SD-JWT issued with @meeco/sd-jwt by an external did:ethr key and presented by an external key; refuses it expired", async () => {
    const externalKey = generatePrivateKey();
    const externalDid = `did:ethr:${chainHex}:${privateKeyToAccount(externalKey).address.toLowerCase()}`;
    const holder = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const holderJwk = holder.publicKey.export({ format: "jwk" });
    const es256k = ES256KSigner(hexToBytes(externalKey));
    const meecoIssue = (payload: Record<string, unknown>, frame: DisclosureFrame) =>
      issueSDJWT({ alg: "ES256K", typ: "dc+sd-jwt", kid: `${externalDid}#controller` }, payload, frame, {
        signer: async (header, body) => es256k(`${b64(header)}.${b64(body)}`) as Promise<string>,
        hash: { alg: "sha-256", callback: (data: string) => sha256b64(data) },
        cnf: { jwk: { kty: "EC", crv: "P-256", x: holderJwk.x as string, y: holderJwk.y as string } },
      });
    const presentOf = (sdJwt: string, keep: (name: string) => boolean, nonce: string) => {
      const [jwt, ...rest] = sdJwt.split("~");
      const kept = rest
        .filter((d) => d !== "")
        .filter((d) => keep(JSON.parse(Buffer.from(d, "base64url").toString("utf8"))[1]));
      const withoutKb = `${[jwt, ...kept].join("~")}~`;
      return withoutKb + keyBindingJwt(holder.privateKey, withoutKb, { iat: now(), aud: AUDIENCE, nonce });
    };

    const sdJwt = await meecoIssue(
      {
        iss: externalDid,
        vct: "https://example.org/PersonIdentity",
        iat: now(),
        exp: now() + 3600,
        given_name: "Alan",
        family_name: "Turing",
        nationality: "GB",
      },
      { _sd: ["given_name", "family_name", "nationality"] },
    );
    const nonce = "external-nonce-1";
    const answer = await verify(
      presentOf(sdJwt, (n) => n === "nationality", nonce),
      nonce,
    );
    assert.equal(answer.verified, true, JSON.stringify(answer));
    assert.equal(answer.issuer, externalDid);
    assert.equal(answer.vct, "https://example.org/PersonIdentity");
    assert.deepEqual(answer.claims, { nationality: "GB" });
    assert.deepEqual(answer.status, { method: null, note: "no status method" });

    // Signed by the holder's key? No: another key signs the key binding.
    const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const [jwt, ...rest] = sdJwt.split("~");
    const withoutKb = `${[jwt, ...rest.filter((d) => d !== "")].join("~")}~`;
    const forged = await verify(
      withoutKb + keyBindingJwt(stranger.privateKey, withoutKb, { iat: now(), aud: AUDIENCE, nonce }),
      nonce,
    );
    assert.equal(forged.error?.code, "PRESENTATION_INVALID");

    // A stale key binding (made an hour ago) is refused as a replay.
    const stale = await verify(
      withoutKb + keyBindingJwt(holder.privateKey, withoutKb, { iat: now() - 3600, aud: AUDIENCE, nonce }),
      nonce,
    );
    assert.equal(stale.error?.code, "PRESENTATION_INVALID");
    assert.match(stale.error?.message ?? "", /iat/);

    const expired = await meecoIssue(
      {
        iss: externalDid,
        vct: "https://example.org/PersonIdentity",
        iat: now() - 7200,
        exp: now() - 3600,
        given_name: "Alan",
      },
      { _sd: ["given_name"] },
    );
    const late = await verify(
      presentOf(expired, () => true, nonce),
      nonce,
    );
    assert.equal(late.verified, false);
    assert.equal(late.error?.code, "CREDENTIAL_EXPIRED");
  });

  it("the CLI issues, presents and verifies an SD-JWT VC (vc issue-sd-jwt, vc receive, vc present, vc verify-sd-jwt)", async () => {
    const at = (agent: TestAgent) => ["--url", agent.url, "--api-key", agent.adminKey];
    const issued = await cli([
      "vc",
      "issue-sd-jwt",
      ...at(issuer),
      "--issuer",
      issuerDid,
      "--holder",
      holderDid,
      "--claims",
      JSON.stringify({ given_name: "Katherine", age_over_21: true }),
    ]);
    const received = await cli(["vc", "receive", issued.sdJwt, ...at(wallet)]);
    assert.equal(received.stored, true);
    const nonce = "cli-nonce-0001";
    const presented = await cli([
      "vc",
      "present",
      received.credential.digest,
      ...at(wallet),
      "--disclose",
      "age_over_21",
      "--nonce",
      nonce,
      "--audience",
      AUDIENCE,
    ]);
    const answer = await cli([
      "vc",
      "verify-sd-jwt",
      presented.presentation,
      ...at(issuer),
      "--nonce",
      nonce,
      "--audience",
      AUDIENCE,
    ]);
    assert.equal(answer.verified, true, JSON.stringify(answer));
    assert.deepEqual(answer.claims, { age_over_21: true });
  });

  it("issues VC Data Model 2.0 (vc+jwt) beside 1.1: verified here, and by jose with the issuer's key", async () => {
    const r = await issuer.call<{ jwt: string; id: string }>("POST", "/v1/identity/credentials", {
      issuer: issuerDid,
      type: "MemberCredential",
      credentialSubject: { id: holderDid, memberName: "Acme" },
      expirationDate: "2099-01-01T00:00:00.000Z",
      format: "vc+jwt-2.0",
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(decodeProtectedHeader(r.body.jwt).typ, "vc+jwt");
    const checked = await issuer.call<Verification & { payload: Record<string, unknown>; validUntil: string }>(
      "POST",
      "/v1/identity/credentials/verify",
      { jwt: r.body.jwt },
    );
    assert.equal(checked.body.verified, true, JSON.stringify(checked.body));
    assert.equal(checked.body.format, "vc+jwt-2.0");
    assert.equal(checked.body.validUntil, "2099-01-01T00:00:00.000Z");
    assert.equal(checked.body.status?.status, "active");

    const { payload, protectedHeader } = await compactVerify(r.body.jwt, await importJWK(await issuerJwk(), "ES256"));
    const credential = JSON.parse(new TextDecoder().decode(payload));
    assert.equal(protectedHeader.alg, "ES256");
    assert.deepEqual(credential["@context"], ["https://www.w3.org/ns/credentials/v2"]);
    assert.equal(credential.id, r.body.id);
    assert.equal(credential.issuer, issuerDid);
    assert.equal(credential.validUntil, "2099-01-01T00:00:00Z");
    assert.equal(credential.credentialSubject.memberName, "Acme");
  });
});

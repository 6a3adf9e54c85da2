// Identity as a service (IDM-002) and social attestations (IDM-004) through two operators' agents and a bank's on a
// real devnet: north vouches for a subscriber's ID file, south checks it (valid, who vouched), a tampered file is
// unknown; the bank reuses north's vouching only with the subscriber's consent naming the bank; north revokes and the
// check says so. People's signed attestations relayed by members and members' own attestations give the documented
// confidence; self-attestation, a duplicate attester and a forged signature are refused; withdrawals lower it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, type Hex, http, keccak256, toBytes, toHex } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import {
  consentMessage,
  fingerprintOf,
  type IdFile,
  newIdFile,
  type ReuseConsent,
} from "../../src/identity/assurance/idFile.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

interface Vouching {
  vouchId: Hex;
  fingerprint: Hex;
  member: string;
  memberName: string | null;
  status: "standing" | "revoked";
}
interface Check {
  fingerprint: Hex;
  valid: boolean;
  vouchings: Vouching[];
}
interface Attestation {
  attestationId: Hex;
  attester: string;
  organisation: boolean;
  status: string;
}
interface Failure {
  code: string;
  details?: Array<{ field: string }>;
  facts?: Record<string, unknown>;
}

describe("identity assurance through the agents", () => {
  let c: TestConsortium;
  let north: TestAgent;
  let south: TestAgent;
  let bank: TestAgent;
  let chainHex: string;
  const alice = privateKeyToAccount(generatePrivateKey());
  const bob = privateKeyToAccount(generatePrivateKey());
  const carol = privateKeyToAccount(generatePrivateKey());
  const did = (a: PrivateKeyAccount) => `did:ethr:${chainHex}:${a.address}`;
  let file: IdFile;

  before(async () => {
    c = await startTestConsortium([
      { name: "north-mobile", roles: ["MOBILE_OPERATOR"] },
      { name: "south-telecom", roles: ["MOBILE_OPERATOR"] },
      { name: "city-bank", roles: ["SETTLEMENT_BANK"] },
    ]);
    north = c.agents["north-mobile"] as TestAgent;
    south = c.agents["south-telecom"] as TestAgent;
    bank = c.agents["city-bank"] as TestAgent;
    chainHex = `0x${north.agent.config.chain.chainId.toString(16)}`;
    file = newIdFile(
      did(alice),
      { givenName: "Alice", familyName: "Example", dateOfBirth: "1990-02-03", passport: "X1234567" },
      [{ kind: "passport", mediaType: "image/png", content: Buffer.from("scan bytes").toString("base64") }],
    );
  });
  after(async () => {
    await c?.stop();
  });

  const consent = async (signer: PrivateKeyAccount, relyingMember: string, over: Partial<ReuseConsent> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = {
      type: "KycReuseConsent" as const,
      fingerprint: fingerprintOf(file),
      holder: file.holder,
      relyingMember: relyingMember as Hex,
      issuedAt: now,
      expiresAt: now + 3600,
      ...over,
    };
    return { ...unsigned, signature: await signer.signMessage({ message: consentMessage(unsigned) }) };
  };
  let vouchId: Hex;

  it("vouches for an ID file with a salted fingerprint, and nothing personal goes on chain", async () => {
    const r = await north.call<{ vouching: Vouching; txHash: Hex }>("POST", "/v1/identity/assurance/vouchings", {
      file,
      decision: "verified",
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.vouching.fingerprint, fingerprintOf(file));
    assert.equal(r.body.vouching.member, north.agent.config.memberAccount.toLowerCase());
    assert.equal(r.body.vouching.status, "standing");
    vouchId = r.body.vouching.vouchId;
    const client = createPublicClient({ transport: http(c.devnet.rpcUrl) });
    const tx = await client.getTransaction({ hash: r.body.txHash });
    const receipt = await client.getTransactionReceipt({ hash: r.body.txHash });
    const onChain = [tx.input, ...receipt.logs.flatMap((l) => [l.data, ...l.topics])].join("").toLowerCase();
    assert.ok(!onChain.includes(alice.address.slice(2).toLowerCase()), "the holder's address is not on chain");
    assert.ok(!onChain.includes(toHex("X1234567").slice(2)), "the passport number is not on chain");
    assert.ok(!onChain.includes(file.salt.slice(2).toLowerCase()), "the salt stays in the file");
    const again = await north.call<Failure>("POST", "/v1/identity/assurance/vouchings", { file, decision: "verified" });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "ASSURANCE_ALREADY_VOUCHED");
  });

  it("lets a visited operator check the file: valid, and which member vouched; a tampered file is unknown", async () => {
    const r = await south.call<Check>("POST", "/v1/identity/assurance/check", { file });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.valid, true);
    assert.equal(r.body.vouchings.length, 1);
    assert.match(r.body.vouchings[0]?.memberName ?? "", /^north-mobile/);
    const tampered = await south.call<Check>("POST", "/v1/identity/assurance/check", {
      file: { ...file, data: { ...file.data, dateOfBirth: "1980-02-03" } },
    });
    assert.equal(tampered.status, 200);
    assert.equal(tampered.body.valid, false);
    assert.deepEqual(tampered.body.vouchings, []);
    const resalted = await south.call<Check>("POST", "/v1/identity/assurance/check", {
      file: { ...file, salt: keccak256(toBytes("guess")) },
    });
    assert.equal(resalted.body.valid, false, "another salt is another fingerprint");
    const listed = await bank.call<{ items: Vouching[]; nextCursor: string | null }>(
      "GET",
      `/v1/identity/assurance/vouchings?fingerprint=${fingerprintOf(file)}&limit=1`,
    );
    assert.equal(listed.status, 200);
    assert.equal(listed.body.items[0]?.vouchId, vouchId);
    assert.equal(listed.body.nextCursor, null);
  });

  it("refuses bad input by field, and changes nothing", async () => {
    const { salt: _salt, ...noSalt } = file;
    const r = await north.call<Failure>("POST", "/v1/identity/assurance/vouchings", {
      file: noSalt,
      decision: "verified",
    });
    assert.equal(r.status, 400);
    assert.ok(
      r.body.details?.some((d) => d.field.startsWith("body.file")),
      JSON.stringify(r.body),
    );
    const rejected = await north.call<Failure>("POST", "/v1/identity/assurance/vouchings", {
      file,
      decision: "rejected",
    });
    assert.equal(rejected.status, 400);
    assert.ok(
      rejected.body.details?.some((d) => d.field === "body.decision"),
      JSON.stringify(rejected.body),
    );
  });

  it("lets the bank reuse north's vouching only with the holder's consent naming the bank", async () => {
    const bankMember = bank.agent.config.memberAccount;
    const path = "/v1/identity/assurance/reuse";
    const forSouth = await bank.call<Failure>("POST", path, {
      file,
      consent: await consent(alice, south.agent.config.memberAccount),
    });
    assert.equal(forSouth.status, 403);
    assert.equal(forSouth.body.code, "ASSURANCE_CONSENT_INVALID");
    assert.equal(forSouth.body.facts?.problem, "wrong-relying-member");
    const byBob = await bank.call<Failure>("POST", path, { file, consent: await consent(bob, bankMember) });
    assert.equal(byBob.status, 403);
    assert.equal(byBob.body.facts?.problem, "bad-signature");
    const expired = await bank.call<Failure>("POST", path, {
      file,
      consent: await consent(alice, bankMember, { issuedAt: 1000, expiresAt: 2000 }),
    });
    assert.equal(expired.body.facts?.problem, "expired");
    const good = await consent(alice, bankMember);
    const otherFile = await bank.call<Failure>("POST", path, {
      file: { ...file, data: { ...file.data, passport: "Y7654321" } },
      consent: good,
    });
    assert.equal(otherFile.body.facts?.problem, "wrong-file");
    const r = await bank.call<Check & { relyingMember: string; holder: string }>("POST", path, { file, consent: good });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.valid, true);
    assert.equal(r.body.relyingMember, bankMember.toLowerCase());
    assert.match(r.body.vouchings[0]?.memberName ?? "", /^north-mobile/);
  });

  it("lets only the vouching member revoke; the check then says revoked and reuse is refused", async () => {
    const path = `/v1/identity/assurance/vouchings/${vouchId}/revoke`;
    const bySouth = await south.call<Failure>("POST", path, {});
    assert.equal(bySouth.status, 403);
    assert.equal(bySouth.body.code, "ASSURANCE_NOT_VOUCHER");
    const r = await north.call<{ vouching: Vouching }>("POST", path, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.vouching.status, "revoked");
    const twice = await north.call<Failure>("POST", path, {});
    assert.equal(twice.body.code, "ASSURANCE_ALREADY_REVOKED");
    const checked = await south.call<Check>("POST", "/v1/identity/assurance/check", { file });
    assert.equal(checked.body.valid, false);
    assert.equal(checked.body.vouchings[0]?.status, "revoked");
    const reuse = await bank.call<Failure>("POST", "/v1/identity/assurance/reuse", {
      file,
      consent: await consent(alice, bank.agent.config.memberAccount),
    });
    assert.equal(reuse.status, 404);
    assert.equal(reuse.body.code, "ASSURANCE_NOT_VOUCHED");
  });

  it("derives the confidence of a claim from independent attesters; refuses self and duplicate; withdrawals count", async () => {
    const claim = keccak256(toBytes(`${keccak256(toBytes("random claim salt"))} lives in North Town`));
    const subject = did(carol);
    const confidence = async () =>
      (
        await south.call<{ people: number; organisations: number; confidence: number; formula: string }>(
          "GET",
          `/v1/identity/assurance/confidence?subject=${subject}&claim=${claim}`,
        )
      ).body;
    assert.equal((await confidence()).confidence, 0);
    const signed = async (person: PrivateKeyAccount, about = subject) => {
      const d = await north.call<{ digest: Hex }>(
        "GET",
        `/v1/identity/assurance/attestations/digest?attester=${did(person)}&subject=${about}&claim=${claim}`,
      );
      assert.equal(d.status, 200, JSON.stringify(d.body));
      return person.signMessage({ message: { raw: d.body.digest } });
    };
    const relay = (via: TestAgent, person: PrivateKeyAccount, signature: Hex, about = subject) =>
      via.call<{ attestation: Attestation } & Failure>("POST", "/v1/identity/assurance/attestations/relay", {
        attester: did(person),
        subject: about,
        claim,
        signature,
      });
    const byAlice = await relay(north, alice, await signed(alice));
    assert.equal(byAlice.status, 201, JSON.stringify(byAlice.body));
    assert.equal(byAlice.body.attestation.organisation, false);
    assert.equal(byAlice.body.attestation.attester, alice.address.toLowerCase());
    const byBob = await relay(south, bob, await signed(bob));
    assert.equal(byBob.status, 201);
    assert.equal((await confidence()).confidence, 30, "2 people x 15");
    const byNorth = await north.call<{ attestation: Attestation }>("POST", "/v1/identity/assurance/attestations", {
      subject,
      claim,
    });
    assert.equal(byNorth.status, 201, JSON.stringify(byNorth.body));
    assert.equal(byNorth.body.attestation.organisation, true);
    const now = await confidence();
    assert.deepEqual(
      { people: now.people, organisations: now.organisations, confidence: now.confidence },
      { people: 2, organisations: 1, confidence: 65 },
    );
    assert.match(now.formula, /15 x people \+ 35 x organisations/);

    const duplicate = await relay(south, alice, await signed(alice));
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.code, "ASSURANCE_DUPLICATE_ATTESTER");
    const northAgain = await north.call<Failure>("POST", "/v1/identity/assurance/attestations", { subject, claim });
    assert.equal(northAgain.body.code, "ASSURANCE_DUPLICATE_ATTESTER");
    const self = await relay(north, carol, await signed(carol), did(carol));
    assert.equal(self.status, 409);
    assert.equal(self.body.code, "ASSURANCE_SELF_ATTESTATION");
    const forged = await north.call<Failure>("POST", "/v1/identity/assurance/attestations/relay", {
      attester: did(carol),
      subject: did(bob),
      claim,
      signature: await signed(alice, did(bob)),
    });
    assert.equal(forged.status, 422);
    assert.equal(forged.body.code, "ASSURANCE_BAD_SIGNATURE");

    const southWithdraws = await south.call<Failure>(
      "POST",
      `/v1/identity/assurance/attestations/${byNorth.body.attestation.attestationId}/withdraw`,
      {},
    );
    assert.equal(southWithdraws.status, 403);
    assert.equal(southWithdraws.body.code, "ASSURANCE_NOT_ATTESTER");
    const withdrawn = await north.call<{ attestation: Attestation }>(
      "POST",
      `/v1/identity/assurance/attestations/${byNorth.body.attestation.attestationId}/withdraw`,
      {},
    );
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.equal(withdrawn.body.attestation.status, "withdrawn");
    assert.equal((await confidence()).confidence, 30);
    const bobId = byBob.body.attestation.attestationId;
    const digest = await south.call<{ digest: Hex }>(
      "GET",
      `/v1/identity/assurance/attestations/${bobId}/withdraw-digest`,
    );
    const bobWithdraws = await south.call<{ attestation: Attestation }>(
      "POST",
      `/v1/identity/assurance/attestations/${bobId}/withdraw`,
      { signature: await bob.signMessage({ message: { raw: digest.body.digest } }) },
    );
    assert.equal(bobWithdraws.status, 200, JSON.stringify(bobWithdraws.body));
    assert.equal((await confidence()).confidence, 15);
    const list = await bank.call<{ items: Attestation[]; nextCursor: string | null }>(
      "GET",
      `/v1/identity/assurance/attestations?subject=${subject}&claim=${claim}&limit=2`,
    );
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 2);
    assert.ok(list.body.nextCursor);
    const rest = await bank.call<{ items: Attestation[]; nextCursor: string | null }>(
      "GET",
      `/v1/identity/assurance/attestations?subject=${subject}&claim=${claim}&limit=2&cursor=${list.body.nextCursor}`,
    );
    assert.equal(rest.body.items.length, 1);
    assert.equal(rest.body.nextCursor, null);
  });
});

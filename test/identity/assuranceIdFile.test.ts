// The ID file's fingerprint and the reuse consent, without a chain: the fingerprint ignores key order and depends on
// every byte and on the salt; a consent holds only for its file, holder, relying member, time and holder's signature.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, toBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  canonicalJson,
  consentMessage,
  consentProblem,
  fingerprintOf,
  newIdFile,
  type ReuseConsent,
} from "../../src/identity/assurance/idFile.ts";

const holderKey = privateKeyToAccount(generatePrivateKey());
const holder = `did:ethr:0x539:${holderKey.address}`;
const relying = privateKeyToAccount(generatePrivateKey()).address;
const file = newIdFile(holder, { givenName: "Alice", dateOfBirth: "1990-02-03" }, [
  { kind: "passport", mediaType: "image/png", content: Buffer.from([1, 2, 3]).toString("base64") },
]);
const now = 1_800_000_000;

async function consent(over: Partial<ReuseConsent> = {}, signer = holderKey): Promise<ReuseConsent> {
  const unsigned = {
    type: "KycReuseConsent" as const,
    fingerprint: fingerprintOf(file),
    holder,
    relyingMember: relying,
    issuedAt: now,
    expiresAt: now + 600,
    ...over,
  };
  return { ...unsigned, signature: await signer.signMessage({ message: consentMessage(unsigned) }) };
}

describe("ID file fingerprint", () => {
  it("is canonical: key order does not matter, every value and the salt do", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, "x"], c: true } }), '{"a":{"c":true,"d":[2,"x"]},"b":1}');
    const reordered = {
      documents: file.documents,
      data: { dateOfBirth: "1990-02-03", givenName: "Alice" },
      holder: file.holder,
      salt: file.salt,
      version: 1 as const,
    };
    assert.equal(fingerprintOf(reordered), fingerprintOf(file));
    assert.notEqual(fingerprintOf({ ...file, data: { ...file.data, givenName: "Alicia" } }), fingerprintOf(file));
    assert.notEqual(fingerprintOf({ ...file, salt: keccak256(toBytes("other")) }), fingerprintOf(file));
    assert.notEqual(newIdFile(holder, file.data, file.documents).salt, file.salt, "a fresh salt each time");
  });
});

describe("reuse consent", () => {
  it("holds for its file, holder and relying member, in time, signed by the holder", async () => {
    assert.equal(await consentProblem(await consent(), file, relying, now + 10), undefined);
  });
  it("names what is wrong otherwise", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    assert.equal(await consentProblem(await consent(), file, other.address, now), "wrong-relying-member");
    assert.equal(await consentProblem(await consent({}, other), file, relying, now), "bad-signature");
    assert.equal(await consentProblem(await consent(), file, relying, now + 600), "expired");
    assert.equal(await consentProblem(await consent(), file, relying, now - 1000), "not-yet-valid");
    assert.equal(
      await consentProblem(await consent({ holder: `did:ethr:0x539:${other.address}` }), file, relying, now),
      "wrong-holder",
    );
    const tampered = { ...(await consent()), expiresAt: now + 6000 };
    assert.equal(await consentProblem(tampered, file, relying, now), "bad-signature", "fields are signed");
    const otherFile = { ...file, data: { givenName: "Bob" } };
    assert.equal(await consentProblem(await consent(), otherFile, relying, now), "wrong-file");
  });
});

// Operator encryption keys (in a real keystore in a temp dir), JWE to a peer, pairwise tags: real P-256 and jose.
// Also: fixed ciphertext lengths (issue 11, item 1), one ephemeral key per message and full GCM tags only (item 8).
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK } from "jose";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { JweOpener, sealBatch } from "../../src/roaming/crypto/jwe.ts";
import { type EncryptionPublicJwk, thumbprintOf } from "../../src/roaming/crypto/jwk.ts";
import { EncryptionKeyRing } from "../../src/roaming/crypto/keyRing.ts";
import { derivePairKey, requestTag } from "../../src/roaming/crypto/pseudonym.ts";
import { ANSWER_PLAINTEXT_BYTES, REQUEST_PLAINTEXT_BYTES } from "../../src/roaming/payloads.ts";
import { ANSWER_OUTCOMES } from "../../src/roaming/policy.ts";
import { SERVICES } from "../../src/roaming/subscribers/register.ts";

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function ring(passphrase = "pass") {
  const dir = await mkdtemp(join(tmpdir(), "roaming-keys-"));
  dirs.push(dir);
  const keystore = await openKeystore({ dir, passphrase, scrypt: { N: 2 ** 10 } });
  return { dir, keystore, ring: new EncryptionKeyRing(keystore, { graceSeconds: 600 }) };
}

async function encryptTo(recipient: EncryptionPublicJwk, payload: unknown) {
  return (await sealBatch(recipient, [{ itemId: "0xabc", payload }], { paddedBytes: 256 }))[0]!;
}
/** A P-256 key pair held by the test (jose needs the private key to open). */
function testKey() {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { x, y } = pair.publicKey.export({ format: "jwk" }) as { x: string; y: string };
  const jwk: EncryptionPublicJwk = { kty: "EC", crv: "P-256", x, y, kid: thumbprintOf(x, y) };
  return { privateKey: pair.privateKey, jwk };
}
const requestIdOf = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
async function decryptWith<T>(r: EncryptionKeyRing, jwe: string) {
  return new JweOpener(r).open<T>(jwe);
}

describe("roaming crypto", () => {
  it("batch JWEs are standard: jose opens ours and we open jose's", async () => {
    // jose needs a private key to open: seal to a key the test holds, in the very format we send to peers.
    const { privateKey, jwk: peerJwk } = testKey();
    const jwes = await sealBatch(
      peerJwk,
      [
        { itemId: `0x${"01".repeat(32)}`, payload: { imsi: "240011234567890" } },
        { itemId: `0x${"02".repeat(32)}`, payload: { imsi: "240011234567891" } },
      ],
      { paddedBytes: REQUEST_PLAINTEXT_BYTES },
    );
    const { plaintext, protectedHeader } = await compactDecrypt(jwes[1]!, privateKey);
    assert.equal(JSON.parse(new TextDecoder().decode(plaintext)).imsi, "240011234567891");
    assert.equal(protectedHeader.kid, peerJwk.kid);
    // And our opener, whose key is in the keystore, opens what jose encrypted to it.
    const { ring: home } = await ring();
    const key = await home.rotate(600);
    const jwk = home.publicJwk(key.kid);
    const byJose = await new CompactEncrypt(new TextEncoder().encode('{"n":7}'))
      .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", kid: key.kid })
      .encrypt(await importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, "ECDH-ES"));
    assert.equal(new JweOpener(home).open<{ n: number }>(byJose).payload.n, 7);
    const ours = await sealBatch(jwk, [{ itemId: `0x${"01".repeat(32)}`, payload: { imsi: "240011234567890" } }], {
      paddedBytes: REQUEST_PLAINTEXT_BYTES,
    });
    assert.equal(new JweOpener(home).open<{ imsi: string }>(ours[0]!).itemId, `0x${"01".repeat(32)}`);
    // jose's own apv too (it is what binds a ciphertext to its request).
    const withApv = await new CompactEncrypt(new TextEncoder().encode('{"n":8}'))
      .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", kid: key.kid })
      .setKeyManagementParameters({ apv: Buffer.from("07".repeat(32), "hex") })
      .encrypt(await importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, "ECDH-ES"));
    assert.equal(new JweOpener(home).open(withApv).itemId, `0x${"07".repeat(32)}`);
  });

  it("every message of a batch has its own ephemeral key (RFC 7518 section 4.6)", async () => {
    const { jwk } = testKey();
    const jwes = await sealBatch(
      jwk,
      Array.from({ length: 50 }, (_, i) => ({ itemId: requestIdOf(i), payload: { n: i } })),
      { paddedBytes: REQUEST_PLAINTEXT_BYTES },
    );
    const epks = jwes.map((j) => {
      const { epk } = decodeProtectedHeader(j) as { epk: { x: string; y: string } };
      return `${epk.x}.${epk.y}`;
    });
    assert.equal(new Set(epks).size, jwes.length, "one ephemeral key per message");
  });

  it("refuses a JWE whose GCM tag is cut to 4 bytes, as jose does", async () => {
    const { ring: home } = await ring();
    const key = await home.rotate(600);
    const [jwe] = await sealBatch(home.publicJwk(key.kid), [{ itemId: requestIdOf(1), payload: { n: 1 } }], {
      paddedBytes: ANSWER_PLAINTEXT_BYTES,
    });
    const parts = jwe!.split(".");
    assert.equal(new JweOpener(home).open<{ n: number }>(jwe!).payload.n, 1);
    // The first 4 bytes of the genuine tag: a lenient GCM accepts them (and a forger needs only 2^32 tries).
    parts[4] = Buffer.from(parts[4]!, "base64url").subarray(0, 4).toString("base64url");
    assert.throws(() => new JweOpener(home).open(parts.join(".")), { code: "ROAMING_DECRYPT_FAILED" });
    // jose refuses it too.
    const { privateKey, jwk } = testKey();
    const [forJose] = await sealBatch(jwk, [{ itemId: requestIdOf(1), payload: { n: 1 } }], { paddedBytes: 256 });
    const joseParts = forJose!.split(".");
    joseParts[4] = Buffer.from(joseParts[4]!, "base64url").subarray(0, 4).toString("base64url");
    await assert.rejects(compactDecrypt(joseParts.join("."), privateKey));
  });

  it("every answer outcome and every service set seals to one ciphertext length; so does every request", async () => {
    const { jwk } = testKey();
    const subsets = Array.from({ length: 2 ** SERVICES.length }, (_, mask) =>
      SERVICES.filter((_s, i) => (mask >> i) & 1),
    );
    const answers = ANSWER_OUTCOMES.flatMap((outcome) =>
      subsets.map((granted, i) => ({
        itemId: requestIdOf(i),
        payload: {
          v: 1,
          outcome,
          services: Object.fromEntries(SERVICES.map((s) => [s, granted.includes(s) ? 1 : 0])),
          validUntil: new Date(Date.now() + i * 3_600_000).toISOString(),
        },
      })),
    );
    const answerLengths = new Map<number, string>();
    for (const [i, jwe] of (await sealBatch(jwk, answers, { paddedBytes: ANSWER_PLAINTEXT_BYTES })).entries()) {
      answerLengths.set(jwe.length, (answers[i]!.payload as { outcome: string }).outcome);
    }
    assert.equal(answerLengths.size, 1, `answer lengths by outcome: ${JSON.stringify([...answerLengths])}`);
    const requests = subsets.flatMap((services, i) =>
      ["00101", "001030"].map((homePlmn) => ({
        itemId: requestIdOf(i),
        payload: {
          v: 1,
          imsi: `${homePlmn}${"1".repeat(15 - homePlmn.length)}`,
          homePlmn,
          visitedPlmn: "001030",
          visitedKid: jwk.kid,
          services,
        },
      })),
    );
    const requestLengths = new Map<number, string>();
    for (const [i, jwe] of (await sealBatch(jwk, requests, { paddedBytes: REQUEST_PLAINTEXT_BYTES })).entries()) {
      requestLengths.set(jwe.length, JSON.stringify((requests[i]!.payload as { services: string[] }).services));
    }
    assert.equal(requestLengths.size, 1, `request lengths by services: ${JSON.stringify([...requestLengths])}`);
  });

  it("refuses to encrypt a payload over its padded size, naming both sizes", async () => {
    const { jwk } = testKey();
    await assert.rejects(
      sealBatch(jwk, [{ itemId: requestIdOf(1), payload: { pad: "x".repeat(300) } }], { paddedBytes: 256 }),
      /plaintext of 310 bytes is over its padded size of 256 bytes/,
    );
  });

  it("keys live in the keystore: the kid is the RFC 7638 thumbprint, they decrypt after a reopen, no plain key on disk", async () => {
    const { dir, keystore, ring: home } = await ring();
    const key = await home.rotate(600);
    const jwk = home.publicJwk(key.kid);
    assert.equal(key.kid, thumbprintOf(jwk.x, jwk.y));
    assert.equal(keystore.info(key.kid).label, "roaming-enc");
    const jwe = await encryptTo(jwk, { imsi: "240011234567890" });
    const reopenedStore = await openKeystore({ dir, passphrase: "pass" });
    const reopened = new EncryptionKeyRing(reopenedStore, { graceSeconds: 600 });
    assert.equal(reopened.current()?.kid, key.kid);
    const opened = await decryptWith<{ imsi: string }>(reopened, jwe);
    assert.equal(opened.payload.imsi, "240011234567890");
    assert.equal(opened.kid, key.kid);
    for (const name of await readdir(dir)) assert.doesNotMatch(await readFile(join(dir, name), "utf8"), /"d"/);
    await assert.rejects(openKeystore({ dir, passphrase: "wrong" }), { code: "KEYSTORE_WRONG_PASSPHRASE" });
  });

  it("rejects a tampered ciphertext", async () => {
    const { ring: home } = await ring();
    const key = await home.rotate(600);
    const jwe = await encryptTo(home.publicJwk(key.kid), { imsi: "240011234567890" });
    const parts = jwe.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString("base64url");
    await assert.rejects(decryptWith(home, parts.join(".")), { code: "ROAMING_DECRYPT_FAILED" });
  });

  it("keeps a rotated key for in-flight requests until its grace period ends, also after a reopen", async () => {
    const { dir, keystore, ring: home } = await ring();
    const old = await home.rotate(60);
    const inFlight = await encryptTo(home.publicJwk(old.kid), { n: 1 });
    const fresh = await home.rotate(60);
    assert.equal(home.current()?.kid, fresh.kid);
    assert.notEqual(home.list()[0]?.usableUntil, null);
    assert.equal((await decryptWith<{ n: number }>(home, inFlight)).payload.n, 1);
    // A restarted agent still decrypts it (the replaced key is kept, with the default grace).
    const restarted = new EncryptionKeyRing(await openKeystore({ dir, passphrase: "pass" }), { graceSeconds: 600 });
    assert.equal(restarted.current()?.kid, fresh.kid);
    assert.equal((await decryptWith<{ n: number }>(restarted, inFlight)).payload.n, 1);
    assert.deepEqual(await home.dropExpired(new Date(Date.now() + 30_000)), []);
    assert.deepEqual(await home.dropExpired(new Date(Date.now() + 61_000)), [old.kid]);
    await assert.rejects(decryptWith(home, inFlight), { code: "ROAMING_KEY_NOT_FOUND" });
    // Dropped means retired in the keystore: it derives nothing there either.
    assert.notEqual(keystore.info(old.kid).retiredAt, null);
    assert.throws(() => keystore.deriveSharedSecret(old.kid, home.publicJwk(fresh.kid)), { code: "KEY_RETIRED" });
    assert.deepEqual(
      home.list().map((k) => k.kid),
      [fresh.kid],
    );
  });

  it("derives the same pairwise key on both sides and a different one for a third operator", async () => {
    const { ring: v } = await ring();
    const { ring: h } = await ring();
    const { ring: x } = await ring();
    const vk = await v.rotate(60);
    const hk = await h.rotate(60);
    const xk = await x.rotate(60);
    const ctx = { visitedPlmn: "23415", homePlmn: "24001", visitedKid: vk.kid, homeKid: hk.kid };
    const a = derivePairKey(v, vk.kid, h.publicJwk(hk.kid), ctx);
    const b = derivePairKey(h, hk.kid, v.publicJwk(vk.kid), ctx);
    const c = derivePairKey(x, xk.kid, h.publicJwk(hk.kid), ctx);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(requestTag(a, "r1", "240011234567890"), requestTag(b, "r1", "240011234567890"));
    assert.notEqual(requestTag(a, "r1", "240011234567890"), requestTag(a, "r2", "240011234567890"));
  });
});

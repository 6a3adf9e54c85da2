// Operator encryption keys (in a real keystore in a temp dir), JWE to a peer, pairwise tags: real P-256 and jose.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CompactEncrypt, compactDecrypt, importJWK } from "jose";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { JweOpener, sealBatch } from "../../src/roaming/crypto/jwe.ts";
import { type EncryptionPublicJwk, thumbprintOf } from "../../src/roaming/crypto/jwk.ts";
import { EncryptionKeyRing } from "../../src/roaming/crypto/keyRing.ts";
import { derivePairKey, requestTag } from "../../src/roaming/crypto/pseudonym.ts";

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
  return sealBatch(recipient, [{ itemId: "0xabc", payload }])[0]!;
}
async function decryptWith<T>(r: EncryptionKeyRing, jwe: string) {
  return new JweOpener(r).open<T>(jwe);
}

describe("roaming crypto", () => {
  it("batch JWEs are standard: jose opens ours and we open jose's", async () => {
    // jose needs a private key to open: seal to a key the test holds, in the very format we send to peers.
    const peer = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pj = peer.publicKey.export({ format: "jwk" }) as { x: string; y: string };
    const peerJwk: EncryptionPublicJwk = { kty: "EC", crv: "P-256", x: pj.x, y: pj.y, kid: thumbprintOf(pj.x, pj.y) };
    const jwes = sealBatch(peerJwk, [
      { itemId: `0x${"01".repeat(32)}`, payload: { imsi: "240011234567890" } },
      { itemId: `0x${"02".repeat(32)}`, payload: { imsi: "240011234567891" } },
    ]);
    const { plaintext, protectedHeader } = await compactDecrypt(jwes[1]!, peer.privateKey);
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
    const ours = sealBatch(jwk, [{ itemId: `0x${"01".repeat(32)}`, payload: { imsi: "240011234567890" } }]);
    assert.equal(new JweOpener(home).open<{ imsi: string }>(ours[0]!).itemId, `0x${"01".repeat(32)}`);
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

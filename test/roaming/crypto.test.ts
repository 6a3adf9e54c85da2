// Operator encryption keys, JWE to a peer, pairwise tags: real P-256 and jose, real key files in a temp dir.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CompactEncrypt, compactDecrypt, importJWK } from "jose";
import type { EncryptionPublicJwk } from "../../src/roaming/crypto/encryptionKeys.ts";
import { EncryptionKeyRing } from "../../src/roaming/crypto/encryptionKeys.ts";
import { JweOpener, sealBatch } from "../../src/roaming/crypto/jwe.ts";
import { derivePairKey, requestTag } from "../../src/roaming/crypto/pseudonym.ts";

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function ring(passphrase = "pass") {
  const dir = await mkdtemp(join(tmpdir(), "roaming-keys-"));
  dirs.push(dir);
  const path = join(dir, "encryption-keys.json");
  return { path, ring: await EncryptionKeyRing.open(path, passphrase) };
}

async function encryptTo(recipient: EncryptionPublicJwk, payload: unknown) {
  return sealBatch(recipient, [{ itemId: "0xabc", payload }])[0]!;
}
async function decryptWith<T>(r: EncryptionKeyRing, jwe: string) {
  return new JweOpener(r).open<T>(jwe);
}

describe("roaming crypto", () => {
  it("batch JWEs are standard: jose opens ours and we open jose's", async () => {
    const { ring: home } = await ring();
    const key = await home.rotate(600);
    const jwk = home.publicJwk(key.kid);
    const jwes = sealBatch(jwk, [
      { itemId: `0x${"01".repeat(32)}`, payload: { imsi: "240011234567890" } },
      { itemId: `0x${"02".repeat(32)}`, payload: { imsi: "240011234567891" } },
    ]);
    const { plaintext, protectedHeader } = await compactDecrypt(jwes[1]!, home.privateKey(key.kid));
    assert.equal(JSON.parse(new TextDecoder().decode(plaintext)).imsi, "240011234567891");
    assert.equal(protectedHeader.kid, key.kid);
    const byJose = await new CompactEncrypt(new TextEncoder().encode('{"n":7}'))
      .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", kid: key.kid })
      .encrypt(await importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, "ECDH-ES"));
    assert.equal(new JweOpener(home).open<{ n: number }>(byJose).payload.n, 7);
    assert.equal(new JweOpener(home).open<{ imsi: string }>(jwes[0]!).itemId, `0x${"01".repeat(32)}`);
  });

  it("encrypts to the current key and decrypts after a reopen; the file holds no plain private key", async () => {
    const { path, ring: home } = await ring();
    const key = await home.rotate(600);
    const jwe = await encryptTo(home.publicJwk(key.kid), { imsi: "240011234567890" });
    const reopened = await EncryptionKeyRing.open(path, "pass");
    const opened = await decryptWith<{ imsi: string }>(reopened, jwe);
    assert.equal(opened.payload.imsi, "240011234567890");
    assert.equal(opened.kid, key.kid);
    const file = await readFile(path, "utf8");
    assert.doesNotMatch(file, /"d"/);
    await assert.rejects(EncryptionKeyRing.open(path, "wrong"), { code: "ROAMING_DECRYPT_FAILED" });
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

  it("keeps a rotated key for in-flight requests until its grace period ends", async () => {
    const { ring: home } = await ring();
    const old = await home.rotate(60);
    const inFlight = await encryptTo(home.publicJwk(old.kid), { n: 1 });
    const fresh = await home.rotate(60);
    assert.equal(home.current()?.kid, fresh.kid);
    assert.equal((await decryptWith<{ n: number }>(home, inFlight)).payload.n, 1);
    assert.deepEqual(await home.dropExpired(new Date(Date.now() + 61_000)), [old.kid]);
    await assert.rejects(decryptWith(home, inFlight), { code: "ROAMING_KEY_NOT_FOUND" });
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

// Keystore: encryption at rest, wrong passphrase and corrupt files named, no private key in any serialisation.
import assert from "node:assert/strict";
import { createPublicKey, diffieHellman, generateKeyPairSync, verify } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { inspect } from "node:util";
import { IdentityError } from "../../src/core/identity/errors.ts";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { privateKeysOnDisk } from "../../testkit/identity.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const cheap = { N: 2 ** 10 };
const dirs: { remove(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.remove();
});
async function freshDir() {
  const d = await tempDir("telco-keystore-");
  dirs.push(d);
  return d.path;
}

describe("keystore", () => {
  it("creates keys in 0600 files that reopen with the same public facts and signatures", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "correct horse", scrypt: cheap });
    const account = await ks.create({ kind: "secp256k1", label: "controller" });
    const signing = await ks.create({ kind: "p256", label: "signing" });
    const files = (await readdir(dir)).filter((n) => n.endsWith(".json"));
    assert.equal(files.length, 2);
    for (const f of files) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600);

    const reopened = await openKeystore({ dir, passphrase: "correct horse" });
    assert.deepEqual(reopened.list(), ks.list());
    assert.equal(reopened.account(account.address as `0x${string}`).address, account.address);
    const sig = reopened.signEs256(signing.kid, "hello");
    assert.equal(sig.length, 64);
    const publicKey = createPublicKey({ key: { ...reopened.publicJwk(signing.kid) }, format: "jwk" });
    assert.ok(verify("sha256", Buffer.from("hello"), { key: publicKey, dsaEncoding: "ieee-p1363" }, sig));
    assert.ok(!verify("sha256", Buffer.from("hellO"), { key: publicKey, dsaEncoding: "ieee-p1363" }, sig));
  });

  it("rejects a wrong passphrase naming the file", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "right", scrypt: cheap });
    const key = await ks.create({ kind: "p256", label: "k" });
    await assert.rejects(openKeystore({ dir, passphrase: "wrong" }), (error: unknown) => {
      assert.ok(error instanceof IdentityError);
      assert.equal(error.code, "KEYSTORE_WRONG_PASSPHRASE");
      assert.match(error.message, new RegExp(`p256-${key.kid}\\.json`));
      return true;
    });
  });

  it("rejects a corrupt file naming it: bad JSON, tampered ciphertext", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    const key = await ks.create({ kind: "secp256k1", label: "k" });
    const file = join(dir, `secp256k1-${key.kid}.json`);
    const original = await readFile(file, "utf8");

    const parsed = JSON.parse(original);
    const flipped = parsed.crypto.ciphertext[0] === "0" ? "1" : "0";
    parsed.crypto.ciphertext = flipped + parsed.crypto.ciphertext.slice(1);
    await writeFile(file, JSON.stringify(parsed));
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), (error: unknown) => {
      assert.ok(error instanceof IdentityError);
      assert.equal(error.code, "KEYSTORE_CORRUPT_FILE");
      assert.ok(error.message.includes(file));
      return true;
    });

    await writeFile(file, original.slice(0, 40));
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), { code: "KEYSTORE_CORRUPT_FILE" });
  });

  it("never shows a private key in JSON or inspect of the keystore, its accounts or signers", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    const account = await ks.create({ kind: "secp256k1", label: "a" });
    const signing = await ks.create({ kind: "p256", label: "s" });
    // Recover the private keys the way an attacker with the passphrase would: only from the files on disk.
    const secrets = await privateKeysOnDisk(dir, "pw");
    const shown = [
      JSON.stringify(ks),
      inspect(ks, { depth: 20, showHidden: true }),
      JSON.stringify(ks.account(account.address as `0x${string}`)),
      inspect(ks.account(account.address as `0x${string}`), { depth: 20, showHidden: true }),
      inspect(ks.es256Signer(signing.kid), { depth: 20, showHidden: true }),
      JSON.stringify(ks.list()),
      JSON.stringify(ks.publicJwk(signing.kid)),
      String(ks),
    ].join("\n");
    for (const s of secrets) assert.ok(!shown.toLowerCase().includes(s.toLowerCase()), "private key leaked");
    for (const name of await readdir(dir)) {
      const text = await readFile(join(dir, name), "utf8");
      for (const s of secrets) assert.ok(!text.includes(s), "private key stored in clear");
    }
  });

  it("retired keys sign nothing; bad inputs name the field", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    const signing = await ks.create({ kind: "p256", label: "s" });
    await ks.retire(signing.kid);
    assert.throws(() => ks.signEs256(signing.kid, "x"), { code: "KEY_RETIRED" });
    assert.notEqual(ks.info(signing.kid).retiredAt, null);
    const reopened = await openKeystore({ dir, passphrase: "pw" });
    assert.notEqual(reopened.info(signing.kid).retiredAt, null);
    await assert.rejects(ks.create({ kind: "rsa" as never, label: "x" }), {
      code: "IDENTITY_INVALID_INPUT",
      field: "body.kind",
    });
    await assert.rejects(ks.create({ kind: "p256", label: "" }), { field: "body.label" });
    assert.throws(() => ks.account("0x1234"), { field: "body.address" });
    assert.throws(() => ks.signEs256("nope", "x"), { code: "KEY_NOT_FOUND" });
    assert.throws(
      () => ks.account(signing.kid as never),
      (e: unknown) => e instanceof IdentityError,
    );
    assert.equal(ks.list().length, 1);
  });

  it("derives a P-256 ECDH shared secret equal to the peer's, without releasing the private key", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    const mine = await ks.create({ kind: "p256", label: "roaming-enc" });
    const peer = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const peerJwk = peer.publicKey.export({ format: "jwk" });
    const z = ks.deriveSharedSecret(mine.kid, peerJwk);
    assert.equal(z.length, 32);
    const ours = createPublicKey({ key: { ...ks.publicJwk(mine.kid) }, format: "jwk" });
    const expected = diffieHellman({ privateKey: peer.privateKey, publicKey: ours });
    assert.deepEqual(Buffer.from(z), expected);
    // The same after a reopen; a different peer gives a different secret.
    const reopened = await openKeystore({ dir, passphrase: "pw" });
    assert.deepEqual(Buffer.from(reopened.deriveSharedSecret(mine.kid, peerJwk)), expected);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
    assert.notDeepEqual(Buffer.from(ks.deriveSharedSecret(mine.kid, other)), expected);
    // Bad peers name the field and change nothing; secp256k1 and retired keys derive nothing.
    const offCurve = { kty: "EC", crv: "P-256", x: peerJwk.x, y: Buffer.alloc(32, 1).toString("base64url") };
    assert.throws(() => ks.deriveSharedSecret(mine.kid, offCurve), { field: "body.peerPublicJwk" });
    assert.throws(() => ks.deriveSharedSecret(mine.kid, { kty: "EC", crv: "P-384", x: "a", y: "b" }), {
      field: "body.peerPublicJwk",
    });
    assert.throws(() => ks.deriveSharedSecret(mine.kid, null as never), { field: "body.peerPublicJwk" });
    const account = await ks.create({ kind: "secp256k1", label: "a" });
    assert.throws(() => ks.deriveSharedSecret(account.kid, peerJwk), { code: "KEY_KIND_MISMATCH" });
    await ks.retire(mine.kid);
    assert.throws(() => ks.deriveSharedSecret(mine.kid, peerJwk), { code: "KEY_RETIRED" });
    assert.doesNotMatch(JSON.stringify(ks), /"d"/);
  });
});

// Issue 11 item 12: the keystore seals new keys with scrypt N=2^17 (one derivation per keystore, not per key), still
// opens the version 1 files written before (N=2^15, label and retiredAt not covered) and rewrites them as version 2
// when it next writes them; a changed label or retiredAt fails authentication; a directory or file open to group or
// others is refused with the chmod to run.
import assert from "node:assert/strict";
import { createCipheriv, createHmac, randomBytes, scryptSync } from "node:crypto";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { IdentityError } from "../../src/core/identity/errors.ts";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const cheap = { N: 2 ** 10 };
const dirs: { remove(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.remove();
});
async function freshDir() {
  const d = await tempDir("telco-keystore-hardening-");
  dirs.push(d);
  return d.path;
}
const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));

/** A version 1 key file exactly as the keystore wrote it before version 2: N=2^15, AAD kind, kid, public key. */
async function writeVersion1File(dir: string, passphrase: string, label: string) {
  const privateKey = generatePrivateKey();
  const account = privateKeyToAccount(privateKey);
  const salt = randomBytes(32);
  const derived = scryptSync(passphrase, salt, 64, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derived.subarray(0, 32), iv);
  cipher.setAAD(Buffer.from(`secp256k1\n${account.address}\n${account.publicKey}`));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  const file = {
    version: 1,
    kid: account.address,
    kind: "secp256k1",
    label,
    createdAt: new Date().toISOString(),
    retiredAt: null,
    publicKeyHex: account.publicKey,
    address: account.address,
    crypto: {
      kdf: "scrypt",
      kdfparams: { N: 2 ** 15, r: 8, p: 1, dklen: 64, salt: salt.toString("hex") },
      cipher: "aes-256-gcm",
      iv: iv.toString("hex"),
      ciphertext: ciphertext.toString("hex"),
      tag: cipher.getAuthTag().toString("hex"),
      check: createHmac("sha256", derived.subarray(32))
        .update("telco-ledger keystore passphrase check v1")
        .digest("hex"),
    },
  };
  const path = join(dir, `secp256k1-${account.address}.json`);
  await writeFile(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  return { path, address: account.address };
}

const corrupt = (path: string, covered: RegExp) => (error: unknown) => {
  assert.ok(error instanceof IdentityError, String(error));
  assert.equal(error.code, "KEYSTORE_CORRUPT_FILE");
  assert.ok(error.message.includes(path), error.message);
  assert.match(error.message, covered);
  return true;
};

describe("keystore hardening", () => {
  it("seals new keys with scrypt N=2^17 and opens a keystore of several keys with one derivation", async (t) => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw" });
    for (const label of ["member", "did controller", "did signing"]) {
      await ks.create({ kind: label === "did signing" ? "p256" : "secp256k1", label });
    }
    const files = await Promise.all((await readdir(dir)).map((name) => readJson(join(dir, name))));
    assert.equal(files.length, 3);
    for (const file of files) {
      assert.equal(file.version, 2);
      assert.deepEqual([file.crypto.kdfparams.N, file.crypto.kdfparams.r, file.crypto.kdfparams.p], [2 ** 17, 8, 1]);
    }
    assert.equal(new Set(files.map((f) => f.crypto.kdfparams.salt)).size, 1, "one derivation seals every key");
    const started = performance.now();
    const reopened = await openKeystore({ dir, passphrase: "pw" });
    const openMs = performance.now() - started;
    t.diagnostic(`open of 3 keys at N=2^17: ${openMs.toFixed(0)} ms`);
    assert.deepEqual(reopened.list(), ks.list());
  });

  it("refuses a key file whose label was changed: the label is authenticated", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    const key = await ks.create({ kind: "p256", label: "roaming encryption" });
    const path = join(dir, `p256-${key.kid}.json`);
    const file = await readJson(path);
    await writeFile(path, JSON.stringify({ ...file, label: "STI signing" }));
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), corrupt(path, /label or retiredAt was changed/));
  });

  it("refuses a retired key made active again by clearing retiredAt", async () => {
    const dir = await freshDir();
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    const key = await ks.create({ kind: "secp256k1", label: "old controller" });
    await ks.retire(key.kid);
    const path = join(dir, `secp256k1-${key.kid}.json`);
    const file = await readJson(path);
    assert.notEqual(file.retiredAt, null);
    await writeFile(path, JSON.stringify({ ...file, retiredAt: null }));
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), corrupt(path, /label or retiredAt was changed/));
  });

  it("opens version 1 files (N=2^15) and rewrites one as version 2 at N=2^17 when it is retired", async () => {
    const dir = await freshDir();
    const old = await writeVersion1File(dir, "pw", "member");
    const ks = await openKeystore({ dir, passphrase: "pw" });
    assert.equal(ks.account(old.address).address, old.address);
    await ks.retire(old.address);
    const migrated = await readJson(old.path);
    assert.equal(migrated.version, 2);
    assert.equal(migrated.crypto.kdfparams.N, 2 ** 17);
    assert.equal((await stat(old.path)).mode & 0o777, 0o600);
    const reopened = await openKeystore({ dir, passphrase: "pw" });
    assert.notEqual(reopened.info(old.address).retiredAt, null);
    await writeFile(old.path, JSON.stringify({ ...migrated, retiredAt: null }));
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), { code: "KEYSTORE_CORRUPT_FILE" });
  });

  it("refuses a directory or key file open to group or others, naming it and the chmod to run", async () => {
    const parent = await freshDir();
    const dir = join(parent, "keystore");
    const ks = await openKeystore({ dir, passphrase: "pw", scrypt: cheap });
    assert.equal((await stat(dir)).mode & 0o777, 0o700, "a new keystore directory is 0700");
    const key = await ks.create({ kind: "p256", label: "k" });
    const path = join(dir, `p256-${key.kid}.json`);
    assert.equal((await stat(path)).mode & 0o777, 0o600);

    const insecure = (target: string, chmodLine: string) => (error: unknown) => {
      assert.ok(error instanceof IdentityError, String(error));
      assert.equal(error.code, "KEYSTORE_INSECURE_PERMISSIONS");
      assert.ok(error.message.includes(target), error.message);
      assert.ok(error.message.includes(chmodLine), error.message);
      return true;
    };
    await chmod(path, 0o644);
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), insecure(path, `chmod 600 ${path}`));
    await chmod(path, 0o600);
    await chmod(dir, 0o750);
    await assert.rejects(openKeystore({ dir, passphrase: "pw" }), insecure(dir, `chmod 700 ${dir}`));
    await chmod(dir, 0o700);
    assert.equal((await openKeystore({ dir, passphrase: "pw" })).list().length, 1);

    // An existing directory someone created open (mkdir with the usual umask) is refused too, before any key is made.
    const shared = join(parent, "shared");
    await mkdir(shared, { mode: 0o755 });
    await chmod(shared, 0o755);
    await assert.rejects(openKeystore({ dir: shared, passphrase: "pw" }), insecure(shared, `chmod 700 ${shared}`));
    assert.deepEqual(await readdir(shared), []);
  });
});

// Encrypted wallet backup: a keystore exported under a backup passphrase shows nothing in clear, restores into an
// empty keystore with the same keys and signatures, and is refused (nothing written) for a wrong passphrase, a
// tampered file, a wrong keystore passphrase, or a key already present.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, describe, it } from "node:test";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { exportKeystoreBackup, importKeystoreBackup } from "../../src/core/identity/keystoreBackup.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const cheap = { N: 2 ** 10, r: 8, p: 1 };
const dirs: { remove(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.remove();
});
async function freshDir() {
  const d = await tempDir("telco-backup-");
  dirs.push(d);
  return d.path;
}

const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;

describe("keystore backup", () => {
  it("exports sealed, restores the same keys, and refuses what does not open without writing anything", async () => {
    const dir = await freshDir();
    const wallet = await openKeystore({ dir, passphrase: "keystore pass", scrypt: cheap });
    const controller = await wallet.create({ kind: "secp256k1", label: "Alice's phone" });
    const signing = await wallet.create({ kind: "p256", label: "Alice signing" });

    const backup = await exportKeystoreBackup(dir, "backup passphrase", cheap);
    const text = JSON.stringify(backup);
    for (const secret of [controller.kid, signing.kid, "Alice", controller.publicKeyHex.slice(4, 40)]) {
      assert.ok(!text.toLowerCase().includes(secret.toLowerCase()), `backup shows ${secret}`);
    }

    const target = await freshDir();
    await assert.rejects(
      importKeystoreBackup(backup, "wrong passphrase", target, "keystore pass"),
      code("BACKUP_UNREADABLE"),
    );
    const tampered = {
      ...backup,
      ciphertext: `${backup.ciphertext.slice(0, -2)}${backup.ciphertext.endsWith("00") ? "01" : "00"}`,
    };
    await assert.rejects(
      importKeystoreBackup(tampered, "backup passphrase", target, "keystore pass"),
      code("BACKUP_UNREADABLE"),
    );
    await assert.rejects(
      importKeystoreBackup(backup, "backup passphrase", target, "not the keystore pass"),
      code("KEYSTORE_WRONG_PASSPHRASE"),
    );
    assert.deepEqual(await readdir(target), [], "nothing written on a refusal");

    const restored = await importKeystoreBackup(backup, "backup passphrase", target, "keystore pass");
    assert.deepEqual(restored.sort(), [controller.kid, signing.kid].sort());
    const reopened = await openKeystore({ dir: target, passphrase: "keystore pass" });
    assert.deepEqual(reopened.list(), wallet.list());
    const message = { message: "recover me" };
    assert.equal(
      await reopened.account(controller.kid as `0x${string}`).signMessage(message),
      await wallet.account(controller.kid as `0x${string}`).signMessage(message),
    );
    await assert.rejects(
      importKeystoreBackup(backup, "backup passphrase", target, "keystore pass"),
      code("IDENTITY_INVALID_INPUT"),
    );
    await assert.rejects(
      importKeystoreBackup({ format: "x" }, "backup passphrase", target, "k"),
      code("BACKUP_UNREADABLE"),
    );
  });
});

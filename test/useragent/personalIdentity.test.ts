// The person's public identity in the wallet: one secp256k1 key made on the device, its did:ethr the holder of the ID
// files it prepares; a consent it signs is what the relying agent's check accepts (and only for the file, member and
// time it names); a digest it signs recovers to its address. No chain: the agent-side checks are the ones the
// assurance routes run (`consentProblem`).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { recoverMessageAddress } from "viem";
import { consentProblem, fingerprintOf } from "../../src/identity/assurance/idFile.ts";
import { openWallet } from "../../src/useragent/wallet.ts";

const dir = mkdtempSync(join(tmpdir(), "personal-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const scrypt = { N: 1024 };
const BANK = "0x00000000000000000000000000000000000000b1" as const;
const OTHER = "0x00000000000000000000000000000000000000c2" as const;

test("one public key per wallet: its did:ethr holds the ID file, its consent passes the relying agent's check", async () => {
  const wallet = await openWallet({ dir: join(dir, "alice"), passphrase: "alice", scrypt });
  const personal = wallet.personal();
  const address = await personal.address();
  assert.equal(await personal.address(), address, "made once");
  const reopened = await openWallet({ dir: join(dir, "alice"), passphrase: "alice", scrypt });
  assert.equal(await reopened.personal().address(), address, "kept sealed on the device");
  assert.equal(await personal.did(31_337_001), `did:ethr:0x1de2a29:${address.toLowerCase()}`);

  const file = await personal.idFile(31_337_001, { givenName: "Alice" }, []);
  assert.equal(file.holder, await personal.did(31_337_001));
  const now = Math.floor(Date.now() / 1000);
  const consent = await personal.consent(file, BANK, 600, now);
  assert.equal(consent.fingerprint, fingerprintOf(file));
  assert.equal(await consentProblem(consent, file, BANK, now), undefined);
  assert.equal(await consentProblem(consent, file, OTHER, now), "wrong-relying-member");
  assert.equal(await consentProblem(consent, file, BANK, now + 601), "expired");
  const other = await personal.idFile(31_337_001, { givenName: "Alice" }, []);
  assert.equal(await consentProblem(consent, other, BANK, now), "wrong-file", "a fresh salt is another file");

  const digest = `0x${"ab".repeat(32)}` as const;
  const signature = await personal.signDigest(digest);
  assert.equal(await recoverMessageAddress({ message: { raw: digest }, signature }), address);
});

test("refuses a consent for a file another wallet holds, a bad lifetime and a digest that is not 32 bytes", async () => {
  const alice = (await openWallet({ dir: join(dir, "alice2"), passphrase: "a", scrypt })).personal();
  const bob = (await openWallet({ dir: join(dir, "bob"), passphrase: "b", scrypt })).personal();
  const file = await alice.idFile(1, { givenName: "Alice" }, []);
  const now = Math.floor(Date.now() / 1000);
  await assert.rejects(bob.consent(file, BANK, 600, now), /file\.holder/);
  await assert.rejects(alice.consent(file, BANK, 0, now), /ttlSeconds/);
  await assert.rejects(alice.consent(file, BANK, 31 * 24 * 3600, now), /ttlSeconds/);
  await assert.rejects(alice.signDigest("0x1234"), /digest/);
  await assert.rejects(alice.did(0), /chainId/);
});

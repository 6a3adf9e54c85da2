// Native secp256k1 digest signatures: the keystore's signer signs an EIP-712-style digest as Ethereum does (low s, v
// from the nonce point, recovering to the account), survives a reopen, stops when the key is retired; the verifier
// accepts exactly the signatures of its key over their digest.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type Hex, recoverAddress } from "viem";
import { IdentityError } from "../../src/core/identity/errors.ts";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { digestVerifier, SECP256K1_N } from "../../src/core/identity/secp256k1Digest.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const dirs: { remove(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.remove();
});
const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}` as Hex;
const digestOf = (i: number) => hex(Buffer.from(i.toString(16).padStart(64, "7"), "hex"));

describe("native secp256k1 digest signatures", () => {
  it("sign as Ethereum does and verify against the public key; retired keys sign nothing", async () => {
    const d = await tempDir("telco-secp-");
    dirs.push(d);
    const ks = await openKeystore({ dir: d.path, passphrase: "pw", scrypt: { N: 2 ** 10 } });
    const info = await ks.create({ kind: "secp256k1", label: "member" });
    const address = info.address as Hex;
    const signer = ks.digestSigner(address);
    const other = ks.digestSigner((await ks.create({ kind: "secp256k1", label: "other" })).address as Hex);
    const verify = digestVerifier(signer.publicKey);
    for (let i = 0; i < 40; i++) {
      const digest = digestOf(i);
      const signature = hex(signer.sign(Buffer.from(digest.slice(2), "hex")));
      assert.equal(signature.length, 132);
      assert.ok(BigInt(`0x${signature.slice(66, 130)}`) <= SECP256K1_N >> 1n, "low s");
      assert.equal(await recoverAddress({ hash: digest, signature }), address, "v is the true recovery id");
      assert.ok(verify(digest, signature));
      assert.equal(verify(digestOf(i + 1000), signature), false, "another digest");
      const high =
        `0x${signature.slice(2, 66)}${(SECP256K1_N - BigInt(`0x${signature.slice(66, 130)}`)).toString(16).padStart(64, "0")}${signature.slice(130)}` as Hex;
      assert.equal(verify(digest, high), false, "the high-s twin is refused");
      assert.equal(verify(digest, hex(other.sign(Buffer.from(digest.slice(2), "hex")))), false, "another key");
    }
    assert.throws(() => signer.sign(new Uint8Array(31)), /digest/);
    const reopened = await openKeystore({ dir: d.path, passphrase: "pw" });
    const again = hex(reopened.digestSigner(address).sign(Buffer.from(digestOf(1).slice(2), "hex")));
    assert.equal(await recoverAddress({ hash: digestOf(1), signature: again }), address, "after a reopen");
    await ks.retire(address);
    assert.throws(
      () => signer.sign(Buffer.from(digestOf(2).slice(2), "hex")),
      (e: unknown) => e instanceof IdentityError && e.code === "KEY_RETIRED",
    );
  });
});

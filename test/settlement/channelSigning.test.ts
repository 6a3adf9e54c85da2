// Channel state signing without viem's pure-JS ECDSA: the EIP-712 digest computed directly (cached domain separator)
// equals viem's hashTypedData on random states, and the keystore's libsecp256k1 digest signer gives the contract's
// form (low s, v 27/28), the same bytes as the viem account (both RFC 6979), while the raw key never leaves the
// keystore. The devnet side (the contract's own stateDigest, close and challenge with states signed this way) is in
// channels.test.ts.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { inspect } from "node:util";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { type Address, type Hex, hashTypedData, recoverAddress } from "viem";
import { merkleLevels, merkleProof } from "../../src/core/chain/merkle.ts";
import { openKeystore } from "../../src/core/identity/keystore.ts";
import { MAX_PROOF, signExchange, signedDigestOf } from "../../src/settlement/channels/batchSignature.ts";
import { ChannelDigester } from "../../src/settlement/channels/digest.ts";
import { type ChannelState, isContractForm, NO_BATCH, typedState } from "../../src/settlement/channels/state.ts";
import { privateKeysOnDisk } from "../../testkit/identity.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const dirs: { remove(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.remove();
});

const big = (bytes: number) => BigInt(`0x${randomBytes(bytes).toString("hex")}`);
const hex = (bytes: number) => `0x${randomBytes(bytes).toString("hex")}` as Hex;
function randomState(): ChannelState {
  const depositA = big(1 + Math.floor(Math.random() * 31));
  const depositB = big(1 + Math.floor(Math.random() * 31));
  const balanceA = depositA / 3n;
  return {
    channelId: hex(32),
    version: big(1 + Math.floor(Math.random() * 8)),
    balanceA,
    balanceB: depositA + depositB - balanceA,
    depositA,
    depositB,
    isFinal: Math.random() < 0.5,
    batchId: Math.random() < 0.5 ? NO_BATCH : hex(32),
  };
}

describe("settlement: channel state digest and libsecp256k1 signing", () => {
  it("the directly computed digest equals viem's hashTypedData for random states and deployments", () => {
    for (let i = 0; i < 300; i++) {
      const chainId = i === 0 ? 1 : 1 + Math.floor(Math.random() * 2 ** 40);
      const contract = hex(20) as Address;
      const digester = new ChannelDigester(chainId, contract);
      const state =
        i === 1
          ? { ...randomState(), version: 0n, balanceA: 0n, balanceB: 0n, depositA: 0n, depositB: 0n }
          : randomState();
      assert.equal(digester.digestHex(state), hashTypedData(typedState(chainId, contract, state)), `state ${i}`);
    }
    // the same digester for many states: the cached domain is not disturbed by earlier digests
    const digester = new ChannelDigester(31337, "0x00000000000000000000000000000000000000c4");
    const states = Array.from({ length: 50 }, randomState);
    const once = states.map((s) => digester.digestHex(s));
    assert.deepEqual(
      states.map((s) => hashTypedData(typedState(31337, "0x00000000000000000000000000000000000000c4", s))),
      once,
    );
  });

  it("refuses a field outside its Solidity type, naming it", () => {
    const digester = new ChannelDigester(31337, "0x00000000000000000000000000000000000000c4");
    assert.throws(() => digester.digest({ ...randomState(), version: 2n ** 64n }), /version/);
    assert.throws(() => digester.digest({ ...randomState(), balanceA: -1n }), /balanceA/);
    assert.throws(() => digester.digest({ ...randomState(), depositB: 2n ** 256n }), /depositB/);
    assert.throws(() => digester.digest({ ...randomState(), channelId: "0xabcd" }), /channelId/);
  });

  it("the keystore's digest signer gives the contract's form, the viem account's bytes, and never the key", async () => {
    const dir = await tempDir("telco-chan-sign-");
    dirs.push(dir);
    const ks = await openKeystore({ dir: dir.path, passphrase: "channel signing", scrypt: { N: 2 ** 10 } });
    const key = await ks.create({ kind: "secp256k1", label: "member" });
    const address = key.address as Address;
    const sign = await ks.digestSigner(address);
    const account = ks.account(address);
    const viemSign = account.sign as NonNullable<typeof account.sign>;
    const digester = new ChannelDigester(31337, "0x00000000000000000000000000000000000000c4");
    let v27 = 0;
    for (let i = 0; i < 200; i++) {
      const digest = digester.digest(randomState());
      const signature = sign(digest);
      assert.ok(isContractForm(signature), signature);
      if (signature.endsWith("1b")) v27++;
      const hash = `0x${Buffer.from(digest).toString("hex")}` as Hex;
      assert.equal(await recoverAddress({ hash, signature }), address);
      if (i < 20) assert.equal(signature, await viemSign({ hash }));
    }
    assert.ok(v27 > 50 && v27 < 150, `both recovery ids occur (${v27} of 200 with v 27)`);
    // reopened from disk: the same signatures
    const reopened = await openKeystore({ dir: dir.path, passphrase: "channel signing" });
    const digest = digester.digest(randomState());
    assert.equal((await reopened.digestSigner(address))(digest), sign(digest));
    assert.throws(() => sign(new Uint8Array(31)), /digest/);
    // the raw key shows in no serialisation of the keystore or the signer
    const secrets = await privateKeysOnDisk(dir.path, "channel signing");
    assert.equal(secrets.length, 3); // one key, in hex, base64url and base64
    for (const text of [JSON.stringify(ks), inspect(ks, { depth: 5 }), String(sign), inspect(sign)]) {
      for (const secret of secrets) assert.ok(!text.toLowerCase().includes(secret.toLowerCase().replace(/^0x/, "")));
    }
    // only a usable secp256k1 key signs
    const p256 = await ks.create({ kind: "p256", label: "es256" });
    await assert.rejects(ks.digestSigner(p256.kid as Address), { code: "IDENTITY_INVALID_INPUT" });
    await assert.rejects(ks.digestSigner("0x0000000000000000000000000000000000000001"), { code: "KEY_NOT_FOUND" });
    const other = await ks.create({ kind: "secp256k1", label: "old" });
    await ks.retire(other.kid);
    await assert.rejects(ks.digestSigner(other.address as Address), { code: "KEY_RETIRED" });
  });

  it("signs an exchange once: every state's proof leads to the signed root, checked by OpenZeppelin's verifier", async () => {
    const dir = await tempDir("telco-chan-batch-");
    dirs.push(dir);
    const ks = await openKeystore({ dir: dir.path, passphrase: "batch signing", scrypt: { N: 2 ** 10 } });
    const address = (await ks.create({ kind: "secp256k1", label: "member" })).address as Address;
    const sign = await ks.digestSigner(address);
    const digester = new ChannelDigester(31337, "0x00000000000000000000000000000000000000c4");
    const channelId = hex(32);
    const toHex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}` as Hex;
    for (const count of [1, 2, 3, 4, 5, 7, 8, 31, 33, 64, 255, 256]) {
      const digests = Array.from({ length: count }, () => digester.digest(randomState()));
      let calls = 0;
      const signatures = await signExchange(digester, channelId, digests, async (d) => {
        calls++;
        return sign(d);
      });
      assert.equal(calls, 1, `one signature for ${count} states`);
      assert.equal(signatures.length, count);
      const levels = merkleLevels(digests);
      const root = toHex((levels.at(-1) as Uint8Array[])[0] as Uint8Array);
      for (const [i, signature] of signatures.entries()) {
        assert.ok(isContractForm(signature), `${count}/${i}: contract form`);
        const what = signedDigestOf(digester, channelId, digests[i] as Uint8Array, signature);
        assert.ok(what, `${count}/${i}: parsed`);
        assert.equal(await recoverAddress({ hash: toHex(what.signed), signature: toHex(what.rsv) }), address);
        if (count === 1) {
          assert.equal(signature.length, 132, "a lone state keeps the plain signature");
          continue;
        }
        assert.equal(toHex(what.signed), toHex(digester.batchDigest(channelId, Buffer.from(root.slice(2), "hex"))));
        const proof = merkleProof(levels, i).map(toHex);
        assert.ok(proof.length <= Math.ceil(Math.log2(count)));
        // an independent implementation of OZ's MerkleProof (the contract's hashing) accepts each proof
        assert.ok(SimpleMerkleTree.verify(root, toHex(digests[i] as Uint8Array), proof), `${count}/${i}: OZ verify`);
        // another state's digest with this proof leads elsewhere: it recovers someone else
        const other = signedDigestOf(digester, channelId, digests[(i + 1) % count] as Uint8Array, signature);
        assert.notEqual(toHex(other?.signed as Uint8Array), toHex(what.signed));
      }
    }
    // malformed: a ragged proof, one above MAX_PROOF words, a short signature
    const digest = digester.digest(randomState());
    const plain = sign(digest);
    assert.equal(signedDigestOf(digester, channelId, digest, `${plain}ab` as Hex), undefined);
    assert.equal(
      signedDigestOf(digester, channelId, digest, `${plain}${"ab".repeat(32 * (MAX_PROOF + 1))}` as Hex),
      undefined,
    );
    assert.equal(signedDigestOf(digester, channelId, digest, plain.slice(0, 130) as Hex), undefined);
    assert.ok(!isContractForm(`${plain}${"ab".repeat(32 * (MAX_PROOF + 1))}` as Hex));
    assert.ok(!isContractForm(`${plain}ab` as Hex));
  });
});

// The outbox's signer must produce byte for byte what viem's own signer produces (RFC 6979 signatures are
// deterministic), for both transaction types the outbox sends, and the WebAssembly Keccak must equal viem's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesToHex, keccak256 as viemKeccak256 } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hexToBytes, hexToUtf8 } from "../hexBytes.ts";
import { keccak256 } from "../keccak.ts";
import { signTransaction } from "./sign.ts";

describe("outbox signing", () => {
  const account = privateKeyToAccount(generatePrivateKey());
  const data = bytesToHex(new Uint8Array(200_000).map((_, i) => (i * 31) & 255));
  const base = { chainId: 31337, nonce: 7, gas: 30_000_000n, to: account.address, data, value: 0n };

  it("signs an EIP-1559 and a legacy transaction exactly as viem does", async () => {
    for (const transaction of [
      { ...base, type: "eip1559" as const, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n },
      { ...base, type: "legacy" as const, gasPrice: 1_000_000_000n },
    ]) {
      assert.equal(await signTransaction(account, transaction), await account.signTransaction(transaction));
    }
  });

  it("hashes like viem's keccak256, from hex or bytes, and refuses malformed hex", () => {
    for (const input of ["0x", "0x00", data] as const) {
      assert.equal(keccak256(input), viemKeccak256(input));
    }
    assert.equal(keccak256(new Uint8Array([1, 2, 3])), viemKeccak256(new Uint8Array([1, 2, 3])));
    assert.throws(() => keccak256("0xabc"), /even-length 0x-prefixed hex/);
    assert.throws(() => keccak256("0xzz" as `0x${string}`), /even-length 0x-prefixed hex/);
  });

  it("converts hex natively, refusing what is not even-length 0x hex instead of stopping at a bad digit", () => {
    assert.deepEqual([...hexToBytes("0x00ff10")], [0, 255, 16]);
    assert.equal(hexToUtf8("0x6579"), "ey");
    for (const bad of ["00ff", "0xabz0", "0xabc", "0x0g"]) assert.throws(() => hexToBytes(bad), /even-length/, bad);
  });
});

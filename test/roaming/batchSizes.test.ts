// Batch sizes follow the chain's block gas limit: each kind's batch is capped so its gas bound (exchange.ts) uses at
// most half a block, and the ciphertext bound used for that is checked against real sealed payloads.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { sealBatch } from "../../src/roaming/crypto/jwe.ts";
import { type EncryptionPublicJwk, thumbprintOf } from "../../src/roaming/crypto/jwk.ts";
import {
  BATCH_SHARE_OF_BLOCK_GAS,
  batchGasLimit,
  batchSizeWithin,
  sealedBytesBound,
} from "../../src/roaming/exchange.ts";
import { ANSWER_PLAINTEXT_BYTES, REQUEST_PLAINTEXT_BYTES } from "../../src/roaming/payloads.ts";

function recipient(): EncryptionPublicJwk {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { x, y } = pair.publicKey.export({ format: "jwk" }) as { x: string; y: string };
  return { kty: "EC", crv: "P-256", x, y, kid: thumbprintOf(x, y) };
}

describe("roaming batch sizes from the block gas limit", () => {
  it("bounds the sealed length of real requests and answers, without gross over-estimation", async () => {
    for (const padded of [REQUEST_PLAINTEXT_BYTES, ANSWER_PLAINTEXT_BYTES]) {
      const sealed = await sealBatch(
        recipient(),
        Array.from({ length: 20 }, (_, i) => ({ itemId: `0x${String(i).padStart(64, "0")}`, payload: { i } })),
        { paddedBytes: padded },
      );
      const longest = Math.max(...sealed.map((s) => Buffer.byteLength(s, "utf8")));
      assert.ok(longest <= sealedBytesBound(padded), `${longest} > bound ${sealedBytesBound(padded)}`);
      assert.ok(sealedBytesBound(padded) < longest * 1.5, `bound ${sealedBytesBound(padded)} vs ${longest}`);
    }
  });

  it("fits each kind's largest batch into half a 30M-gas block, and one more item would not fit", () => {
    const block = 30_000_000n;
    const sealed = "x".repeat(sealedBytesBound(REQUEST_PLAINTEXT_BYTES));
    const size = batchSizeWithin("request", 1000, block, sealed.length);
    assert.ok(size < 400, `a 30M-gas network gets fewer than the default 400 requests per batch (got ${size})`);
    assert.ok(batchGasLimit("request", size, Array(size).fill(sealed)) <= block / BATCH_SHARE_OF_BLOCK_GAS);
    assert.ok(batchGasLimit("request", size + 1, Array(size + 1).fill(sealed)) > block / BATCH_SHARE_OF_BLOCK_GAS);
    for (const kind of ["activation", "expiry"] as const) {
      const n = batchSizeWithin(kind, 10_000, block);
      assert.ok(batchGasLimit(kind, n) <= block / BATCH_SHARE_OF_BLOCK_GAS);
      assert.ok(batchGasLimit(kind, n + 1) > block / BATCH_SHARE_OF_BLOCK_GAS);
    }
  });

  it("keeps the configured size where blocks are large, and never goes below one item", () => {
    assert.equal(batchSizeWithin("request", 400, 150_000_000n, sealedBytesBound(REQUEST_PLAINTEXT_BYTES)), 400);
    assert.equal(batchSizeWithin("answer", 400, undefined), 400);
    assert.equal(batchSizeWithin("request", 400, 100_000n, 1000), 1);
  });
});

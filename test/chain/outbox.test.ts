// The outbox against a real anvil devnet and a real SQLite journal.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Address, decodeEventLog, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { TxRevertedError } from "../../src/core/chain/errors.ts";
import { createOutbox, type Outbox } from "../../src/core/chain/outbox/outbox.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { type TestChain, testChain } from "../../testkit/chainEnv.ts";
import { recorderArtifact } from "../../testkit/recorder.ts";

const artifact = recorderArtifact();
const record = (id: bigint): Hex => encodeFunctionData({ abi: artifact.abi, functionName: "record", args: [id] });

describe("transaction outbox", () => {
  let env: TestChain;
  let outbox: Outbox;
  let recorder: Address;
  const keys = keyring();
  const from = keys.addresses[0] as Address;

  before(async () => {
    env = await testChain("outbox");
    outbox = createOutbox({
      store: env.store,
      chain: env.client,
      accounts: keys,
      logger: env.logger,
      pollMs: 50,
      abis: [artifact.abi],
    });
    await outbox.start();
    const receipt = await outbox.send({
      from,
      data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode }),
      label: "deploy Recorder",
    });
    recorder = receipt.contractAddress as Address;
  });

  after(async () => {
    await outbox.stop();
    await env.close();
  });

  it("lets a zero-balance account transact on the zero-gas-price devnet", async () => {
    assert.equal(await env.client.getBalance({ address: from }), 0n);
    const receipt = await outbox.send({ from, to: recorder, data: record(1n), label: "record 1" });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.effectiveGasPrice, 0n);
  });

  it("journals the signed transaction before acknowledging it", async () => {
    const ticket = await outbox.submit({ from, to: recorder, data: record(2n), label: "record 2" });
    const row = await env.store.one<{ raw_tx: string; tx_hash: string; nonce: number; label: string }>(
      "SELECT raw_tx, tx_hash, nonce, label FROM chain_outbox WHERE id = $1",
      [ticket.id],
    );
    assert.ok(row, "the acknowledged write is in the journal");
    assert.equal(row.tx_hash, ticket.hash);
    assert.equal(Number(row.nonce), ticket.nonce);
    assert.equal(row.label, "record 2");
    assert.match(row.raw_tx, /^0x[0-9a-f]+$/);
    const receipt = await outbox.waitMined(ticket.id);
    assert.equal(receipt.transactionHash, ticket.hash);
    assert.equal((await outbox.entry(ticket.id))?.status, "mined");
  });

  it("rejects a reverting write with the decoded custom error and journals nothing", async () => {
    const before = await env.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM chain_outbox");
    await assert.rejects(
      outbox.submit({ from, to: recorder, data: record(1n), label: "record 1 again" }),
      (error: unknown) => {
        assert.ok(error instanceof TxRevertedError);
        assert.equal(error.code, "TX_REVERTED");
        assert.equal(error.errorName, "AlreadyRecorded");
        assert.deepEqual(error.errorArgs, [1n, from]);
        assert.match(error.message, /record 1 again.*AlreadyRecorded\(1, /);
        return true;
      },
    );
    const afterCount = await env.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM chain_outbox");
    assert.equal(Number(afterCount?.n), Number(before?.n));
  });

  it("rejects a malformed request naming the field, journalling nothing", async () => {
    await assert.rejects(outbox.submit({ from, to: "0x1234" as Address, data: "0x", label: "x" }), {
      code: "TX_REQUEST_INVALID",
      field: "to",
    });
    await assert.rejects(outbox.submit({ from, to: recorder, data: "nothex" as Hex, label: "x" }), {
      field: "data",
    });
    await assert.rejects(outbox.submit({ from, to: recorder, data: record(9n), label: " " }), { field: "label" });
  });

  it("uses a caller's gas limit without an estimate; a revert then shows when mined", async () => {
    const receipt = await outbox.send({ from, to: recorder, data: record(31n), gas: 150_000n, label: "record 31" });
    const tx = await env.client.getTransaction({ hash: receipt.transactionHash });
    assert.equal(tx.gas, 150_000n, "the given limit, not estimate x 1.25");
    await assert.rejects(
      outbox.send({ from, to: recorder, data: record(31n), gas: 150_000n, label: "record 31 again" }),
      {
        name: "TxFailedError",
      },
    );
    await assert.rejects(outbox.submit({ from, to: recorder, data: record(32n), gas: 20_999n, label: "x" }), {
      field: "gas",
    });
  });

  it("assigns gap-free nonces to hundreds of concurrent submits from many callers", async () => {
    const senders = keyring(Array.from({ length: 3 }, (_, i) => `0x${(i + 11).toString(16).padStart(64, "0")}` as Hex));
    const concurrent = createOutbox({
      store: env.store,
      chain: env.client,
      accounts: senders,
      logger: env.logger,
      pollMs: 50,
      abis: [artifact.abi],
    });
    await concurrent.start();
    const started = Date.now();
    const tickets = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        concurrent.submit({
          from: senders.addresses[i % 3] as Address,
          to: recorder,
          data: record(10_000n + BigInt(i)),
          label: `record ${10_000 + i}`,
        }),
      ),
    );
    const submitMs = Date.now() - started;
    for (const sender of senders.addresses) {
      const nonces = tickets
        .filter((_, i) => senders.addresses[i % 3] === sender)
        .map((t) => t.nonce)
        .sort((a, b) => a - b);
      assert.deepEqual(
        nonces,
        Array.from({ length: 100 }, (_, i) => i),
        `nonces of ${sender} are 0..99`,
      );
    }
    const receipts = await Promise.all(tickets.map((t) => concurrent.waitMined(t.id)));
    assert.ok(receipts.every((r) => r.status === "success"));
    const count = await env.client.readContract({ address: recorder, abi: artifact.abi, functionName: "count" });
    assert.ok((count as bigint) >= 300n);
    const log = receipts[0]?.logs[0];
    assert.ok(log);
    const event = decodeEventLog({ abi: artifact.abi, data: log.data, topics: log.topics });
    assert.equal(event.eventName, "Recorded");
    console.log(`300 concurrent submits journalled in ${submitMs} ms`);
    await concurrent.stop();
  });
});

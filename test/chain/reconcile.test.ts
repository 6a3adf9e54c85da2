// Outbox reconciliation against a real anvil devnet: a write journalled as mined whose block the chain drops
// (evm_revert, as a restore or a reorganisation would) is sent again, with its own bytes while its nonce is free, or
// signed again under a new nonce when another transaction took it; afterwards its receipt exists and the read model
// (an indexer following the chain, told to reconcile on each rewind as the agent is) shows it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { createIndexer, type Indexer, type Projection } from "../../src/core/chain/indexer/indexer.ts";
import { chainMigrations } from "../../src/core/chain/migrations.ts";
import { createOutbox, type Outbox } from "../../src/core/chain/outbox/outbox.ts";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { type TestChain, testChain } from "../../testkit/chainEnv.ts";
import { waitUntil } from "../../testkit/eventually.ts";
import { recorderArtifact } from "../../testkit/recorder.ts";

const artifact = recorderArtifact();
const record = (id: bigint): Hex => encodeFunctionData({ abi: artifact.abi, functionName: "record", args: [id] });

describe("outbox reconciliation after the chain lost mined writes", () => {
  let env: TestChain;
  let store: Store;
  let outbox: Outbox;
  let index: Indexer;
  let recorder: Address;
  const keys = keyring([generatePrivateKey()]);
  const from = keys.addresses[0] as Address;
  const projection: Projection = {
    name: "test_recorded",
    tables: ["test_recorded"],
    async handle(event, tx) {
      await tx.exec("INSERT INTO test_recorded (id, tx) VALUES ($1, $2)", [String(event.args.id), event.txHash]);
    },
  };
  const newOutbox = () =>
    createOutbox({ store, chain: env.client, accounts: keys, logger: env.logger, pollMs: 50, abis: [artifact.abi] });
  const recorded = async () =>
    (await store.query<{ id: string }>("SELECT id FROM test_recorded")).map((r) => Number(r.id)).sort((a, b) => a - b);
  const seen = (id: bigint): Promise<boolean> =>
    env.client
      .readContract({ address: recorder, abi: artifact.abi, functionName: "seen", args: [id] })
      .then((value) => value === true);
  const snapshot = async () => (await env.client.request({ method: "evm_snapshot" as never })) as Hex;
  const revert = (id: Hex) => env.client.request({ method: "evm_revert" as never, params: [id] as never });

  before(async () => {
    env = await testChain("reconcile");
    store = await openStore({
      sqliteFile: join(env.dir, "read-model.sqlite"),
      migrations: [
        ...chainMigrations,
        { id: "9000_test_recorded", sql: "CREATE TABLE test_recorded (id TEXT PRIMARY KEY, tx TEXT NOT NULL)" },
      ],
    });
    outbox = newOutbox();
    await outbox.start();
    const deployed = await outbox.send({
      from,
      data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode }),
      label: "deploy Recorder",
    });
    recorder = deployed.contractAddress as Address;
    index = createIndexer({
      store,
      chain: env.client,
      sources: [{ name: "Recorder", address: recorder, abi: artifact.abi, fromBlock: Number(deployed.blockNumber) }],
      projections: [projection],
      logger: env.logger,
      pollMs: 50,
    });
    // As the agent wires them: a rewind makes the outbox check what it journalled as mined.
    index.onRewind(() => {
      outbox.reconcile().catch(() => undefined);
    });
    await index.start();
  });

  after(async () => {
    await index.stop();
    await outbox.stop();
    await store.close();
    await env.close();
  });

  it("sends a mined write again with its own bytes when the chain drops its block and its nonce is free", async () => {
    const before = await snapshot();
    const ticket = await outbox.submit({ from, to: recorder, data: record(1n), label: "record 1" });
    const mined = await outbox.waitMined(ticket.id);
    await waitUntil("the read model to show 1", async () => (await recorded()).includes(1), 10_000, 20);
    assert.equal((await outbox.entry(ticket.id))?.status, "mined");

    await revert(before);
    assert.equal(await seen(1n), false, "the revert dropped the write");
    await waitUntil("the outbox to mine 1 again", async () => seen(1n), 15_000, 50);
    const receipt = await env.client.getTransactionReceipt({ hash: ticket.hash });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.transactionHash, mined.transactionHash, "the same signed transaction, mined again");
    await waitUntil("the read model to show 1 again", async () => (await recorded()).includes(1), 10_000, 20);
    assert.ok(outbox.stats().resent >= 1, `counted as sent again: ${JSON.stringify(outbox.stats())}`);
  });

  it("signs a lost write again under a new nonce when another transaction took its nonce", async () => {
    const before = await snapshot();
    const ticket = await outbox.submit({ from, to: recorder, data: record(2n), label: "record 2" });
    await outbox.waitMined(ticket.id);
    await waitUntil("the read model to show 2", async () => (await recorded()).includes(2), 10_000, 20);
    // The watch is stopped while the chain is changed under it, so the reconciliation at start does the work.
    await outbox.stop();
    await revert(before);
    // The same key spends nonce `ticket.nonce` on another call, outside this outbox (a key used elsewhere).
    const foreign = await keys.account(from).signTransaction({
      chainId: env.client.chain.id,
      type: "legacy",
      nonce: ticket.nonce,
      gas: 200_000n,
      gasPrice: 0n,
      to: recorder,
      data: record(3n),
    });
    const foreignHash = await env.client.sendRawTransaction({ serializedTransaction: foreign });
    assert.equal((await env.client.waitForTransactionReceipt({ hash: foreignHash })).status, "success");
    assert.equal(await seen(2n), false);

    outbox = newOutbox();
    await outbox.start();
    await outbox.drain(15_000);
    const entry = await outbox.entry(ticket.id);
    assert.ok(entry, "the acknowledged id is kept");
    assert.equal(entry.status, "mined");
    assert.notEqual(entry.hash, ticket.hash, "signed again: another hash");
    assert.ok(entry.nonce > ticket.nonce, `under a new nonce (${entry.nonce} > ${ticket.nonce})`);
    const receipt = await env.client.getTransactionReceipt({ hash: entry.hash });
    assert.equal(receipt.status, "success");
    assert.equal(await seen(2n), true, "the write has its effect again");
    await waitUntil(
      "the read model to show 2 and 3",
      async () => {
        const ids = await recorded();
        return ids.includes(2) && ids.includes(3);
      },
      10_000,
      20,
    );
    assert.deepEqual(await recorded(), [1, 2, 3]);
    const stats = outbox.stats();
    assert.equal(stats.resigned, 1, JSON.stringify(stats));
    assert.ok(stats.receiptsChecked >= 2, "every entry journalled as mined was checked");
    assert.match(env.logger.text(), /"record 2" was mined but the chain lost it and its nonce \d+ went to another/);
  });
});

// The event indexer against a real devnet and SQLite: exactly-once projection across restarts, failed ranges and a
// devnet restored from an older state (the same transactions mined again into other blocks).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type Address,
  BlockNotFoundError,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  HttpRequestError,
  pad,
  toHex,
} from "viem";
import { generatePrivateKey } from "viem/accounts";
import { checkStateFile } from "../../src/core/chain/devnet/state-files.ts";
import { ChainError } from "../../src/core/chain/errors.ts";
import { type ChainEvent, createIndexer, journalArgs, type Projection } from "../../src/core/chain/indexer/indexer.ts";
import { chainMigrations } from "../../src/core/chain/migrations.ts";
import { createOutbox, type Outbox } from "../../src/core/chain/outbox/outbox.ts";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { type TestChain, testChain } from "../../testkit/chainEnv.ts";
import { recorderArtifact } from "../../testkit/recorder.ts";

const artifact = recorderArtifact();
const readModel = {
  id: "9000_test_recorded",
  sql: "CREATE TABLE test_recorded (id TEXT PRIMARY KEY, tx TEXT NOT NULL)",
};

describe("event indexer", () => {
  let env: TestChain;
  let store: Store;
  let outbox: Outbox;
  let recorder: Address;
  let deployBlock: number;
  let failOn: string | undefined;
  const keys = keyring([generatePrivateKey(), generatePrivateKey(), generatePrivateKey()]);
  const from = keys.addresses[0] as Address;
  // A plain INSERT: applying an event twice would throw on the primary key.
  const projection: Projection = {
    name: "test_recorded",
    tables: ["test_recorded"],
    async handle(event, tx) {
      if (event.args.id?.toString() === failOn) throw new Error(`projection fails on ${failOn}`);
      await tx.exec("INSERT INTO test_recorded (id, tx) VALUES ($1, $2)", [String(event.args.id), event.txHash]);
    },
  };
  // A writer on a competing fork keeps its own journal: an outbox reconciles every sender of its journal at start, so one
  // sharing this journal would send the writes the fork dropped (journalled here as mined) again on the fork.
  let forks = 0;
  const forkWriter = async (chain: TestChain["client"]) => {
    const journal = await openStore({
      sqliteFile: join(env.dir, `fork-${++forks}.sqlite`),
      migrations: chainMigrations,
    });
    const writer = createOutbox({ store: journal, chain, accounts: keys, logger: env.logger, pollMs: 50 });
    await writer.start();
    return {
      send: writer.send,
      async stop() {
        await writer.stop();
        await journal.close();
      },
    };
  };
  const indexer = () =>
    createIndexer({
      store,
      chain: env.client,
      sources: [{ name: "Recorder", address: recorder, abi: artifact.abi, fromBlock: deployBlock }],
      projections: [projection],
      logger: env.logger,
      maxRange: 3,
    });
  const recorded = async () =>
    (await store.query<{ id: string }>("SELECT id FROM test_recorded")).map((r) => Number(r.id)).sort((a, b) => a - b);
  const write = (label: string, functionName: "record" | "recordMany", args: readonly unknown[]) =>
    outbox.send({ from, to: recorder, data: encodeFunctionData({ abi: artifact.abi, functionName, args }), label });

  before(async () => {
    env = await testChain("indexer", { stateIntervalSeconds: 1, goodCopyIntervalMs: 600_000 });
    store = await openStore({
      sqliteFile: join(env.dir, "read-model.sqlite"),
      migrations: [...chainMigrations, readModel],
    });
    outbox = createOutbox({
      store,
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
    deployBlock = Number(receipt.blockNumber);
  });

  after(async () => {
    await outbox.stop();
    await store.close();
    await env.close();
  });

  it("applies each event once, in bounded ranges, and tells in-memory subscribers after commit", async () => {
    for (const id of [1n, 2n, 3n]) await write(`record ${id}`, "record", [id]);
    await write("record many", "recordMany", [[4n, 5n, 6n]]);
    const seen: ChainEvent[] = [];
    const first = indexer();
    first.onEvent((event) => seen.push(event));
    assert.equal(await first.syncOnce(), 6);
    assert.deepEqual(await recorded(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(
      seen.filter((e) => e.args.id !== undefined && (e.args.id as bigint) >= 4n).map((e) => e.txLogPosition),
      [0, 1, 2],
      "three logs of one transaction get positions 0, 1, 2",
    );
    assert.equal(await first.lag(), 0);
  });

  it("applies nothing twice when restarted, and resumes with new events", async () => {
    assert.equal(await indexer().syncOnce(), 0);
    await write("record 7", "record", [7n]);
    assert.equal(await indexer().syncOnce(), 1);
    assert.deepEqual(await recorded(), [1, 2, 3, 4, 5, 6, 7]);
  });

  it("rolls back a whole range when a projection fails, then applies it exactly once", async () => {
    await write("record 8", "record", [8n]);
    await write("record 9", "record", [9n]);
    failOn = "9";
    await assert.rejects(indexer().syncOnce(), /projection fails on 9/);
    assert.deepEqual(await recorded(), [1, 2, 3, 4, 5, 6, 7], "8 was rolled back with 9's range");
    failOn = undefined;
    assert.equal(await indexer().syncOnce(), 2);
    assert.deepEqual(await recorded(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("halves its block range when the node refuses a range's logs, and still applies every event once", async () => {
    // A node (or the client's response-size cap) that refuses eth_getLogs over more than two blocks.
    let refused = 0;
    const limited = new Proxy(env.client, {
      get(target, property, receiver) {
        if (property !== "request") return Reflect.get(target, property, receiver);
        return async (args: { method: string; params: Array<{ fromBlock: Hex; toBlock: Hex }> }) => {
          const range = args.params[0];
          if (args.method === "eth_getLogs" && range && BigInt(range.toBlock) - BigInt(range.fromBlock) >= 2n) {
            refused++;
            throw new Error("query returned more than 10000 results");
          }
          return target.request(args as Parameters<typeof target.request>[0]);
        };
      },
    });
    const seen: number[] = [];
    const narrow = createIndexer({
      store,
      chain: limited,
      sources: [{ name: "Recorder", address: recorder, abi: artifact.abi, fromBlock: deployBlock }],
      projections: [{ name: "seen", tables: [], handle: async (event) => void seen.push(Number(event.args.id)) }],
      name: "narrow",
      maxRange: 64,
      logger: env.logger,
    });
    const applied = await narrow.syncOnce();
    assert.ok(refused > 0, "the wide ranges were refused");
    assert.equal(applied, seen.length);
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      await recorded(),
    );
    assert.match(env.logger.text(), /log range too large for one request: halving it/);
  });

  it("rewinds after the devnet restored an older state and projects the re-mined transactions again", async () => {
    const head = await env.devnet.headBlock();
    const waitDump = async (block: number) => {
      for (;;) {
        const check = await checkStateFile(env.devnet.stateFile);
        if (check?.ok && check.blockNumber >= block) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitDump(head);
    await env.devnet.checkpoint();
    await write("record 10", "record", [10n]);
    await write("record 11", "record", [11n]);
    const index = indexer();
    assert.equal(await index.syncOnce(), 2);
    const headBefore = await env.devnet.headBlock();
    await waitDump(headBefore);
    // Lose the last two blocks: the node comes back from the good copy taken before them.
    await env.devnet.kill9ForTest({ superviseRestart: false });
    const good = await checkStateFile(join(env.dir, "devnet", "state.good.1.json"));
    assert.ok(good?.ok);
    assert.equal(good.blockNumber, head, "the good copy predates records 10 and 11");
    const { copyFile } = await import("node:fs/promises");
    await copyFile(join(env.dir, "devnet", "state.good.1.json"), env.devnet.stateFile);
    await env.devnet.restart();
    await outbox.drain(30_000);
    await write("record 12", "record", [12n]);
    assert.ok((await env.devnet.headBlock()) > headBefore, "the re-mined chain grew past the old head");
    // 10 and 11 were undone with their dropped blocks, then projected again from the blocks that re-mined them.
    assert.equal(await index.syncOnce(), 3, "10 and 11 again, and 12");
    assert.match(env.logger.text(), /chain changed below the indexer cursor \(reorganisation or devnet restored\)/);
    assert.match(env.logger.text(), /undid 2 read-model changes of dropped blocks/);
    assert.deepEqual(await recorded(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("undoes what dropped blocks projected when the chain reorganises onto other blocks", async () => {
    const index = indexer();
    await index.syncOnce();
    const rewinds: number[] = [];
    index.onRewind((fromBlock) => {
      rewinds.push(fromBlock);
    });
    const base = await recorded();
    const snapshot = (await env.client.request({ method: "evm_snapshot" as never })) as Hex;
    const dropped = Number((await write("record 30", "record", [30n])).blockNumber);
    await write("record 31", "record", [31n]);
    assert.equal(await index.syncOnce(), 2);
    assert.deepEqual(await recorded(), [...base, 30, 31]);
    // The fork: the blocks of 30 and 31 are replaced by others holding only 32 and 33, written by another writer with
    // its own journal (evm_revert drops the blocks as a competing fork would; this outbox, stopped, sends nothing).
    await env.client.request({ method: "evm_revert" as never, params: [snapshot] as never });
    await outbox.stop();
    const forker = keys.addresses[2] as Address;
    const fork = await forkWriter(env.client);
    await fork.send({
      from: forker,
      to: recorder,
      data: encodeFunctionData({ abi: artifact.abi, functionName: "record", args: [32n] }),
      label: "record 32 on the fork",
    });
    await fork.send({
      from: forker,
      to: recorder,
      data: encodeFunctionData({ abi: artifact.abi, functionName: "record", args: [33n] }),
      label: "record 33 on the fork",
    });
    await fork.stop();
    assert.equal(await index.syncOnce(), 2, "32 and 33 from the fork");
    assert.deepEqual(await recorded(), [...base, 32, 33], "30 and 31 are gone with their blocks");
    assert.deepEqual(rewinds, [dropped], "subscribers were told where the chain changed");
    await outbox.start();
  });

  it("reads a range again when the chain reorganises between its logs and its last header", async () => {
    const index = indexer();
    await index.syncOnce();
    const base = await recorded();
    const snapshot = (await env.client.request({ method: "evm_snapshot" as never })) as Hex;
    await write("record 60", "record", [60n]);
    await write("record 61", "record", [61n]);
    await outbox.stop();
    // The node answers the range's logs from the old chain, then is restored and mines another fork of the same
    // height before the indexer reads the range's last header (as a devnet restore racing a sync did).
    let forked = false;
    const racing = new Proxy(env.client, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== "request") return value;
        return async (args: { method: string }) => {
          const answer = await value.call(target, args);
          if (args.method === "eth_getLogs" && !forked) {
            forked = true;
            await target.request({ method: "evm_revert" as never, params: [snapshot] as never });
            const fork = await forkWriter(target);
            for (const value of [62n, 63n]) {
              await fork.send({
                from: keys.addresses[2] as Address,
                to: recorder,
                data: encodeFunctionData({ abi: artifact.abi, functionName: "record", args: [value] }),
                label: `record ${value} on the fork`,
              });
            }
            await fork.stop();
          }
          return answer;
        };
      },
    });
    const raced = createIndexer({
      store,
      chain: racing,
      sources: [{ name: "Recorder", address: recorder, abi: artifact.abi, fromBlock: deployBlock }],
      projections: [projection],
      logger: env.logger,
    });
    await raced.syncOnce();
    assert.ok(forked, "the fork happened during the sync");
    // Before the fix: 60 and 61 from the dropped blocks, checkpointed under the fork's hash, and 62, 63 never read.
    assert.deepEqual(await recorded(), [...base, 62, 63], "the range is the fork's");
    await outbox.start();
  });

  it("reports a node that does not answer as CHAIN_UNAVAILABLE, not as the transport's raw error", async () => {
    const down = new Proxy(env.client, {
      get(target, property, receiver) {
        if (property !== "request" && property !== "getBlockNumber") return Reflect.get(target, property, receiver);
        return async () => {
          throw new HttpRequestError({ url: "http://127.0.0.1:9/", body: {}, details: "fetch failed" });
        };
      },
    });
    const cut = createIndexer({
      store,
      chain: down,
      sources: [{ name: "Recorder", address: recorder, abi: artifact.abi, fromBlock: deployBlock }],
      projections: [projection],
      logger: env.logger,
    });
    await assert.rejects(cut.syncOnce(), (error: unknown) => {
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, "CHAIN_UNAVAILABLE");
      return true;
    });
  });

  it("syncs again when a block the head promised vanished during the sync (the node went back meanwhile)", async () => {
    const index = indexer();
    await index.syncOnce();
    await write("record 40", "record", [40n]);
    const head = await env.client.getBlockNumber({ cacheTime: 0 });
    let vanished = 0;
    const movingBack = new Proxy(env.client, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== "getBlock") return value;
        return async (args: { blockNumber?: bigint }) => {
          if (args?.blockNumber === head && vanished === 0) {
            vanished++;
            throw new BlockNotFoundError({ blockNumber: head });
          }
          return value.call(target, args);
        };
      },
    });
    const moved = createIndexer({
      store,
      chain: movingBack,
      sources: [{ name: "Recorder", address: recorder, abi: artifact.abi, fromBlock: deployBlock }],
      projections: [projection],
      logger: env.logger,
    });
    assert.equal(await moved.syncOnce(), 1, "40 indexed by the sync that followed");
    assert.equal(vanished, 1);
    assert.ok((await recorded()).includes(40));
    assert.match(env.logger.text(), /could not be found.*: the chain went back during the sync/);
  });

  it("journals an event's arguments, recording byte strings over 256 bytes by their size", () => {
    const long = `0x${"ab".repeat(257)}` as const;
    const edge = `0x${"cd".repeat(256)}` as const;
    assert.deepEqual(JSON.parse(journalArgs({ id: 5n, who: "0x01", edge, ciphertext: long })), {
      id: "5",
      who: "0x01",
      edge,
      ciphertext: { omitted: "257 bytes, in the transaction's log" },
    });
  });

  it("indexes only the logs that match one of a source's topic filters, each once when the filters overlap", async () => {
    const other = keys.addresses[1] as Address;
    await write("record 21", "record", [21n]);
    await outbox.send({
      from: other,
      to: recorder,
      data: encodeFunctionData({ abi: artifact.abi, functionName: "recordMany", args: [[22n, 23n]] }),
      label: "record 22, 23 by another account",
    });
    const seen: ChainEvent[] = [];
    const filtered = createIndexer({
      store,
      chain: env.client,
      sources: [
        {
          name: "Recorder",
          address: recorder,
          abi: artifact.abi,
          fromBlock: deployBlock,
          // Recorded(id, by): logs by the other account, or of id 23 (also by it: the filters overlap there).
          topics: [
            [null, null, pad(other.toLowerCase() as Hex)],
            [null, toHex(23n, { size: 32 })],
          ],
        },
      ],
      projections: [{ name: "seen", tables: [], handle: async (event) => void seen.push(event) }],
      name: "filtered",
      logger: env.logger,
    });
    assert.equal(await filtered.syncOnce(), 2);
    assert.deepEqual(
      seen.map((e) => [Number(e.args.id), e.txLogPosition]),
      [
        [22, 0],
        [23, 1],
      ],
      "only the other account's logs, 23 once, positions counted among the indexed logs",
    );
  });
});

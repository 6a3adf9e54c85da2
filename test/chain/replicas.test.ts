// Several processes of one member on one PostgreSQL database (docs/scaling.md): each journals writes, exactly one
// (the holder of the advisory lock) sends them. The leader is killed -9 in the middle of a burst written through all
// three: no acknowledged write may be lost, none may be sent twice, and a follower must take over.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import pg from "pg";
import { type Address, encodeDeployData, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { electLeader } from "../../src/core/chain/leader.ts";
import { createOutbox } from "../../src/core/chain/outbox/outbox.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { type TestChain, testChain } from "../../testkit/chainEnv.ts";
import { waitForProgress, waitUntil } from "../../testkit/eventually.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";
import { recorderArtifact } from "../../testkit/recorder.ts";
import type { ReplicaWriterConfig } from "../../testkit/replicaWriter.ts";

const artifact = recorderArtifact();
const writerScript = join(import.meta.dirname, "..", "..", "testkit", "replicaWriter.ts");
const BURST = 200;

async function linesOf(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").filter((line) => line.trim() !== "");
}

const ackedIds = async (file: string) => (await linesOf(file)).filter((l) => /^\d+$/.test(l)).map(Number);
/**
 * How long the bursts and the settling may go without any progress before the test calls it a stall. Their total time
 * follows the machine (about 10 s idle, minutes on a CI runner at load 20-50), so the waits below measure progress.
 */
const STALL_MS = 60_000;

describe("replicas of one member on one PostgreSQL database", () => {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("elects one leader; a follower takes the lock when the leader's session ends", async () => {
    const postgres = await startTestPostgres();
    cleanups.push(() => postgres.stop());
    const lost: Error[] = [];
    const scope = privateKeyToAddress(generatePrivateKey());
    const first = await electLeader({ databaseUrl: postgres.url, scope, replicaId: "a", onLost: (e) => lost.push(e) });
    const second = await electLeader({ databaseUrl: postgres.url, scope, replicaId: "b", onLost: (e) => lost.push(e) });
    const other = await electLeader({
      databaseUrl: postgres.url,
      scope: privateKeyToAddress(generatePrivateKey()),
      replicaId: "c",
      onLost: (e) => lost.push(e),
    });
    cleanups.push(async () => {
      for (const l of [first, second, other]) await l.stop();
    });
    assert.equal(first.isLeader(), true, "the first replica takes the free lock");
    assert.equal(second.isLeader(), false, "the second follows");
    assert.equal(other.isLeader(), true, "another member's replicas have their own election");
    const promoted = new Promise<boolean>((resolve) => second.onChange(resolve));
    // The leader's session is ended from outside, as PostgreSQL does when its process dies.
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'telco-ledger replica a'",
    );
    await admin.end();
    assert.equal(await promoted, true, "the follower became leader");
    await waitUntil("the old leader notices it lost the lock", async () => lost.length === 1, 10_000, 20);
    assert.equal(first.isLeader(), false);
  });

  it("loses no acknowledged write and sends none twice when the leader is killed -9 mid-burst", async () => {
    const env: TestChain = await testChain("replicas");
    cleanups.push(() => env.close());
    const postgres: TestPostgres = await startTestPostgres();
    cleanups.push(() => postgres.stop());
    const deployer = keyring();
    const deployed = await createOutbox({
      store: env.store,
      chain: env.client,
      accounts: deployer,
      logger: env.logger,
    }).send({
      from: deployer.addresses[0] as Address,
      data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode }),
      label: "deploy Recorder",
    });
    const recorder = deployed.contractAddress as Address;
    const key = generatePrivateKey();
    const sender = privateKeyToAddress(key);
    const roleFile = join(env.dir, "roles.txt");
    const startFile = join(env.dir, "go");
    const replicas = ["a", "b", "c"].map((replicaId, i) => {
      const config: ReplicaWriterConfig = {
        rpcUrl: env.devnet.rpcUrl,
        chainId: env.devnet.chainId,
        databaseUrl: postgres.url,
        replicaId,
        ackFile: join(env.dir, `acks-${replicaId}.txt`),
        roleFile,
        startFile,
        recorder,
        key,
        firstId: i * 10_000,
        count: BURST,
        concurrency: 8,
      };
      return { config, child: undefined as ChildProcess | undefined, out: "" };
    });
    const launch = (replica: (typeof replicas)[number]) => {
      const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", writerScript], {
        env: { ...process.env, REPLICA_WRITER: JSON.stringify(replica.config) },
        stdio: ["ignore", "pipe", "inherit"],
      });
      child.stdout?.on("data", (chunk) => {
        replica.out += chunk;
      });
      children.push(child);
      replica.child = child;
    };
    const [a, b, c] = replicas as [(typeof replicas)[0], (typeof replicas)[0], (typeof replicas)[0]];
    // "a" first, so that it leads; the others join once it does.
    launch(a);
    await waitUntil("replica a leads", async () => (await linesOf(roleFile)).some((l) => l.startsWith("a leader")));
    launch(b);
    launch(c);
    await waitUntil("every replica joined", async () => (await linesOf(roleFile)).length >= 3, 120_000, 20);
    await writeFile(startFile, "go\n");
    const ackCounts = () => Promise.all(replicas.map(async (r) => (await ackedIds(r.config.ackFile)).length));
    await waitForProgress(
      "30 acknowledged writes through each replica",
      async () => {
        const counts = await ackCounts();
        return {
          done: counts.every((n) => n >= 30),
          progress: counts.join("/"),
          state: () => `acks ${counts.join("/")}`,
        };
      },
      STALL_MS,
      10,
    );
    const gone = new Promise((resolve) => a.child?.once("exit", resolve));
    // Taken before the signal: PostgreSQL frees the dead leader's lock as soon as its socket closes, and a follower
    // can take over before this process even sees the exit event.
    const killedAt = Date.now();
    a.child?.kill("SIGKILL");
    await gone;
    const ackedByAAtKill = (await ackedIds(a.config.ackFile)).length;
    const ackedByFollowersAtKill =
      (await ackedIds(b.config.ackFile)).length + (await ackedIds(c.config.ackFile)).length;
    assert.ok(ackedByAAtKill < BURST, "the leader was killed in the middle of its burst");
    assert.ok(ackedByFollowersAtKill < 2 * BURST, "the followers were still writing");

    await waitForProgress(
      "the followers finish their bursts",
      async () => {
        const counts = await ackCounts();
        const done = b.out.includes("submitted") && c.out.includes("submitted");
        return { done, progress: counts.join("/"), state: () => `acks ${counts.join("/")}` };
      },
      STALL_MS,
      50,
    );
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    cleanups.push(() => db.end());
    // Progress: entries settled and the sender's nonce on chain. A stall names what waits and what the node holds.
    await waitForProgress(
      "the new leader settles the whole journal",
      async () => {
        const open = (
          await db.query<{ n: number; lo: number | null; hi: number | null }>(
            "SELECT COUNT(*)::int AS n, MIN(nonce)::int AS lo, MAX(nonce)::int AS hi FROM chain_outbox WHERE status IN ('journalled', 'sent')",
          )
        ).rows[0] ?? { n: 0, lo: null, hi: null };
        const chainNonce = await env.client.getTransactionCount({ address: sender });
        const describe = async () => {
          const pool = await env.client.request({ method: "txpool_status" } as never).catch((e: Error) => e.message);
          return `${open.n} entries open (nonces ${open.lo}..${open.hi}), sender nonce on chain ${chainNonce}, node pool ${JSON.stringify(pool)}, roles: ${(await linesOf(roleFile)).join("; ")}`;
        };
        return { done: open.n === 0, progress: `${open.n}/${chainNonce}`, state: describe };
      },
      STALL_MS,
      100,
    );

    const roles = await linesOf(roleFile);
    const takeover = roles
      .map((l) => l.split(" "))
      .find(([id, role, at]) => id !== "a" && role === "leader" && Number(at) >= killedAt);
    assert.ok(takeover, `a follower took over after the kill (roles: ${roles.join("; ")})`);

    const acked = [a, b, c].map(async (r) => ackedIds(r.config.ackFile));
    const ackedAll = (await Promise.all(acked)).flat();
    const seen = await Promise.all(
      ackedAll.map((id) =>
        env.client.readContract({ address: recorder, abi: artifact.abi, functionName: "seen", args: [BigInt(id)] }),
      ),
    );
    const lostIds = ackedAll.filter((_, i) => seen[i] !== true);
    const rows = (
      await db.query<{ label: string; status: string; nonce: string }>("SELECT label, status, nonce FROM chain_outbox")
    ).rows;
    const notMined = rows.filter((r) => r.status !== "mined");
    const labels = new Set(rows.map((r) => r.label));
    const onChain = await env.client.readContract({ address: recorder, abi: artifact.abi, functionName: "count" });
    const chainNonce = await env.client.getTransactionCount({ address: sender });
    console.log(
      `replicas: acknowledged=${ackedAll.length} journalled=${rows.length} recorded on chain=${onChain} ` +
        `sender nonce=${chainNonce}; leader a killed at ${ackedByAAtKill} of its acks; ${takeover?.[0]} took over ` +
        `${Number(takeover?.[2]) - killedAt} ms after the kill`,
    );
    assert.deepEqual(lostIds, [], "every acknowledged write is on chain");
    assert.deepEqual(notMined, [], "every journalled write was mined, none reverted (a second send would revert)");
    assert.equal(labels.size, rows.length, "each id was journalled once");
    assert.equal(Number(onChain), rows.length, "the chain recorded each journalled write exactly once");
    assert.equal(chainNonce, rows.length, "the sender sent nothing but the journal's entries, each once");
    assert.ok(ackedAll.length >= ackedByAAtKill + 2 * BURST, "all the followers' writes were acknowledged");

    for (const r of [b, c]) {
      const exit = new Promise((resolve) => r.child?.once("exit", resolve));
      r.child?.kill("SIGTERM");
      await exit;
    }
  });

  it("a new leader gets a write mined that anvil holds stranded in its queued pool", async () => {
    // anvil's race (outbox.ts, releaseStranded): a transaction filed as waiting for the nonce before it just after the
    // block that mined that nonce. Made here on purpose: write 0 is mined, the sender's nonce is set back while write
    // 1 arrives (so it waits for nonce 0), then forward again. Write 1 is then the chain's next nonce, held "queued",
    // and every broadcast of it is answered "already imported".
    const env = await testChain("stranded");
    cleanups.push(() => env.close());
    const key = generatePrivateKey();
    const sender = privateKeyToAddress(key);
    const accounts = keyring([key]);
    const rpc = (method: string, params: unknown[]) => env.client.request({ method, params } as never);
    const follower = createOutbox({
      store: env.store,
      chain: env.client,
      accounts,
      logger: env.logger,
      leadership: { isLeader: () => false },
    });
    const write = (i: number) => follower.submit({ from: sender, to: sender, data: "0x", label: `write ${i}` });
    const [first, second] = [await write(0), await write(1)];
    const raw = async (id: string) => (await follower.entry(id))?.rawTx as Hex;
    await rpc("eth_sendRawTransaction", [await raw(first.id)]);
    await waitUntil("write 0 is mined", async () => (await env.client.getTransactionCount({ address: sender })) === 1);
    await rpc("anvil_setNonce", [sender, "0x0"]);
    await rpc("eth_sendRawTransaction", [await raw(second.id)]);
    await rpc("anvil_setNonce", [sender, "0x1"]);
    const pool = (await rpc("txpool_inspect", [])) as { queued: Record<string, Record<string, unknown>> };
    const queued = Object.entries(pool.queued).find(([address]) => address.toLowerCase() === sender.toLowerCase());
    assert.deepEqual(
      Object.keys(queued?.[1] ?? {}),
      ["1"],
      "write 1 waits in the queued pool at the sender's next nonce",
    );
    await assert.rejects(rpc("eth_sendRawTransaction", [await raw(second.id)]), /already imported/);

    // The new leader: its outbox recovers the journal, sees write 1 stranded and gets it mined.
    const leader = createOutbox({
      store: env.store,
      chain: env.client,
      accounts,
      logger: env.logger,
      pollMs: 50,
      rebroadcastMs: 300,
    });
    await leader.start();
    cleanups.push(() => leader.stop());
    const mined = await Promise.race([
      leader.waitMined(second.id),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000)),
    ]);
    assert.equal(mined?.status, "success", "the stranded write was mined");
    assert.equal(await env.client.getTransactionCount({ address: sender }), 2);
    assert.equal((await leader.entry(first.id))?.status, "mined");
    assert.ok(
      env.logger.entries.some((e) => e.message.includes("in its queued pool, where it would never be mined")),
      "the outbox said what it did",
    );
  });
});

// THE durability test: every write the outbox acknowledged reaches the chain, through a kill -9 of the devnet and
// a kill -9 of the agent in the middle of a burst; and a corrupt devnet state file is recovered from a good copy.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type Address, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { checkStateFile } from "../../src/core/chain/devnet/state-files.ts";
import { createOutbox } from "../../src/core/chain/outbox/outbox.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { type TestChain, testChain } from "../../testkit/chainEnv.ts";
import { waitUntil } from "../../testkit/eventually.ts";
import { recorderArtifact } from "../../testkit/recorder.ts";

const artifact = recorderArtifact();
const agentScript = join(import.meta.dirname, "..", "..", "testkit", "durabilityAgent.ts");

async function waitForStateDump(env: TestChain, block: number): Promise<void> {
  await waitUntil(
    `state.json to reach block ${block}`,
    async () => {
      const check = await checkStateFile(env.devnet.stateFile);
      return check?.ok === true && check.blockNumber >= block;
    },
    30_000,
    20,
  );
}

async function deployRecorder(env: TestChain): Promise<Address> {
  const deployer = keyring();
  const outbox = createOutbox({ store: env.store, chain: env.client, accounts: deployer, logger: env.logger });
  const receipt = await outbox.send({
    from: deployer.addresses[0] as Address,
    data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode }),
    label: "deploy Recorder",
  });
  await waitForStateDump(env, Number(receipt.blockNumber));
  return receipt.contractAddress as Address;
}

async function ackedIds(file: string): Promise<number[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}

async function missingOnChain(env: TestChain, recorder: Address, ids: readonly number[]): Promise<number[]> {
  const seen = await Promise.all(
    ids.map((id) =>
      env.client.readContract({ address: recorder, abi: artifact.abi, functionName: "seen", args: [BigInt(id)] }),
    ),
  );
  return ids.filter((_, i) => seen[i] !== true);
}

describe("durability of acknowledged writes", () => {
  const children: ChildProcess[] = [];
  const envs: TestChain[] = [];
  const stops: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of stops) await stop();
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const env of envs) await env.close();
  });

  it("loses no acknowledged write when the devnet and then the agent are killed -9 mid-burst", async () => {
    const env = await testChain("durability", { stateIntervalSeconds: 1, goodCopyIntervalMs: 1000 });
    envs.push(env);
    const recorder = await deployRecorder(env);
    const ackFile = join(env.dir, "acks.txt");
    const base = {
      rpcUrl: env.devnet.rpcUrl,
      chainId: env.devnet.chainId,
      dbFile: join(env.dir, "agent-child.sqlite"),
      ackFile,
      recorder,
      key: generatePrivateKey(),
      concurrency: 16,
    };
    const runAgent = (firstId: number, count: number, drain: boolean) => {
      const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", agentScript], {
        env: { ...process.env, DURABILITY_AGENT: JSON.stringify({ ...base, firstId, count, drain }) },
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.push(child);
      let out = "";
      child.stdout?.on("data", (chunk) => {
        out += chunk;
      });
      const exit = new Promise<{ code: number | null; out: string }>((resolve) =>
        child.once("exit", (code) => resolve({ code, out })),
      );
      return { child, exit };
    };

    const first = runAgent(0, 300, false);
    await waitUntil("60 acknowledged writes", async () => (await ackedIds(ackFile)).length >= 60, 30_000, 20);
    const headBeforeKill = await env.devnet.headBlock();
    await env.devnet.kill9ForTest();
    const headAfterRestart = await env.devnet.headBlock();
    const ackedAtDevnetKill = (await ackedIds(ackFile)).length;
    await waitUntil("160 acknowledged writes", async () => (await ackedIds(ackFile)).length >= 160, 60_000, 20);
    first.child.kill("SIGKILL");
    await first.exit;
    const ackedAtAgentKill = (await ackedIds(ackFile)).length;
    assert.ok(ackedAtAgentKill < 300, "the agent was killed in the middle of its burst");

    const second = runAgent(1000, 60, true);
    const result = await second.exit;
    assert.equal(result.code, 0, "the restarted agent recovers, finishes its burst and drains its outbox");

    const acked = await ackedIds(ackFile);
    const lost = await missingOnChain(env, recorder, acked);
    const onChain = await env.client.readContract({ address: recorder, abi: artifact.abi, functionName: "count" });
    console.log(
      `durability: acknowledged=${acked.length} on-chain=${onChain} lost=${lost.length} ` +
        `(devnet killed at ${ackedAtDevnetKill} acks, head ${headBeforeKill} -> restarted at ${headAfterRestart}; ` +
        `agent killed at ${ackedAtAgentKill} acks; restarted agent: ${result.out.trim()})`,
    );
    assert.ok(acked.length >= 200, "a burst of at least 200 acknowledged writes");
    assert.deepEqual(lost, [], "every acknowledged write is on chain");
    assert.match(env.logger.text(), /devnet node exited unexpectedly \(code null, signal SIGKILL\); restarting/);
  });

  it("recovers a truncated state file from the last good copy, and the outbox replays what it lost", async () => {
    const env = await testChain("corrupt", { stateIntervalSeconds: 1, goodCopyIntervalMs: 600_000 });
    envs.push(env);
    const keys = keyring();
    const from = keys.addresses[0] as Address;
    const outbox = createOutbox({
      store: env.store,
      chain: env.client,
      accounts: keys,
      logger: env.logger,
      pollMs: 50,
    });
    await outbox.start();
    stops.push(() => outbox.stop());
    const recorder = await deployRecorder(env);
    const write = (id: number) =>
      outbox.submit({
        from,
        to: recorder,
        data: encodeFunctionData({ abi: artifact.abi, functionName: "record", args: [BigInt(id)] }) as Hex,
        label: `record ${id}`,
      });
    const early = await Promise.all(Array.from({ length: 20 }, (_, i) => write(i)));
    await Promise.all(early.map((t) => outbox.waitMined(t.id)));
    await waitForStateDump(env, await env.devnet.headBlock());
    const goodBlock = await env.devnet.checkpoint();
    const late = await Promise.all(Array.from({ length: 20 }, (_, i) => write(100 + i)));
    await Promise.all(late.map((t) => outbox.waitMined(t.id)));
    const headBefore = await env.devnet.headBlock();
    await waitForStateDump(env, headBefore);

    await env.devnet.kill9ForTest({ superviseRestart: false });
    const state = await readFile(env.devnet.stateFile, "utf8");
    await writeFile(env.devnet.stateFile, state.slice(0, Math.floor(state.length / 2)));
    await env.devnet.restart();

    const log = env.logger.text();
    assert.match(log, /devnet state file .*state\.json is corrupt: it is not valid JSON .*truncated\?/);
    assert.match(log, /devnet state restored from last good copy .*state\.good\.1\.json/);
    const files = await readdir(join(env.dir, "devnet"));
    assert.ok(
      files.some((f) => /^state\.corrupt-.*\.json$/.test(f)),
      "the corrupt file is kept aside",
    );
    // The running outbox may replay (and so mine) before we look at the head: read the restored block from the log.
    const restoredAt = Number(/restored from last good copy .*\(block (\d+)\)/.exec(log)?.[1]);
    assert.equal(restoredAt, goodBlock, "restored to the last good copy");
    assert.ok(restoredAt < headBefore, `the chain went back (${restoredAt} < ${headBefore})`);

    await outbox.drain(30_000);
    const ids = [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 100 + i)];
    assert.deepEqual(await missingOnChain(env, recorder, ids), [], "all acknowledged writes are present again");
    assert.ok(existsSync(join(env.dir, "devnet", "state.good.1.json")));
  });
});

// The devnet's lifecycle against a real anvil: settings that persist, interval mining, and refusing to turn an
// unusable state into a silent empty chain.
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startDevnet } from "../../src/core/chain/devnet/devnet.ts";
import { DevnetConfigError, DevnetStateUnrecoverableError } from "../../src/core/chain/errors.ts";
import { recordingLogger } from "../../testkit/chainEnv.ts";
import { eventually } from "../../testkit/eventually.ts";
import { reservePort } from "../../testkit/ports.ts";
import { tempDir } from "../../testkit/tempDir.ts";

describe("devnet", () => {
  it("keeps its chain id and chain across a restart, and refuses another chain id for the same data dir", async () => {
    const dir = await tempDir("telco-chain-devnet-persist-");
    try {
      const logger = recordingLogger();
      const port = await reservePort();
      const first = await startDevnet({ dataDir: dir.path, port, chainId: 4242, logger, blockTimeSeconds: 1 });
      assert.equal(first.rpcUrl, `http://127.0.0.1:${port}`);
      // Waits for the block itself, not for a fixed time: a loaded machine may be slow to run anvil's timer.
      const mined = await eventually(async () => {
        const head = await first.headBlock();
        assert.ok(head >= 1, `interval mining produced blocks without transactions (head ${head})`);
        return head;
      }, 30_000);
      await first.stop();
      const saved = JSON.parse(await readFile(join(dir.path, "devnet", "devnet.json"), "utf8"));
      assert.equal(saved.chainId, 4242);
      assert.equal(saved.blockTimeSeconds, 1);
      assert.equal(saved.persisted, true);

      const second = await startDevnet({ dataDir: dir.path, port, logger });
      assert.equal(second.chainId, 4242);
      assert.ok((await second.headBlock()) >= mined, "the chain continued from its saved state");
      await second.stop();
      await assert.rejects(startDevnet({ dataDir: dir.path, port, chainId: 7, logger }), (error: unknown) => {
        assert.ok(error instanceof DevnetConfigError);
        assert.equal(error.field, "chainId");
        return true;
      });
    } finally {
      await dir.remove();
    }
  });

  it("refuses to start from a corrupt state without a good copy, unless a fresh chain is allowed", async () => {
    const dir = await tempDir("telco-chain-devnet-refuse-");
    try {
      const logger = recordingLogger();
      const port = await reservePort();
      const devnet = await startDevnet({ dataDir: dir.path, port, logger });
      await devnet.stop();
      const devnetDir = join(dir.path, "devnet");
      for (const i of [1, 2, 3]) await rm(join(devnetDir, `state.good.${i}.json`), { force: true });
      await writeFile(join(devnetDir, "state.json"), '{"block": {"number": "0x1"}, "accounts": {');
      await assert.rejects(startDevnet({ dataDir: dir.path, port, logger }), (error: unknown) => {
        assert.ok(error instanceof DevnetStateUnrecoverableError);
        assert.match(error.message, /state\.json was corrupt \(it is not valid JSON .*\) and no good copy validates/);
        assert.match(error.message, /allowFreshChain/);
        return true;
      });
      assert.match(logger.text(), /devnet state file .*state\.json is corrupt: it is not valid JSON/);
      const fresh = await startDevnet({ dataDir: dir.path, port, logger, allowFreshChain: true });
      assert.equal(await fresh.headBlock(), 0);
      await fresh.stop();
    } finally {
      await dir.remove();
    }
  });
  it("tells its owner when it gives up restarting a node that keeps dying", async () => {
    const dir = await tempDir("devnet-give-up");
    try {
      let told: string | undefined;
      const port = await reservePort();
      const givenUp = new Promise<void>((resolve) => {
        const devnetOptions = {
          dataDir: dir.path,
          port,
          logger: recordingLogger(),
          maxRestartsPerMinute: 1,
          onGiveUp: (reason: string) => {
            told = reason;
            resolve();
          },
        };
        void startDevnet(devnetOptions).then(async (devnet) => {
          await devnet.kill9ForTest();
          assert.equal(told, undefined, "one restart is allowed");
          await Promise.race([devnet.kill9ForTest(), givenUpSignal]);
          await devnet.stop();
        });
      });
      let signal: () => void = () => {};
      const givenUpSignal = new Promise<void>((resolve) => {
        signal = resolve;
      });
      await givenUp;
      signal();
      assert.match(told ?? "", /after 1 restarts in a minute; giving up — see .*anvil\.log/);
    } finally {
      await dir.remove();
    }
  });
});

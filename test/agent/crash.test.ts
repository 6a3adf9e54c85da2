// Crash safety of the real member agent process: a burst of API writes (credential status changes), with the
// devnet killed -9 and restarted from its last state dump, then the agent process killed -9 and restarted.
// Every write the API acknowledged (HTTP 200) must be on chain at the end.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createPublicClient, type Hex, http } from "viem";
import { ensureAdminKey } from "../../src/agent/bootstrap.ts";
import { initAgent } from "../../src/agent/init.ts";
import { type Devnet, startDevnet } from "../../src/core/chain/devnet/devnet.ts";
import { silentLogger } from "../../src/core/chain/logger.ts";
import { readManifest } from "../../src/core/chain/manifest.ts";
import { parseEthrDid } from "../../src/core/identity/didEthr.ts";
import { CredentialStatusRegistry } from "../../src/generated/contracts.ts";
import { deployPlatform } from "../../src/ledger/deployer.ts";
import { reservePort } from "../../testkit/ports.ts";

const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("agent crash safety", () => {
  let dir: string;
  let devnet: Devnet | undefined;
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await devnet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("loses no acknowledged API write when the devnet and then the agent are killed -9 mid-burst", async () => {
    dir = await mkdtemp(join(tmpdir(), "telco-crash-"));
    devnet = await startDevnet({
      dataDir: dir,
      port: await reservePort(),
      stateIntervalSeconds: 1,
      goodCopyIntervalMs: 1000,
      logger: silentLogger,
    });
    const manifestPath = join(dir, "deployment.json");
    const port = await reservePort();
    const { config, configPath } = await initAgent({
      home: join(dir, "agent"),
      name: "crash",
      memberName: "Crash Test Carrier",
      port,
      rpcUrl: devnet.rpcUrl,
      chainId: devnet.chainId,
      manifestPath,
    });
    await deployPlatform({
      rpcUrl: devnet.rpcUrl,
      chainId: devnet.chainId,
      founders: [{ account: config.memberAccount, name: "Crash Test Carrier", roles: ["TNSP"] }],
      manifestPath,
      deployerDir: join(dir, "deployer"),
      passphrase: "crash-test",
      logger: silentLogger,
    });
    const key = await ensureAdminKey(config);
    const url = `http://127.0.0.1:${port}`;
    const startAgent = () => {
      const child = spawn(process.execPath, [bin, "agent", "start", "--config", configPath], { stdio: "ignore" });
      children.push(child);
      return child;
    };
    const waitHealthy = async () => {
      for (let i = 0; i < 300; i++) {
        try {
          if ((await fetch(`${url}/health`)).ok) return;
        } catch {}
        await sleep(100);
      }
      throw new Error("agent did not become healthy");
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    let agent = startAgent();
    await waitHealthy();
    const created = await call("POST", "/v1/identity/dids", { label: "Crash Test Issuer" });
    assert.equal(created.status, 201);
    const issuer = created.body.did as string;

    // The burst: 8 clients, each suspending credential ids until 240 writes were acknowledged.
    const TOTAL = 240;
    const acked: Hex[] = [];
    let attempts = 0;
    let stopClients = false;
    const client = async () => {
      while (!stopClients && acked.length < TOTAL) {
        const id = `0x${randomBytes(32).toString("hex")}` as Hex;
        attempts++;
        try {
          const r = await call("POST", `/v1/identity/credentials/${id}/suspend`, { issuer, reason: "Unspecified" });
          if (r.status === 200) acked.push(id);
        } catch {
          await sleep(50); // the agent is down: retry, as a back office would
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);

    while (acked.length < 60) await sleep(10);
    const ackedAtDevnetKill = acked.length;
    const headBeforeKill = await devnet.headBlock();
    await devnet.kill9ForTest();
    const headAfterRestart = await devnet.headBlock();
    while (acked.length < 150) await sleep(10);
    const ackedAtAgentKill = acked.length;
    agent.kill("SIGKILL");
    await new Promise((resolve) => agent.once("exit", resolve));
    agent = startAgent();
    await waitHealthy();
    await Promise.all(clients);
    stopClients = true;

    const manifest = await readManifest(manifestPath);
    const registry = manifest.contracts.CredentialStatusRegistry?.address as Hex;
    const chain = createPublicClient({ transport: http(devnet.rpcUrl) });
    const issuerAddress = parseEthrDid(issuer).address;
    const missing = async () => {
      const statuses = await Promise.all(
        acked.map((id) =>
          chain.readContract({
            address: registry,
            abi: CredentialStatusRegistry.abi,
            functionName: "statusOf",
            args: [issuerAddress, id],
          }),
        ),
      );
      return acked.filter((_, i) => Number((statuses[i] as readonly [number, number, bigint])[0]) !== 1);
    };
    // Acknowledged writes that a devnet restore rolled back are replayed by the agent's outbox.
    let lost = await missing();
    for (let i = 0; i < 100 && lost.length > 0; i++) {
      await sleep(200);
      lost = await missing();
    }
    console.log(
      `agent crash: acknowledged=${acked.length} attempts=${attempts} lost=${lost.length} ` +
        `(devnet killed at ${ackedAtDevnetKill} acks, head ${headBeforeKill} -> restarted at ${headAfterRestart}; ` +
        `agent killed at ${ackedAtAgentKill} acks)`,
    );
    assert.ok(acked.length >= 200);
    assert.deepEqual(lost, []);
    agent.kill("SIGTERM");
  });
});

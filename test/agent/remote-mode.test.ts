// The agent refuses to run against a ledger that is not the one its deployment manifest describes (remote mode:
// any JSON-RPC URL, e.g. a Besu QBFT node), and the deployment command is idempotent.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { createAgent } from "../../src/agent/agent.ts";
import { silentLogger } from "../../src/core/chain/logger.ts";
import type { DeploymentManifest } from "../../src/core/chain/manifest.ts";
import { loadAgentConfig } from "../../src/core/config.ts";
import { deployPlatform } from "../../src/ledger/deployer.ts";
import { platformDeploymentPlan } from "../../src/ledger/deploymentPlan.ts";
import { startTestConsortium, type TestConsortium } from "../../testkit/consortium.ts";

describe("remote mode and deployment", () => {
  let consortium: TestConsortium;
  before(async () => {
    consortium = await startTestConsortium([{ name: "solo", roles: ["TNSP"] }]);
  });
  after(() => consortium?.stop());

  const soloConfig = () => loadAgentConfig(join(consortium.dir, "agents", "solo", "agent.json"));
  const quiet = { logger: pino({ level: "silent" }) };

  it("refuses a node whose chain id differs from the configuration", async () => {
    const config = soloConfig();
    await assert.rejects(
      createAgent(
        { ...config, logLevel: "fatal", chain: { ...config.chain, chainId: config.chain.chainId + 1 } },
        quiet,
      ),
      (error: Error & { code?: string }) => error.code === "CHAIN_ID_MISMATCH" && /chain id/.test(error.message),
    );
  });

  it("refuses a manifest whose contract code is not on the chain", async () => {
    const config = soloConfig();
    const manifest = JSON.parse(await readFile(consortium.manifestPath, "utf8")) as DeploymentManifest;
    const swapped = structuredClone(manifest);
    const did = swapped.contracts.EthereumDIDRegistry;
    const status = swapped.contracts.CredentialStatusRegistry;
    assert.ok(did && status);
    swapped.contracts.CredentialStatusRegistry = { ...status, address: did.address };
    const tampered = join(consortium.dir, "tampered-manifest.json");
    await writeFile(tampered, JSON.stringify(swapped));
    await assert.rejects(
      createAgent({ ...config, logLevel: "fatal", chain: { ...config.chain, manifestPath: tampered } }, quiet),
      (error: Error & { code?: string }) =>
        error.code === "CONTRACT_CODE_MISMATCH" && /CredentialStatusRegistry/.test(error.message),
    );
  });

  it("deploys idempotently: a second run keeps every contract", async () => {
    const outcomes: string[] = [];
    const config = soloConfig();
    const before = await readFile(consortium.manifestPath, "utf8");
    await deployPlatform({
      rpcUrl: consortium.devnet.rpcUrl,
      chainId: consortium.devnet.chainId,
      founders: [{ account: config.memberAccount, name: "solo (test)", roles: ["TNSP"] }],
      manifestPath: consortium.manifestPath,
      deployerDir: join(consortium.dir, "deployer"),
      passphrase: "test-deployer-passphrase",
      logger: silentLogger,
      onStep: (name, outcome) => outcomes.push(`${name}:${outcome}`),
    });
    const planned = platformDeploymentPlan([]).map((step) => `${step.name}:kept`);
    assert.deepEqual(outcomes, planned);
    assert.ok(planned.length >= 3, "the platform contracts and every domain's");
    const manifest = JSON.parse(await readFile(consortium.manifestPath, "utf8")) as DeploymentManifest;
    assert.deepEqual(manifest.contracts, (JSON.parse(before) as DeploymentManifest).contracts);
    for (const contract of Object.values(manifest.contracts)) {
      assert.match(contract.codeHash, /^0x[0-9a-f]{64}$/);
      assert.ok(contract.blockNumber > 0);
    }
  });
});

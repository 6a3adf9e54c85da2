// Deployment manifest and idempotent deployment against a real devnet, with the generated platform contracts.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { createChain } from "../../src/core/chain/client.ts";
import { deployContracts } from "../../src/core/chain/deploy.ts";
import {
  ChainIdMismatchError,
  ContractCodeMismatchError,
  ContractMissingError,
  ManifestInvalidError,
} from "../../src/core/chain/errors.ts";
import { type DeploymentManifest, readManifest, verifyManifest } from "../../src/core/chain/manifest.ts";
import { createOutbox, type Outbox } from "../../src/core/chain/outbox/outbox.ts";
import { CredentialStatusRegistry, EthereumDIDRegistry } from "../../src/generated/contracts.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { type TestChain, testChain } from "../../testkit/chainEnv.ts";

const artifacts = { EthereumDIDRegistry, CredentialStatusRegistry };
const plan = [
  { name: "EthereumDIDRegistry", artifact: EthereumDIDRegistry, args: () => [] },
  {
    name: "CredentialStatusRegistry",
    artifact: CredentialStatusRegistry,
    args: (deployed: Record<string, { address: Address }>) => [deployed.EthereumDIDRegistry?.address],
  },
];

describe("deployment manifest", () => {
  let env: TestChain;
  let outbox: Outbox;
  let manifestPath: string;
  let manifest: DeploymentManifest;
  const keys = keyring();
  const deployer = keys.addresses[0] as Address;

  before(async () => {
    env = await testChain("manifest");
    outbox = createOutbox({ store: env.store, chain: env.client, accounts: keys, logger: env.logger, pollMs: 50 });
    await outbox.start();
    manifestPath = join(env.dir, "deployment.json");
    manifest = await deployContracts({ chain: env.client, sender: outbox, deployer, plan, manifestPath });
  });

  after(async () => {
    await outbox.stop();
    await env.close();
  });

  it("records each deployment with its block, tx and code hash, and the written manifest verifies", async () => {
    const written = await readManifest(manifestPath);
    assert.deepEqual(written, manifest);
    assert.equal(written.chainId, env.devnet.chainId);
    assert.equal(written.deployer, deployer);
    assert.equal(written.evmVersion, "paris", "the manifest records the EVM version every engine runs");
    assert.deepEqual(Object.keys(written.contracts), ["EthereumDIDRegistry", "CredentialStatusRegistry"]);
    await verifyManifest(env.client, written, artifacts);
  });

  it("skips contracts whose code verifies when deploying again", async () => {
    const rowsBefore = await env.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM chain_outbox");
    const outcomes: string[] = [];
    const again = await deployContracts({
      chain: env.client,
      sender: outbox,
      deployer,
      plan,
      manifestPath,
      onStep: (name, outcome) => outcomes.push(`${name}:${outcome}`),
    });
    assert.deepEqual(outcomes, ["EthereumDIDRegistry:kept", "CredentialStatusRegistry:kept"]);
    assert.deepEqual(again.contracts, manifest.contracts);
    const rowsAfter = await env.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM chain_outbox");
    assert.equal(Number(rowsAfter?.n), Number(rowsBefore?.n), "no transaction was sent");
  });

  it("refuses a manifest made for another chain id", async () => {
    await assert.rejects(verifyManifest(env.client, { ...manifest, chainId: 1 }, artifacts), (error: unknown) => {
      assert.ok(error instanceof ChainIdMismatchError);
      assert.match(error.message, /expects chain id 1 but the node answers \d+/);
      return true;
    });
  });

  it("refuses an address without code", async () => {
    const moved = structuredClone(manifest);
    (moved.contracts.EthereumDIDRegistry as { address: Address }).address = `0x${"12".repeat(20)}`;
    await assert.rejects(verifyManifest(env.client, moved, artifacts), ContractMissingError);
  });

  it("refuses code that differs from the recorded hash or from the artifact", async () => {
    const rehashed = structuredClone(manifest);
    (rehashed.contracts.EthereumDIDRegistry as { codeHash: string }).codeHash = `0x${"ab".repeat(32)}`;
    await assert.rejects(verifyManifest(env.client, rehashed, artifacts), /code hash 0x[0-9a-f]{64}, manifest records/);
    const swapped = { EthereumDIDRegistry: CredentialStatusRegistry };
    await assert.rejects(verifyManifest(env.client, manifest, swapped), (error: unknown) => {
      assert.ok(error instanceof ContractCodeMismatchError);
      assert.equal(error.contract, "EthereumDIDRegistry");
      return true;
    });
  });

  it("refuses a node whose chain id differs from the configured one", async () => {
    await assert.rejects(createChain({ rpcUrl: env.devnet.rpcUrl, chainId: 5 }), ChainIdMismatchError);
  });

  it("names the bad field of an invalid manifest file", async () => {
    const path = join(env.dir, "bad.json");
    await writeFile(path, JSON.stringify({ ...manifest, contracts: { X: { address: "0x12" } } }));
    await assert.rejects(readManifest(path), (error: unknown) => {
      assert.ok(error instanceof ManifestInvalidError);
      assert.match(error.message, /contracts\.X\.address must be an address/);
      return true;
    });
  });
});

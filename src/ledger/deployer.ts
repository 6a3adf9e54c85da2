// Deploys the platform contracts idempotently from a deployer account held in its own encrypted keystore, through
// a transaction outbox with its own journal (so an interrupted deployment resumes with the same nonces and addresses).
import { join } from "node:path";
import type { Address } from "viem";
import { createChain } from "../core/chain/client.ts";
import { deployContracts } from "../core/chain/deploy.ts";
import type { ChainLogger } from "../core/chain/logger.ts";
import type { DeploymentManifest } from "../core/chain/manifest.ts";
import { chainMigrations } from "../core/chain/migrations.ts";
import { createOutbox } from "../core/chain/outbox/outbox.ts";
import { openKeystore } from "../core/identity/keystore.ts";
import { openStore } from "../core/store/index.ts";
import { type FoundingMember, platformAbis, platformDeploymentPlan } from "./deploymentPlan.ts";

export interface DeployPlatformOptions {
  rpcUrl: string;
  chainId: number;
  founders: readonly FoundingMember[];
  manifestPath: string;
  /** Holds the deployer keystore and its outbox journal. */
  deployerDir: string;
  passphrase: string;
  logger: ChainLogger;
  onStep?(name: string, outcome: "deployed" | "kept", address: Address): void;
}

export async function deployPlatform(options: DeployPlatformOptions): Promise<DeploymentManifest> {
  const keystore = await openKeystore({ dir: join(options.deployerDir, "keystore"), passphrase: options.passphrase });
  const existing = keystore.list().find((k) => k.kind === "secp256k1" && k.label === "deployer" && !k.retiredAt);
  const deployer = existing ?? (await keystore.create({ kind: "secp256k1", label: "deployer" }));
  if (!deployer.address) throw new Error("deployer key has no address");
  const chain = await createChain({ rpcUrl: options.rpcUrl, chainId: options.chainId });
  const store = await openStore({ sqliteFile: join(options.deployerDir, "journal.db"), migrations: chainMigrations });
  const outbox = createOutbox({ store, chain, accounts: keystore, logger: options.logger, abis: platformAbis });
  await outbox.start();
  try {
    return await deployContracts({
      chain,
      sender: outbox,
      deployer: deployer.address,
      plan: platformDeploymentPlan(options.founders),
      manifestPath: options.manifestPath,
      onStep: (name, outcome, contract) => options.onStep?.(name, outcome, contract.address),
    });
  } finally {
    await outbox.stop();
    await store.close();
  }
}

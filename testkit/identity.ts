// Test fixture for the identity core: the project's own devnet (anvil), outbox, indexer and SQLite store, with the
// EthereumDIDRegistry and CredentialStatusRegistry deployed through the outbox from a keystore account.
import { createDecipheriv, scryptSync } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Address, encodeDeployData, type Hex } from "viem";
import { type ChainClient, createChain } from "../src/core/chain/client.ts";
import { type Devnet, startDevnet } from "../src/core/chain/devnet/devnet.ts";
import { createIndexer, type Indexer } from "../src/core/chain/indexer/indexer.ts";
import { silentLogger } from "../src/core/chain/logger.ts";
import { chainMigrations } from "../src/core/chain/migrations.ts";
import { createOutbox, type Outbox } from "../src/core/chain/outbox/outbox.ts";
import { type Keystore, openKeystore } from "../src/core/identity/keystore.ts";
import { identityMigrations } from "../src/core/identity/migrations.ts";
import { openStore } from "../src/core/store/open.ts";
import type { Store } from "../src/core/store/store.ts";
import { CredentialStatusRegistry, EthereumDIDRegistry } from "../src/generated/contracts.ts";
import { reservePort } from "./ports.ts";
import { tempDir } from "./tempDir.ts";

export const passphrase = "test passphrase";

export interface IdentityEnv {
  devnet: Devnet;
  chain: ChainClient;
  chainId: number;
  store: Store;
  keystore: Keystore;
  keystoreDir: string;
  outbox: Outbox;
  indexer: Indexer;
  /** A funded keystore account that deploys and pays for new controllers. */
  operator: Address;
  didRegistry: Address;
  statusRegistry: Address;
  stop(): Promise<void>;
}

async function deploy(env: Pick<IdentityEnv, "outbox" | "operator">, data: Hex, label: string): Promise<Address> {
  const receipt = await env.outbox.send({ from: env.operator, data, label });
  if (!receipt.contractAddress) throw new Error(`${label}: no contract address`);
  return receipt.contractAddress;
}

export async function startIdentityEnv(): Promise<IdentityEnv> {
  const dir = await tempDir("telco-identity-");
  const devnet = await startDevnet({ dataDir: dir.path, logger: silentLogger, port: await reservePort() });
  const chain = await createChain({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollingIntervalMs: 50 });
  const store = await openStore({ sqliteFile: ":memory:", migrations: [...chainMigrations, ...identityMigrations] });
  const keystoreDir = join(dir.path, "keys");
  const keystore = await openKeystore({ dir: keystoreDir, passphrase, scrypt: { N: 2 ** 10 } });
  const operator = (await keystore.create({ kind: "secp256k1", label: "operator" })).address as Address;
  // The devnet has no gas price, but the funder path moves value, so the operator gets a balance.
  await chain.request({ method: "anvil_setBalance" as never, params: [operator, "0x3635c9adc5dea00000"] as never });
  const outbox = createOutbox({
    store,
    chain,
    accounts: keystore,
    logger: silentLogger,
    pollMs: 50,
    abis: [EthereumDIDRegistry.abi, CredentialStatusRegistry.abi],
  });
  await outbox.start();
  const didRegistry = await deploy({ outbox, operator }, EthereumDIDRegistry.bytecode, "deploy EthereumDIDRegistry");
  const statusRegistry = await deploy(
    { outbox, operator },
    encodeDeployData({
      abi: CredentialStatusRegistry.abi,
      bytecode: CredentialStatusRegistry.bytecode,
      args: [didRegistry],
    }),
    "deploy CredentialStatusRegistry",
  );
  const indexer = createIndexer({
    store,
    chain,
    sources: [{ name: "EthereumDIDRegistry", address: didRegistry, abi: EthereumDIDRegistry.abi, fromBlock: 0 }],
    projections: [],
    pollMs: 50,
    logger: silentLogger,
  });
  await indexer.start();
  return {
    devnet,
    chain,
    chainId: devnet.chainId,
    store,
    keystore,
    keystoreDir,
    outbox,
    indexer,
    operator,
    didRegistry,
    statusRegistry,
    async stop() {
      await indexer.stop();
      await outbox.stop();
      await store.close();
      await devnet.stop();
      await dir.remove();
    },
  };
}

/** Every private key in a keystore directory, decrypted straight from the files, in the encodings a leak could take. */
export async function privateKeysOnDisk(dir: string, passphraseUsed: string): Promise<string[]> {
  const secrets: string[] = [];
  for (const name of await readdir(dir)) {
    const f = JSON.parse(await readFile(join(dir, name), "utf8"));
    const p = f.crypto.kdfparams;
    const key = scryptSync(passphraseUsed, Buffer.from(p.salt, "hex"), 64, {
      N: p.N,
      r: p.r,
      p: p.p,
      maxmem: 256 * p.N * p.r + 1024 * 1024,
    });
    const d = createDecipheriv("aes-256-gcm", key.subarray(0, 32), Buffer.from(f.crypto.iv, "hex"));
    // The additional data of each file version, written out here rather than imported: the test reads the format.
    const aad =
      f.version === 1
        ? `${f.kind}\n${f.kid}\n${f.publicKeyHex}`
        : JSON.stringify(["telco-ledger keystore v2", f.kind, f.kid, f.publicKeyHex, f.label, f.retiredAt]);
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(Buffer.from(f.crypto.tag, "hex"));
    const plain = Buffer.concat([d.update(Buffer.from(f.crypto.ciphertext, "hex")), d.final()]);
    secrets.push(plain.toString("hex"), plain.toString("base64url"), plain.toString("base64"));
  }
  return secrets;
}

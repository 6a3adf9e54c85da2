// Test fixture for the identity core: a real anvil devnet with the project's EthereumDIDRegistry and
// CredentialStatusRegistry deployed, a SQLite store with identityMigrations, and a TxSender that
// signs with the keystore. Stand-ins for the outbox and store until those land in src/core/chain and store.
import { type ChildProcess, spawn } from "node:child_process";
import { createDecipheriv, scryptSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeDeployData,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { TxRequest, TxSender, TxTicket } from "../../src/core/chain/types.ts";
import type { Keystore } from "../../src/core/identity/keystore.ts";
import { identityMigrations } from "../../src/core/identity/migrations.ts";
import type { Queryable, SqlParam } from "../../src/core/store/store.ts";
import { CredentialStatusRegistry, EthereumDIDRegistry } from "../../src/generated/contracts.ts";

const anvilBin = join(import.meta.dirname, "../../node_modules/.bin/anvil");
export const chainId = 31337;
// anvil's first well-known development account: funded at genesis, never used outside tests.
export const devAccount = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Devnet {
  rpcUrl: string;
  client: PublicClient;
  stop(): Promise<void>;
}

export async function startAnvil(): Promise<Devnet> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    anvilBin,
    ["--port", String(port), "--host", "127.0.0.1", "--chain-id", String(chainId)],
    {
      stdio: "ignore",
    },
  );
  const rpcUrl = `http://127.0.0.1:${port}`;
  const chain = defineChain({
    id: chainId,
    name: "test",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const client = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 }) as PublicClient;
  for (let i = 0; ; i++) {
    try {
      await client.getChainId();
      break;
    } catch (error) {
      if (i > 200) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    rpcUrl,
    client,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Signs with the keystore (or the dev account) and waits for the receipt: the TxSender contract, minus the journal. */
export function directTxSender(devnet: Devnet, keystore: Keystore): TxSender {
  const tickets = new Map<string, TxTicket>();
  const accountOf = (from: Address): LocalAccount =>
    from.toLowerCase() === devAccount.address.toLowerCase() ? devAccount : keystore.account(from);
  const sender: TxSender = {
    async submit(request: TxRequest) {
      const account = accountOf(request.from);
      const wallet = createWalletClient({ account, chain: devnet.client.chain, transport: http(devnet.rpcUrl) });
      const nonce = await devnet.client.getTransactionCount({ address: account.address, blockTag: "pending" });
      const hash = await wallet.sendTransaction({
        account,
        chain: devnet.client.chain,
        ...(request.to ? { to: request.to } : {}),
        data: request.data,
        value: request.value ?? 0n,
        nonce,
      });
      const ticket: TxTicket = { id: hash, hash, nonce, status: "sent" };
      tickets.set(ticket.id, ticket);
      return ticket;
    },
    async waitMined(id: string) {
      const receipt = await devnet.client.waitForTransactionReceipt({ hash: id as Hex, pollingInterval: 50 });
      if (receipt.status !== "success") throw new Error(`transaction ${id} reverted`);
      return receipt;
    },
    async send(request: TxRequest) {
      return sender.waitMined((await sender.submit(request)).id);
    },
  };
  return sender;
}

async function deploy(devnet: Devnet, bytecode: Hex): Promise<Address> {
  const wallet = createWalletClient({
    account: devAccount,
    chain: devnet.client.chain,
    transport: http(devnet.rpcUrl),
  });
  const hash = await wallet.sendTransaction({ account: devAccount, chain: devnet.client.chain, data: bytecode });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (!receipt.contractAddress) throw new Error("deployment failed");
  return receipt.contractAddress;
}

export async function deployIdentityContracts(
  devnet: Devnet,
): Promise<{ didRegistry: Address; statusRegistry: Address }> {
  const didRegistry = await deploy(devnet, EthereumDIDRegistry.bytecode);
  const statusRegistry = await deploy(
    devnet,
    encodeDeployData({
      abi: CredentialStatusRegistry.abi,
      bytecode: CredentialStatusRegistry.bytecode,
      args: [didRegistry],
    }),
  );
  return { didRegistry, statusRegistry };
}

/** A SQLite Queryable over node:sqlite with $n placeholders, the identity migrations applied. */
export function sqliteQueryable(): Queryable & { close(): void } {
  const db = new DatabaseSync(":memory:");
  for (const m of identityMigrations) db.exec(typeof m.sql === "string" ? m.sql : m.sql.sqlite);
  const prepare = (sql: string) => db.prepare(sql.replace(/\$(\d+)/g, "?$1"));
  return {
    dialect: "sqlite",
    async query<Row extends object>(sql: string, params: readonly SqlParam[] = []) {
      return prepare(sql).all(...(params as never[])) as Row[];
    },
    async one<Row extends object>(sql: string, params: readonly SqlParam[] = []) {
      return prepare(sql).get(...(params as never[])) as Row | undefined;
    },
    async exec(sql: string, params: readonly SqlParam[] = []) {
      return { changes: Number(prepare(sql).run(...(params as never[])).changes) };
    },
    close: () => db.close(),
  };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Every private key in a keystore directory, decrypted straight from the files, in the encodings a leak could take. */
export async function privateKeysOnDisk(dir: string, passphrase: string): Promise<string[]> {
  const secrets: string[] = [];
  for (const name of await readdir(dir)) {
    const f = JSON.parse(await readFile(join(dir, name), "utf8"));
    const p = f.crypto.kdfparams;
    const key = scryptSync(passphrase, Buffer.from(p.salt, "hex"), 64, { N: p.N, r: p.r, p: p.p });
    const d = createDecipheriv("aes-256-gcm", key.subarray(0, 32), Buffer.from(f.crypto.iv, "hex"));
    d.setAAD(Buffer.from(`${f.kind}\n${f.kid}\n${f.publicKeyHex}`));
    d.setAuthTag(Buffer.from(f.crypto.tag, "hex"));
    const plain = Buffer.concat([d.update(Buffer.from(f.crypto.ciphertext, "hex")), d.final()]);
    secrets.push(plain.toString("hex"), plain.toString("base64url"), plain.toString("base64"));
  }
  return secrets;
}

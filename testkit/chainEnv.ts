import { join } from "node:path";
import { type ChainClient, createChain } from "../src/core/chain/client.ts";
import { type Devnet, type StartDevnetOptions, startDevnet } from "../src/core/chain/devnet/devnet.ts";
import type { ChainLogger } from "../src/core/chain/logger.ts";
import { chainMigrations } from "../src/core/chain/migrations.ts";
import { openStore, type Store } from "../src/core/store/index.ts";
import { reservePort } from "./ports.ts";
import { tempDir } from "./tempDir.ts";

export interface LogEntry {
  level: "info" | "warn" | "error";
  message: string;
  fields: object;
}

export function recordingLogger(): ChainLogger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const add = (level: LogEntry["level"]) => (fields: object, message: string) => {
    entries.push({ level, message, fields });
    if (process.env.CHAIN_TEST_VERBOSE) console.error(`[${level}] ${message} ${JSON.stringify(fields)}`);
  };
  return {
    entries,
    info: add("info"),
    warn: add("warn"),
    error: add("error"),
    text: () => entries.map((e) => `[${e.level}] ${e.message}`).join("\n"),
  };
}

export async function openChainStore(file: string): Promise<Store> {
  return openStore({ sqliteFile: file, migrations: chainMigrations });
}

export interface TestChain {
  dir: string;
  devnet: Devnet;
  client: ChainClient;
  store: Store;
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

export async function testChain(prefix: string, options: Partial<StartDevnetOptions> = {}): Promise<TestChain> {
  const dir = await tempDir(`telco-chain-${prefix}-`);
  const logger = recordingLogger();
  const devnet = await startDevnet({ dataDir: dir.path, logger, port: await reservePort(), ...options });
  const client = await createChain({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollingIntervalMs: 100 });
  const store = await openChainStore(join(dir.path, "agent.sqlite"));
  return {
    dir: dir.path,
    devnet,
    client,
    store,
    logger,
    async close() {
      await store.close();
      await devnet.stop();
      await dir.remove();
    },
  };
}

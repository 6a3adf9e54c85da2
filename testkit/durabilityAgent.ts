import type { Address, Hex } from "viem";
import { type ChainClient, createChain } from "../src/core/chain/client.ts";
import { createOutbox } from "../src/core/chain/outbox/outbox.ts";
import { keyring } from "./chainAccounts.ts";
import { openChainStore, recordingLogger } from "./chainEnv.ts";
import { runRecordBurst } from "./recordBurst.ts";
import { recorderArtifact } from "./recorder.ts";

interface AgentConfig {
  rpcUrl: string;
  chainId: number;
  dbFile: string;
  ackFile: string;
  recorder: Address;
  key: Hex;
  firstId: number;
  count: number;
  concurrency: number;
  drain: boolean;
}

const config = JSON.parse(process.env.DURABILITY_AGENT ?? "{}") as AgentConfig;
const logger = recordingLogger();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let client: ChainClient | undefined;
while (!client) {
  client = await createChain({ rpcUrl: config.rpcUrl, chainId: config.chainId, pollingIntervalMs: 100 }).catch(
    () => undefined,
  );
  if (!client) await sleep(100);
}
const store = await openChainStore(config.dbFile);
const accounts = keyring([config.key]);
const from = accounts.addresses[0] as Address;
const abi = recorderArtifact().abi;
const outbox = createOutbox({ store, chain: client, accounts, logger, pollMs: 100, abis: [abi], rebroadcastMs: 1000 });
await outbox.start();

const { retries } = await runRecordBurst({
  outbox,
  abi,
  from,
  recorder: config.recorder,
  firstId: config.firstId,
  count: config.count,
  concurrency: config.concurrency,
  ackFile: config.ackFile,
});
if (config.drain) await outbox.drain(60_000);
await outbox.stop();
await store.close();
process.stdout.write(
  `${JSON.stringify({ submitted: config.count, retries, replays: logger.entries.filter((e) => e.message.startsWith("outbox replayed")).length })}\n`,
);

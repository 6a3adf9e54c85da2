// A child-process "agent" for the durability test: writes a burst of ids through the outbox and appends each id to
// the ack file (fsync'd) only after submit() returned, i.e. once the write is acknowledged.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { type Address, encodeFunctionData, type Hex } from "viem";
import { type ChainClient, createChain } from "../src/core/chain/client.ts";
import { TxRevertedError } from "../src/core/chain/errors.ts";
import { createOutbox } from "../src/core/chain/outbox/outbox.ts";
import { keyring } from "./chainAccounts.ts";
import { openChainStore, recordingLogger } from "./chainEnv.ts";
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

const ack = openSync(config.ackFile, "a");
let retries = 0;
let next = config.firstId;
const end = config.firstId + config.count;

async function worker(): Promise<void> {
  while (next < end) {
    const id = next++;
    const data = encodeFunctionData({ abi, functionName: "record", args: [BigInt(id)] });
    for (;;) {
      try {
        await outbox.submit({ from, to: config.recorder, data, label: `record ${id}` });
        break;
      } catch (error) {
        // Already on chain: a retried submit whose first attempt was journalled before its caller saw an error.
        if (error instanceof TxRevertedError && error.errorName === "AlreadyRecorded") break;
        retries++;
        await sleep(100);
      }
    }
    writeSync(ack, `${id}\n`);
    fsyncSync(ack);
  }
}

await Promise.all(Array.from({ length: config.concurrency }, worker));
closeSync(ack);
if (config.drain) await outbox.drain(60_000);
await outbox.stop();
await store.close();
process.stdout.write(
  `${JSON.stringify({ submitted: config.count, retries, replays: logger.entries.filter((e) => e.message.startsWith("outbox replayed")).length })}\n`,
);

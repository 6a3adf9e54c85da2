// A child-process replica for the fail-over test: one of several processes of one member on one PostgreSQL database,
// each joining the leader election and running the outbox the agent runs (src/core/chain/leader.ts), each writing a
// burst of ids. An id goes to the ack file (fsync'd) only once submit() returned, i.e. once the write is
// acknowledged; each change of role goes to the role file. After its burst the replica stays up (a follower journals,
// the leader sends) until SIGTERM.
import { appendFileSync, existsSync } from "node:fs";
import type { Address, Hex } from "viem";
import { type ChainClient, createChain } from "../src/core/chain/client.ts";
import { electLeader } from "../src/core/chain/leader.ts";
import { chainMigrations } from "../src/core/chain/migrations.ts";
import { createOutbox } from "../src/core/chain/outbox/outbox.ts";
import { openStore } from "../src/core/store/index.ts";
import { keyring } from "./chainAccounts.ts";
import { recordingLogger } from "./chainEnv.ts";
import { runRecordBurst } from "./recordBurst.ts";
import { recorderArtifact } from "./recorder.ts";

export interface ReplicaWriterConfig {
  rpcUrl: string;
  chainId: number;
  databaseUrl: string;
  replicaId: string;
  ackFile: string;
  roleFile: string;
  /** The burst starts once this file exists (every replica up), so that the leader is killed mid-burst. */
  startFile: string;
  recorder: Address;
  key: Hex;
  firstId: number;
  count: number;
  concurrency: number;
}

const config = JSON.parse(process.env.REPLICA_WRITER ?? "{}") as ReplicaWriterConfig;
const logger = recordingLogger();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let client: ChainClient | undefined;
while (!client) {
  client = await createChain({ rpcUrl: config.rpcUrl, chainId: config.chainId, pollingIntervalMs: 100 }).catch(
    () => undefined,
  );
  if (!client) await sleep(100);
}
const store = await openStore({ databaseUrl: config.databaseUrl, migrations: chainMigrations });
const accounts = keyring([config.key]);
const from = accounts.addresses[0] as Address;
const abi = recorderArtifact().abi;
const role = (text: string) => appendFileSync(config.roleFile, `${config.replicaId} ${text} ${Date.now()}\n`);
const leadership = await electLeader({
  databaseUrl: config.databaseUrl,
  scope: from,
  replicaId: config.replicaId,
  logger,
  checkMs: 200,
  onLost: () => process.exit(75),
});
role(leadership.isLeader() ? "leader" : "follower");
leadership.onChange((leader) => role(leader ? "leader" : "follower"));
const outbox = createOutbox({
  store,
  chain: client,
  accounts,
  logger,
  pollMs: 100,
  abis: [abi],
  rebroadcastMs: 1000,
  leadership,
});
leadership.onJournalled(() => outbox.nudge());
await outbox.start();

process.once("SIGTERM", async () => {
  await outbox.stop();
  await leadership.stop();
  await store.close();
  process.exit(0);
});

while (!existsSync(config.startFile)) await sleep(20);
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
process.stdout.write(`${JSON.stringify({ replica: config.replicaId, submitted: config.count, retries })}\n`);

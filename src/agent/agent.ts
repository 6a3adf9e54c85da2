// The member agent: one process per member organisation. It opens the member's encrypted keystore and database,
// refuses to run against a chain whose id or contract code differs from the deployment manifest, then runs the
// transaction outbox, the event indexer (read model) and the REST API that the member's back office uses.
import { hostname } from "node:os";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { ApiKeyCache, listenForRevocations } from "../core/api/api-keys.ts";
import { type ApiApp, type ApiModule, createApiServer } from "../core/api/index.ts";
import { type ChainClient, createChain } from "../core/chain/client.ts";
import { watchHeads, webSocketUrlOf } from "../core/chain/heads.ts";
import { createIndexer, type Indexer, type TopicFilter } from "../core/chain/indexer/indexer.ts";
import { electLeader, type Leadership } from "../core/chain/leader.ts";
import { readManifest, verifyManifest } from "../core/chain/manifest.ts";
import { feeBumpPolicyOf } from "../core/chain/outbox/feeBump.ts";
import { createOutbox, type Outbox } from "../core/chain/outbox/outbox.ts";
import { type AgentConfig, readKeystorePassphrase } from "../core/config.ts";
import { CredentialStatusService } from "../core/identity/credentialStatus.ts";
import { CredentialService } from "../core/identity/credentials.ts";
import { DidService } from "../core/identity/did.ts";
import { DidAuth } from "../core/identity/didAuth.ts";
import { SqlChallengeStore } from "../core/identity/didAuthChallenges.ts";
import { withDidKey } from "../core/identity/didKey.ts";
import { HeldCredentialStore } from "../core/identity/heldCredentials.ts";
import { IssuedCredentialLog } from "../core/identity/issuedCredentials.ts";
import { type Keystore, openKeystore } from "../core/identity/keystore.ts";
import { DidResolver, invalidateOnRegistryEvents } from "../core/identity/resolver.ts";
import { openStore, type Store } from "../core/store/index.ts";
import { DOMAINS } from "../domains.ts";
import { allContractArtifacts, platformAbis } from "../ledger/deploymentPlan.ts";
import { openAgentStore } from "./bootstrap.ts";
import { checkConsistency } from "./consistency.ts";
import { consistencyModule } from "./consistencyRoutes.ts";
import { consoleLiveModule } from "./consoleLive.ts";
import { consoleModule } from "./consoleRoutes.ts";
import type { AgentContext, PlatformContext, PublishedServices } from "./domain.ts";
import { agentInfoModule } from "./infoRoutes.ts";
import { agentMigrations } from "./migrations.ts";
import { registerChainMonitoring } from "./monitoring.ts";
import { AGENT_VERSION_TEXT } from "./version.ts";

export interface Agent {
  config: AgentConfig;
  app: ApiApp;
  store: Store;
  chain: ChainClient;
  outbox: Outbox;
  indexer: Indexer;
  keystore: Keystore;
  dids: DidService;
  resolver: DidResolver;
  /** With config.replication: this process's place in the election among the member's replicas. */
  leadership?: Leadership;
  /** Starts the outbox (recovering anything journalled), the indexer and the HTTP listener; returns the URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** Without a new-head subscription, an idle agent's loops back off to one look at the node this often. */
const IDLE_POLL_MS = 2000;

export interface CreateAgentOptions {
  logger?: Logger;
  /** Overrides DATABASE_URL / config.databaseUrl (tests). */
  databaseUrl?: string;
  /**
   * With config.replication, when this replica led and lost its lock connection (another may lead already). Default:
   * log and exit the process, so its supervisor starts it again as a follower.
   */
  onLeadershipLost?: (error: Error) => void;
}

export async function createAgent(config: AgentConfig, options: CreateAgentOptions = {}): Promise<Agent> {
  const logger = options.logger ?? pino({ level: config.logLevel ?? "info", base: { agent: config.name } });
  const keystore = await openKeystore({
    dir: join(config.dataDir, "keystore"),
    passphrase: readKeystorePassphrase(config),
  });
  if (!keystore.list().some((k) => k.address?.toLowerCase() === config.memberAccount.toLowerCase())) {
    throw new Error(
      `the member account ${config.memberAccount} is not in the keystore at ${join(config.dataDir, "keystore")}`,
    );
  }
  const store = options.databaseUrl
    ? await openStore({ databaseUrl: options.databaseUrl, migrations: agentMigrations })
    : await openAgentStore(config);
  let leadership: Leadership | undefined;
  try {
    leadership = await joinElection(config, logger, options);
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL ?? config.databaseUrl;
    return await assemble(config, { logger, keystore, store, leadership, databaseUrl });
  } catch (error) {
    await leadership?.stop();
    await store.close();
    throw error;
  }
}

/** With config.replication: the election among the member's agent processes on one PostgreSQL database. */
async function joinElection(
  config: AgentConfig,
  logger: Logger,
  options: CreateAgentOptions,
): Promise<Leadership | undefined> {
  if (!config.replication) return undefined;
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL ?? config.databaseUrl;
  if (!databaseUrl) {
    throw new Error("replication needs PostgreSQL: set databaseUrl (or DATABASE_URL), shared by every replica");
  }
  return electLeader({
    databaseUrl,
    scope: config.memberAccount,
    replicaId: config.replication.replicaId ?? `${hostname()}-${process.pid}`,
    logger: logger.child({ component: "replication" }),
    onLost:
      options.onLeadershipLost ??
      ((error) => {
        logger.fatal({ error: error.message }, "leadership lost: exiting so that this replica restarts as a follower");
        process.exit(75);
      }),
  });
}

async function assemble(
  config: AgentConfig,
  deps: {
    logger: Logger;
    keystore: Keystore;
    store: Store;
    leadership: Leadership | undefined;
    databaseUrl: string | undefined;
  },
): Promise<Agent> {
  const { logger, keystore, store, leadership } = deps;
  const chainLogger = logger.child({ component: "chain" });
  const chain = await createChain({ rpcUrl: config.chain.rpcUrl, chainId: config.chain.chainId });
  const manifest = await readManifest(config.chain.manifestPath);
  const artifacts = allContractArtifacts();
  // Refuse to run on a chain whose id or contract code is not what the manifest says (remote mode included).
  await verifyManifest(chain, manifest, artifacts);
  const address = (name: string) => {
    const deployed = manifest.contracts[name];
    if (!deployed)
      throw new Error(`the deployment manifest ${config.chain.manifestPath} has no ${name}; run telco-ledger deploy`);
    return deployed;
  };
  const didRegistry = address("EthereumDIDRegistry");
  const statusRegistry = address("CredentialStatusRegistry");

  // New heads pushed by the node: the outbox and indexer wait on them instead of asking every pollMs.
  const heads = watchHeads({ url: config.chain.wsUrl ?? webSocketUrlOf(config.chain.rpcUrl), logger: chainLogger });
  const idlePollMs = Math.max(config.chain.pollMs ?? 0, IDLE_POLL_MS);
  const outbox = createOutbox({
    store,
    chain,
    accounts: keystore,
    logger: chainLogger,
    abis: platformAbis,
    heads,
    idlePollMs,
    feeBump: feeBumpPolicyOf(config.chain.feeBump),
    ...(leadership ? { leadership } : {}),
  });
  leadership?.onJournalled(() => outbox.nudge());
  const logFilters: Record<string, readonly TopicFilter[]> = Object.assign(
    {},
    ...DOMAINS.map((d) => d.logFilters?.(config.memberAccount) ?? {}),
  );
  const indexer = createIndexer({
    store,
    chain,
    sources: Object.entries(artifacts).map(([name, artifact]) => ({
      name,
      address: address(name).address,
      abi: artifact.abi,
      fromBlock: address(name).blockNumber,
      ...(logFilters[name] ? { topics: logFilters[name] } : {}),
    })),
    projections: DOMAINS.flatMap((d) => d.projections ?? []),
    ...(config.chain.pollMs ? { pollMs: config.chain.pollMs } : {}),
    heads,
    idlePollMs,
    confirmations: config.chain.confirmations ?? 0,
    logger: chainLogger,
    ...(leadership ? { leadership } : {}),
  });

  const resolver = new DidResolver({
    chainId: config.chain.chainId,
    rpcUrl: config.chain.rpcUrl,
    registry: didRegistry.address,
  });
  invalidateOnRegistryEvents(resolver, indexer, didRegistry.address);
  // Dropped blocks may have changed any DID document: forget every cached resolution.
  indexer.onRewind(() => resolver.clear());
  // Dropped blocks may have held this agent's own transactions: each journalled as mined must still have a receipt.
  // Not awaited: the indexer goes on meanwhile, and whatever is sent again is indexed when mined.
  indexer.onRewind(() => {
    outbox.reconcile().catch((error) => chainLogger.warn({ error: String(error) }, "outbox reconciliation failed"));
  });
  const dids = new DidService({
    keystore,
    txSender: outbox,
    store,
    chainId: config.chain.chainId,
    registry: didRegistry.address,
    // The funding policy (config.chain.fundNewAccountsWei): the member account pays each new controller account's gas.
    ...(config.chain.fundNewAccountsWei
      ? { funder: { from: config.memberAccount, amount: BigInt(config.chain.fundNewAccountsWei) } }
      : {}),
  });
  const status = new CredentialStatusService({
    txSender: outbox,
    publicClient: chain,
    registry: statusRegistry.address,
    dids,
  });
  const credentials = new CredentialService({
    keystore,
    dids,
    resolver,
    status,
    chainId: config.chain.chainId,
    issued: new IssuedCredentialLog(store),
    held: new HeldCredentialStore(store),
  });
  // Open DID-Auth challenges live in the agent's store: single use, and they survive a restart. Provers may be
  // did:ethr identities or people's pairwise did:keys (flow 2.1), resolved locally.
  const didAuth = new DidAuth({
    resolver: withDidKey(resolver),
    audience: config.publicUrl,
    challenges: new SqlChallengeStore(store),
  });

  const platform: PlatformContext = {
    config,
    logger,
    store,
    chain,
    outbox,
    indexer,
    keystore,
    manifest,
    contractAddress: (name) => address(name).address,
    dids,
    resolver,
    credentials,
    credentialStatus: status,
    didAuth,
  };
  // Each domain publishes to the ones after it, in src/domains.ts order, before any domain builds its routes.
  const published: Partial<PublishedServices> = {};
  const context: AgentContext = { ...platform, published: published as PublishedServices };
  for (const domain of DOMAINS) Object.assign(published, await domain.publish?.(context));
  const domainApis: ApiModule[] = [];
  for (const domain of DOMAINS) if (domain.api) domainApis.push(await domain.api(context));
  // API keys are cached; with PostgreSQL only while this process hears other replicas' revocations (api-keys.ts).
  const apiKeyCache = new ApiKeyCache({ live: store.dialect === "sqlite" });
  const revocations =
    store.dialect === "postgres" && deps.databaseUrl
      ? await listenForRevocations(deps.databaseUrl, apiKeyCache, {
          onError: (error) =>
            logger.warn({ error: error.message }, "API key revocation listener down: keys are read per request"),
        })
      : undefined;
  const app = await createApiServer({
    apiKeyCache,
    store,
    member: { id: config.memberAccount.toLowerCase(), name: config.memberName },
    version: AGENT_VERSION_TEXT,
    logger: { level: config.logLevel ?? "info", base: { agent: config.name } },
    ...(config.accessLogSampleEvery ? { accessLogSampleEvery: config.accessLogSampleEvery } : {}),
    modules: [
      agentInfoModule({ config, manifest, keystore }),
      consistencyModule(() => checkConsistency(context, DOMAINS)),
      ...domainApis,
      consoleLiveModule({ chain, indexer }),
      consoleModule(),
    ],
  });
  registerChainMonitoring(app, {
    chainId: config.chain.chainId,
    chain,
    outbox,
    indexer,
    store,
    limits: config.chain.health ?? {},
    memberAccount: config.memberAccount,
    ...(leadership ? { leadership } : {}),
  });

  const workers: Array<{ stop(): Promise<void> }> = [];
  let workersStarted = false;
  // The domains' background workers react to the chain and may write to it: with replicas, only the leader runs them.
  const startWorkers = async () => {
    if (workersStarted || (leadership && !leadership.isLeader())) return;
    workersStarted = true;
    for (const domain of DOMAINS) {
      const worker = await domain.start?.(context);
      if (worker) workers.push(worker);
    }
  };
  const stopPromotion = leadership?.onChange((leader) => {
    if (!leader) return;
    outbox.nudge();
    startWorkers().catch((error) => logger.error({ error: String(error) }, "starting the workers failed"));
  });
  const stop = async () => {
    stopPromotion?.();
    await app.close();
    await revocations?.stop();
    for (const worker of workers.splice(0)) await worker.stop();
    await indexer.stop();
    await outbox.stop();
    await leadership?.stop();
    heads.close();
    await store.close();
  };
  return {
    config,
    app,
    store,
    chain,
    outbox,
    indexer,
    keystore,
    dids,
    resolver,
    ...(leadership ? { leadership } : {}),
    async start() {
      await outbox.start();
      await indexer.syncOnce();
      await indexer.start();
      await startWorkers();
      try {
        return await app.listen({ host: config.listen.host, port: config.listen.port });
      } catch (error) {
        // Workers already run: a failed listen stops them too, so the process can exit instead of idling on.
        await stop();
        throw new AgentListenError(config.listen.host, config.listen.port, error);
      }
    },
    stop,
  };
}

/** The API could not listen (the port is taken, or the host is not this machine's). */
export class AgentListenError extends Error {
  override readonly name = "AgentListenError";
  readonly code = "AGENT_LISTEN_FAILED";
  constructor(host: string, port: number, cause: unknown) {
    const reason = (cause as { code?: string }).code ?? (cause as Error).message;
    const hint = reason === "EADDRINUSE" ? ": another process holds it; stop it or set listen.port in agent.json" : "";
    super(`cannot listen on ${host}:${port} (${reason})${hint}`, { cause });
  }
}

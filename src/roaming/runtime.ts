// One agent's roaming services, built once per agent context and shared by its routes and its worker.
import type { AgentContext } from "../agent/domain.ts";
import { CiphertextSource } from "./ciphertexts.ts";
import { EncryptionKeyRing } from "./crypto/keyRing.ts";
import { HomeResponder } from "./home/index.ts";
import { VpmnQuota } from "./home/quota.ts";
import { OperatorKeys } from "./keys.ts";
import { RoamingMetrics } from "./metrics.ts";
import { NetworkClaims } from "./networks.ts";
import { OperatorDirectory } from "./operators.ts";
import { PolicyStore } from "./policy.ts";
import { OPERATOR_REGISTRY, ROAMING_EXCHANGE } from "./projection.ts";
import { RoamingReadModel } from "./readModel.ts";
import { PolicyRepository, rememberSelf } from "./repository.ts";
import { SqlSubscriberRegister } from "./subscribers/repository.ts";
import { simSwapJournal } from "./subscribers/repositorySimSwaps.ts";
import { VisitedService } from "./visited/index.ts";

/** Tuning knobs, from the environment so that the sandbox, tests and benchmarks can set them per agent process. */
export interface RoamingSettings {
  requestTtlSeconds: number;
  batchMaxSize: number;
  batchMaxDelayMs: number;
  batchMaxInFlight: number;
  keyGraceSeconds: number;
  /** Requests the home agent answers per visited operator per window; the excess is answered "throttled". */
  vpmnQuota: number;
  vpmnQuotaWindowSeconds: number;
}

const envInt = (name: string, fallback: number) => {
  const value = process.env[name];
  const n = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export function roamingSettings(): RoamingSettings {
  const requestTtlSeconds = envInt("TELCO_ROAMING_REQUEST_TTL", 60);
  return {
    requestTtlSeconds,
    batchMaxSize: Math.min(envInt("TELCO_ROAMING_BATCH_SIZE", 400), 1000),
    batchMaxDelayMs: envInt("TELCO_ROAMING_BATCH_DELAY_MS", 50),
    batchMaxInFlight: envInt("TELCO_ROAMING_BATCH_IN_FLIGHT", 4),
    keyGraceSeconds: envInt("TELCO_ROAMING_KEY_GRACE", Math.max(600, requestTtlSeconds * 2)),
    // 1,000 a second sustained from one visited operator: above what the benchmarks offer one pair, far below a flood.
    vpmnQuota: envInt("TELCO_ROAMING_VPMN_QUOTA", 60_000),
    vpmnQuotaWindowSeconds: envInt("TELCO_ROAMING_VPMN_QUOTA_WINDOW", 60),
  };
}

export interface RoamingRuntime {
  settings: RoamingSettings;
  readModel: RoamingReadModel;
  keys: OperatorKeys;
  directory: OperatorDirectory;
  claims: NetworkClaims;
  register: SqlSubscriberRegister;
  policy: PolicyStore;
  visited: VisitedService;
  home: HomeResponder;
  ciphertexts: CiphertextSource;
  metrics: RoamingMetrics;
}

const runtimes = new WeakMap<AgentContext, Promise<RoamingRuntime>>();

export function roamingRuntime(context: AgentContext): Promise<RoamingRuntime> {
  let runtime = runtimes.get(context);
  if (!runtime) {
    runtime = build(context);
    runtimes.set(context, runtime);
  }
  return runtime;
}

async function build(context: AgentContext): Promise<RoamingRuntime> {
  const settings = roamingSettings();
  const ring = new EncryptionKeyRing(context.keystore, { graceSeconds: settings.keyGraceSeconds });
  const memberAccount = context.config.memberAccount;
  // From now on the projection keeps only the exchanges this member is a party to.
  await rememberSelf(context.store, memberAccount);
  const exchange = context.contractAddress(ROAMING_EXCHANGE);
  const registry = context.contractAddress(OPERATOR_REGISTRY);
  const sync = () => context.indexer.syncOnce();
  const logger = context.logger.child({ domain: "roaming" });
  const readModel = new RoamingReadModel(context.store);
  const directory = new OperatorDirectory(readModel, context.resolver, context.config.chain.chainId);
  const register = new SqlSubscriberRegister(context.store, simSwapJournal(context.store));
  const policy = new PolicyStore(new PolicyRepository(context.store));
  const ciphertexts = new CiphertextSource(context.chain, exchange);
  const metrics = new RoamingMetrics();
  // Batches must fit the chain's blocks: each kind's size is capped from the node's block gas limit (exchange.ts).
  // A node that does not answer now leaves the configured sizes (the devnet's 150M-gas blocks take them all).
  const blockGasLimit = await context.chain.getBlock({ blockTag: "latest" }).then(
    (block) => block.gasLimit,
    () => undefined,
  );
  const batch = {
    blockGasLimit,
    maxSize: settings.batchMaxSize,
    maxDelayMs: settings.batchMaxDelayMs,
    maxInFlight: settings.batchMaxInFlight,
  };
  return {
    settings,
    readModel,
    directory,
    register,
    policy,
    keys: new OperatorKeys({
      ring,
      dids: context.dids,
      outbox: context.outbox,
      memberAccount,
      didRegistry: context.contractAddress("EthereumDIDRegistry"),
      operatorRegistry: registry,
      graceSeconds: settings.keyGraceSeconds,
      sync,
    }),
    claims: new NetworkClaims({ outbox: context.outbox, memberAccount, registry, sync }),
    visited: new VisitedService({
      store: context.store,
      outbox: context.outbox,
      logger,
      memberAccount,
      exchange,
      ring,
      directory,
      requestTtlSeconds: settings.requestTtlSeconds,
      batch,
    }),
    home: new HomeResponder({
      store: context.store,
      readModel,
      outbox: context.outbox,
      logger,
      memberAccount,
      exchange,
      ring,
      directory,
      register,
      policy,
      batch,
      ciphertexts,
      quota: new VpmnQuota({ limit: settings.vpmnQuota, windowSeconds: settings.vpmnQuotaWindowSeconds }),
      metrics,
      sync,
    }),
    ciphertexts,
    metrics,
  };
}

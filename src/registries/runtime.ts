// One agent's registries services, built once per agent context and shared by its routes and consistency check.
import type { AgentContext } from "../agent/domain.ts";
import type { MembershipDirectory } from "../membership/published.ts";
import { BlockedDevices } from "./blockedDevices.ts";
import { RegistriesError } from "./errors.ts";
import { ConsortiumKey } from "./keys.ts";
import { PortExecutor } from "./ports/executor.ts";
import { PortOutSignals } from "./ports/portOutSignals.ts";
import { PORT_CLEARING } from "./ports/projection.ts";
import { PortReadModel } from "./ports/readModel.ts";
import { PortService } from "./ports/service.ts";
import { DEVICE_REGISTRY } from "./projection.ts";
import { DeviceReadModel, type DeviceReportView } from "./readModel.ts";
import { ConsortiumKeyRepository } from "./repository.ts";
import { DeviceService } from "./service.ts";
import { FRAUD_SIGNALS, TRACEBACK } from "./traceback/projection.ts";
import { TracebackReadModel } from "./traceback/readModel.ts";
import { VetterFlagReadModel } from "./traceback/readModelFlags.ts";
import { RecentSignals } from "./traceback/recentSignals.ts";
import { CallLog } from "./traceback/repositoryCallLog.ts";
import { TraceResponder } from "./traceback/responder.ts";
import { TracebackService } from "./traceback/service.ts";
import { SignalService } from "./traceback/signals.ts";
import { SimSwapSignals } from "./traceback/simSwapSignals.ts";
import { VetterFlagService } from "./traceback/vetterFlags.ts";

export interface RegistriesRuntime {
  readModel: DeviceReadModel;
  key: ConsortiumKey;
  blocked: BlockedDevices;
  devices: DeviceService;
  members: MembershipDirectory;
  ports: PortService;
  portReadModel: PortReadModel;
  /** Executes the EIDL port of activated ports on the agent hosting the Numbering Authority (ports/executor.ts). */
  portExecutor: PortExecutor;
  /** Publishes a port-out fraud signal for each number of a port this member lost (ports/portOutSignals.ts). */
  portOutSignals: PortOutSignals;
  /** Publishes a sim-swap fraud signal for each SIM swap of this member's subscriber register (simSwapSignals.ts). */
  simSwapSignals: SimSwapSignals;
  traceback: TracebackService;
  signals: SignalService;
  /** The published "recent signals about this number" (published.ts). */
  recentSignals: RecentSignals;
  tracebackReadModel: TracebackReadModel;
  /** This member's call log, and the agent answering traces from it (traceback/responder.ts). */
  callLog: CallLog;
  traceResponder: TraceResponder;
  /** Numbers of confirmed robocall campaigns flagged to their holder's vetter (traceback/vetterFlags.ts). */
  vetterFlags: VetterFlagService;
  vetterFlagReadModel: VetterFlagReadModel;
  chainId: number;
  /** A report from the read model, or REGISTRIES_REPORT_NOT_FOUND naming params.reportId. */
  report(reportId: string): Promise<DeviceReportView>;
}

const runtimes = new WeakMap<AgentContext, Promise<RegistriesRuntime>>();

export function registriesRuntime(context: AgentContext): Promise<RegistriesRuntime> {
  let runtime = runtimes.get(context);
  if (!runtime) {
    runtime = build(context);
    runtimes.set(context, runtime);
  }
  return runtime;
}

async function build(context: AgentContext): Promise<RegistriesRuntime> {
  const logger = context.logger.child({ domain: "registries" });
  const readModel = new DeviceReadModel(context.store);
  const key = new ConsortiumKey(new ConsortiumKeyRepository(context.store));
  await key.load();
  const blocked = new BlockedDevices(readModel, (error) =>
    logger.error({ err: error }, "the blocked-device index could not follow an event"),
  );
  await blocked.follow(context.indexer);
  const devices = new DeviceService({
    sender: context.outbox,
    registry: context.contractAddress(DEVICE_REGISTRY),
    memberAccount: context.config.memberAccount,
    chainId: context.config.chain.chainId,
    readModel,
    key,
    blocked,
    sync: () => context.indexer.syncOnce(),
  });
  const portReadModel = new PortReadModel(context.store);
  const ports = new PortService({
    sender: context.outbox,
    chain: context.chain,
    clearing: context.contractAddress(PORT_CLEARING),
    memberAccount: context.config.memberAccount,
    chainId: context.config.chain.chainId,
    readModel: portReadModel,
    eidl: context.published.eidl,
    eidlPorts: context.published.eidlPorts,
    sync: () => context.indexer.syncOnce(),
  });
  const portExecutor = new PortExecutor({
    readModel: portReadModel,
    eidlPorts: context.published.eidlPorts,
    onError: (error, port, number) =>
      logger.error({ err: error, portId: port.portId, number }, "the EIDL port of an activated port failed"),
    onBatchRefused: (error, count) =>
      logger.warn({ err: error, count }, "a batch of EIDL ports was refused: executing its ports one by one"),
    onDrainError: (error) => logger.error({ err: error }, "looking for activated ports to execute failed"),
  });
  const tracebackReadModel = new TracebackReadModel(context.store);
  const shared = {
    sender: context.outbox,
    memberAccount: context.config.memberAccount,
    chainId: context.config.chain.chainId,
    readModel: tracebackReadModel,
    key,
    sync: () => context.indexer.syncOnce(),
  };
  const traceback = new TracebackService({
    ...shared,
    traceback: context.contractAddress(TRACEBACK),
    stir: context.published.stir,
  });
  const callLog = new CallLog(context.store);
  const traceResponder = new TraceResponder({
    log: callLog,
    traceback,
    memberAccount: context.config.memberAccount,
    onError: (error, pending) =>
      logger.warn({ err: error, traceId: pending.traceId }, "the automatic traceback answer was refused"),
    onDrainError: (error) => logger.error({ err: error }, "looking for traces to answer failed"),
  });
  const signals = new SignalService({
    ...shared,
    chain: context.chain,
    signals: context.contractAddress(FRAUD_SIGNALS),
  });
  const vetterFlagReadModel = new VetterFlagReadModel(context.store);
  const vetterFlags = new VetterFlagService({
    sender: context.outbox,
    traceback: context.contractAddress(TRACEBACK),
    memberAccount: context.config.memberAccount,
    chainId: context.config.chain.chainId,
    readModel: vetterFlagReadModel,
    eidl: context.published.eidl,
    key,
    trace: (traceId) => traceback.trace(traceId),
    sync: () => context.indexer.syncOnce(),
  });
  const portOutSignals = new PortOutSignals({
    readModel: portReadModel,
    signals,
    key,
    memberAccount: context.config.memberAccount,
    onError: (error, port, number) =>
      logger.error({ err: error, portId: port.portId, number }, "the port-out signal of a lost number failed"),
    onDrainError: (error) => logger.error({ err: error }, "looking for port-out signals to publish failed"),
  });
  const simSwapSignals = new SimSwapSignals({
    swaps: context.published.simSwaps,
    signals,
    key,
    memberAccount: context.config.memberAccount,
    onError: (error, swap) =>
      logger.error({ err: error, swapId: swap.swapId }, "the sim-swap signal of a SIM swap failed (retried later)"),
    onDrainError: (error) => logger.error({ err: error }, "looking for SIM swaps to publish failed"),
  });
  key.onSet(() => simSwapSignals.poke());
  return {
    readModel,
    traceback,
    portOutSignals,
    simSwapSignals,
    signals,
    recentSignals: new RecentSignals(key, tracebackReadModel),
    tracebackReadModel,
    callLog,
    traceResponder,
    vetterFlags,
    vetterFlagReadModel,
    chainId: context.config.chain.chainId,
    ports,
    portReadModel,
    portExecutor,
    key,
    blocked,
    devices,
    members: context.published.membership,
    async report(reportId) {
      const report = await readModel.report(reportId);
      if (!report) {
        throw new RegistriesError("REGISTRIES_REPORT_NOT_FOUND", `no device report ${reportId}`, {
          field: "params.reportId",
        });
      }
      return report;
    },
  };
}

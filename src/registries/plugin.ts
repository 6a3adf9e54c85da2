// The registries domain (issue 22): shared telecom registries on the ledger. The stolen/lost device register
// (DeviceRegistry, read model and in-memory index) and number-port clearing (PortClearing, its read model, and the
// EIDL port executed at activation); their API, CLI and sandbox seed.
import type { DomainPlugin } from "../agent/domain.ts";
import { DeviceRegistry, FraudSignals, PortClearing, Traceback } from "../generated/contracts.ts";
import { registerRegistriesCommands } from "./cli.ts";
import { registriesDifferences } from "./consistency.ts";
import { REGISTRIES_ERRORS } from "./errors.ts";
import { registriesMigrations } from "./migrations.ts";
import { portDifferences } from "./ports/consistency.ts";
import { PORT_CLEARING, portsProjection } from "./ports/projection.ts";
import { DEVICE_REGISTRY, registriesProjection } from "./projection.ts";
import { registriesApiModule } from "./routes.ts";
import { registriesRuntime } from "./runtime.ts";
import { seedRegistriesSandbox } from "./seed.ts";
import { tracebackDifferences } from "./traceback/consistency.ts";
import { vetterFlagDifferences } from "./traceback/consistencyFlags.ts";
import { FRAUD_SIGNALS, TRACEBACK, tracebackProjection } from "./traceback/projection.ts";

type DeploymentArgs = NonNullable<DomainPlugin["deployment"]>[number]["args"];

/** Deployment args of a contract that takes only the ConsortiumRegistry's address. */
const consortiumArgs =
  (name: string): DeploymentArgs =>
  (deployed) => {
    const consortium = deployed.ConsortiumRegistry;
    if (!consortium) throw new Error(`ConsortiumRegistry must be deployed before ${name}`);
    return [consortium.address];
  };

export const registriesPlugin: DomainPlugin = {
  name: "registries",
  description:
    "Shared telecom registries: stolen, lost, fraudulent and blocked devices; number-port clearing between providers; robocall traceback and fraud signals",
  doc: "docs/registries.md",
  errors: REGISTRIES_ERRORS,
  contracts: {
    [DEVICE_REGISTRY]: DeviceRegistry,
    [PORT_CLEARING]: PortClearing,
    [TRACEBACK]: Traceback,
    [FRAUD_SIGNALS]: FraudSignals,
  },
  deployment: [
    {
      name: DEVICE_REGISTRY,
      artifact: DeviceRegistry,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the DeviceRegistry");
        return [consortium.address];
      },
    },
    {
      name: PORT_CLEARING,
      artifact: PortClearing,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before PortClearing");
        return [consortium.address];
      },
    },
    { name: TRACEBACK, artifact: Traceback, args: consortiumArgs(TRACEBACK) },
    { name: FRAUD_SIGNALS, artifact: FraudSignals, args: consortiumArgs(FRAUD_SIGNALS) },
  ],
  migrations: registriesMigrations,
  projections: [registriesProjection, portsProjection, tracebackProjection],
  // Recent fraud signals about a number, for the identity flows (built lazily: the runtime needs every domain).
  publish: (context) => ({
    fraudSignals: {
      recentSignals: async (number, withinSeconds, kinds) =>
        (await registriesRuntime(context)).recentSignals.recentSignals(number, withinSeconds, kinds),
    },
  }),
  api: async (context) => registriesApiModule(await registriesRuntime(context)),
  // Builds the runtime at start, so the in-memory index is loaded and following before the first lookup, and starts
  // executing the EIDL port of activated ports (on the agent hosting the Numbering Authority; a no-op elsewhere) and
  // answering the traces that ask this member about a call in its call log, and publishing the port-out fraud signals
  // of the ports this member lost and the sim-swap fraud signals of its subscriber register's SIM swaps.
  async start(context) {
    const runtime = await registriesRuntime(context);
    runtime.portExecutor.follow(context.indexer);
    runtime.traceResponder.follow(context.indexer);
    runtime.portOutSignals.follow(context.indexer);
    runtime.simSwapSignals.follow();
    return {
      stop: async () =>
        Promise.all([
          runtime.portExecutor.stop(),
          runtime.traceResponder.stop(),
          runtime.portOutSignals.stop(),
          runtime.simSwapSignals.stop(),
        ]).then(() => {}),
    };
  },
  async checkConsistency(context, blockNumber) {
    const runtime = await registriesRuntime(context);
    return [
      ...(await registriesDifferences(
        runtime.readModel,
        context.chain,
        context.contractAddress(DEVICE_REGISTRY),
        blockNumber,
      )),
      ...(await portDifferences(
        runtime.portReadModel,
        context.chain,
        context.contractAddress(PORT_CLEARING),
        blockNumber,
      )),
      ...(await tracebackDifferences(
        runtime.tracebackReadModel,
        context.chain,
        { traceback: context.contractAddress(TRACEBACK), signals: context.contractAddress(FRAUD_SIGNALS) },
        blockNumber,
      )),
      ...(await vetterFlagDifferences(
        runtime.vetterFlagReadModel,
        context.chain,
        context.contractAddress(TRACEBACK),
        blockNumber,
      )),
    ];
  },
  registerCommands: registerRegistriesCommands,
  seedSandbox: seedRegistriesSandbox,
};

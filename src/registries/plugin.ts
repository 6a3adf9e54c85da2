// The registries domain (issue 22): shared telecom registries on the ledger. Today the stolen/lost device register:
// the DeviceRegistry contract and its deployment, the read model and in-memory index, the API, CLI and sandbox seed.
import type { DomainPlugin } from "../agent/domain.ts";
import { DeviceRegistry } from "../generated/contracts.ts";
import { registerRegistriesCommands } from "./cli.ts";
import { registriesDifferences } from "./consistency.ts";
import { REGISTRIES_ERRORS } from "./errors.ts";
import { registriesMigrations } from "./migrations.ts";
import { DEVICE_REGISTRY, registriesProjection } from "./projection.ts";
import { registriesApiModule } from "./routes.ts";
import { registriesRuntime } from "./runtime.ts";
import { seedRegistriesSandbox } from "./seed.ts";

export const registriesPlugin: DomainPlugin = {
  name: "registries",
  description: "Shared telecom registries: stolen, lost, fraudulent and blocked devices reported by mobile operators",
  doc: "docs/registries.md",
  errors: REGISTRIES_ERRORS,
  contracts: { [DEVICE_REGISTRY]: DeviceRegistry },
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
  ],
  migrations: registriesMigrations,
  projections: [registriesProjection],
  api: async (context) => registriesApiModule(await registriesRuntime(context)),
  // Builds the runtime at start, so the in-memory index is loaded and following before the first lookup.
  async start(context) {
    await registriesRuntime(context);
    return undefined;
  },
  async checkConsistency(context, blockNumber) {
    return registriesDifferences(
      (await registriesRuntime(context)).readModel,
      context.chain,
      context.contractAddress(DEVICE_REGISTRY),
      blockNumber,
    );
  },
  registerCommands: registerRegistriesCommands,
  seedSandbox: seedRegistriesSandbox,
};

// The roaming domain (EEA use case 1A) as a platform plugin: the OperatorRegistry and RoamingExchange contracts and
// their deployment, the read model, the API for both roles, the background worker, the CLI and sandbox seeding.
import { type AbiEvent, getAbiItem, pad, toEventSelector } from "viem";
import type { DomainPlugin } from "../agent/domain.ts";
import { OperatorRegistry, RoamingExchange } from "../generated/contracts.ts";
import { registerRoamingCommands } from "./cli.ts";
import { roamingDifferences } from "./consistency.ts";
import { ROAMING_ERRORS } from "./errors.ts";
import { roamingMigrations } from "./migrations.ts";
import { OPERATOR_REGISTRY, ROAMING_EXCHANGE, roamingProjection } from "./projection.ts";
import { publishedRoaming } from "./published.ts";
import { roamingApiModule } from "./routes.ts";
import { roamingRuntime } from "./runtime.ts";
import { seedRoamingSandbox } from "./seed.ts";
import { simSwapJournal } from "./subscribers/repositorySimSwaps.ts";
import { startRoamingWorker } from "./worker.ts";

const required = (deployed: Record<string, { address: string }>, name: string) => {
  const contract = deployed[name];
  if (!contract) throw new Error(`${name} must be deployed before the roaming contracts`);
  return contract.address;
};

export const roamingPlugin: DomainPlugin = {
  name: "roaming",
  description:
    "Roaming subscriber authentication (EEA use case 1A): encrypted request/answer/activation between operators",
  doc: "docs/roaming.md",
  errors: ROAMING_ERRORS,
  contracts: { [OPERATOR_REGISTRY]: OperatorRegistry, [ROAMING_EXCHANGE]: RoamingExchange },
  deployment: [
    {
      name: OPERATOR_REGISTRY,
      artifact: OperatorRegistry,
      args: (d) => [required(d, "ConsortiumRegistry"), required(d, "EthereumDIDRegistry")],
    },
    {
      name: ROAMING_EXCHANGE,
      artifact: RoamingExchange,
      args: (d) => [required(d, "ConsortiumRegistry"), required(d, OPERATOR_REGISTRY)],
    },
  ],
  migrations: roamingMigrations,
  projections: [roamingProjection],
  // Every exchange event names its two operators in topics 2 (VPMN) and 3 (HPMN): an agent fetches the exchanges of
  // its own member only, so a busy pair costs a third operator nothing. ItemSkipped names no party; it is rare.
  logFilters(memberAccount) {
    const me = pad(memberAccount.toLowerCase() as `0x${string}`);
    const skipped = toEventSelector(getAbiItem({ abi: RoamingExchange.abi, name: "ItemSkipped" }) as AbiEvent);
    return { [ROAMING_EXCHANGE]: [[null, null, me], [null, null, null, me], [skipped]] };
  },
  // The operator keys (for settlement's delivery), and the SIM swaps of the home subscriber register, journalled with
  // each store change, for the registries domain to publish as fraud signals (published.ts). The same journal feeds
  // identity's operator guardian through the port identity publishes (identity comes first in src/domains.ts, so it
  // cannot ask for the journal; roaming attaches it), read with identity's own cursor.
  publish: (context) => {
    const journal = simSwapJournal(context.store);
    context.published.operatorGuardian?.attachSimSwapFeed(journal);
    return { roaming: publishedRoaming(() => roamingRuntime(context)), simSwaps: journal };
  },
  api: async (context) => roamingApiModule(await roamingRuntime(context), context),
  async start(context) {
    const runtime = await roamingRuntime(context);
    return startRoamingWorker({
      readModel: runtime.readModel,
      indexer: context.indexer,
      logger: context.logger.child({ domain: "roaming" }),
      memberAccount: context.config.memberAccount,
      home: runtime.home,
      visited: runtime.visited,
      keys: runtime.keys,
      ciphertexts: runtime.ciphertexts,
    });
  },
  async checkConsistency(context, blockNumber) {
    const runtime = await roamingRuntime(context);
    return roamingDifferences(
      runtime.readModel,
      context.chain,
      {
        operatorRegistry: context.contractAddress(OPERATOR_REGISTRY),
        consortium: context.contractAddress("ConsortiumRegistry"),
      },
      blockNumber,
    );
  },
  registerCommands: registerRoamingCommands,
  seedSandbox: seedRoamingSandbox,
};

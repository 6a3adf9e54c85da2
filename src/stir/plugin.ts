// The signed-calls domain as a platform plugin: tables, API, CLI, sandbox seeding, and the ledger facts its OSP
// decisions read (what the EIDL domain publishes: vetting and TN grants in memory, kept current by chain events).
// No contracts of its own: identity comes from the DID registry, vetting and numbers from the EIDL contracts.
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { registerStirCommands } from "./cli.ts";
import { EidlLedgerFacts } from "./eidlFacts.ts";
import { STIR_ERRORS, StirError } from "./errors.ts";
import { stirMigrations } from "./migrations.ts";
import { publishedStir } from "./published.ts";
import { StirRepository } from "./repository.ts";
import { ATIS_1000082_PATHS, stirApiModule } from "./routes.ts";
import { seedStirSandbox } from "./sandbox.ts";
import { StirService } from "./service.ts";

const runtimes = new WeakMap<AgentContext, Promise<{ service: StirService }>>();

/** One service per agent, shared by its API and workers. */
export function stirRuntime(context: AgentContext) {
  let runtime = runtimes.get(context);
  if (!runtime) {
    runtime = (async () => {
      const facts = new EidlLedgerFacts(context.published.eidl);
      const service = new StirService({
        records: new StirRepository(context.store),
        keystore: context.keystore,
        resolver: context.resolver,
        facts,
        publicUrl: context.config.publicUrl,
        dataDir: context.config.dataDir,
        async signingKidOf(did) {
          const hosted = await context.dids.get(did);
          if (!hosted.signingKid)
            throw new StirError("STIR_NOT_CONFIGURED", "no-signing-key", `${did} has no signing key`);
          return hosted.signingKid;
        },
      });
      await service.load();
      return { service };
    })();
    runtimes.set(context, runtime);
  }
  return runtime;
}

export const stirPlugin: DomainPlugin = {
  name: "stir",
  description: "Signed calls (STIR/SHAKEN): Enterprise PASSporTs, OSP attestation from ledger facts, STI-AS and STI-VS",
  doc: "docs/stir.md",
  errors: STIR_ERRORS,
  standardPaths: ATIS_1000082_PATHS.map((prefix) => ({
    prefix,
    standard: "ATIS-1000082 (SHAKEN APIs for a centralized signing and signature validation server)",
  })),
  migrations: stirMigrations,
  async publish(context) {
    const { service } = await stirRuntime(context);
    return { stir: publishedStir(service) };
  },
  async api(context) {
    const { service } = await stirRuntime(context);
    return stirApiModule(service);
  },
  registerCommands: registerStirCommands,
  seedSandbox: seedStirSandbox,
};

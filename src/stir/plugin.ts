// The signed-calls domain as a platform plugin: tables, API and the in-memory ledger facts its OSP decisions read.
// No contracts of its own: it reads identity (DID registry) and credential status from the platform's contracts.
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { parseEthrDid } from "../core/identity/didEthr.ts";
import { CredentialLedgerFacts } from "./credentialFacts.ts";
import { StirError } from "./errors.ts";
import { stirMigrations } from "./migrations.ts";
import { stirApiModule } from "./routes.ts";
import { StirService } from "./service.ts";

const runtimes = new WeakMap<AgentContext, Promise<{ service: StirService; facts: CredentialLedgerFacts }>>();

/** One service per agent, shared by its API and workers. */
export function stirRuntime(context: AgentContext) {
  let runtime = runtimes.get(context);
  if (!runtime) {
    runtime = (async () => {
      const facts = new CredentialLedgerFacts({
        db: context.store,
        verify: (jwt) => context.credentials.verify(jwt),
        addressOfDid: (did) => parseEthrDid(did, "body.credential").address,
        async rolesOfAccount(account) {
          const lower = account.toLowerCase();
          const members = await context.membership.listMembers({ active: true });
          return members.find((m) => m.accounts.some((a) => a.toLowerCase() === lower))?.roles ?? [];
        },
      });
      context.indexer.onEvent((event) => facts.onChainEvent(event));
      await facts.load();
      const service = new StirService({
        db: context.store,
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
      return { service, facts };
    })();
    runtimes.set(context, runtime);
  }
  return runtime;
}

export const stirPlugin: DomainPlugin = {
  name: "stir",
  migrations: stirMigrations,
  async api(context) {
    const { service, facts } = await stirRuntime(context);
    return stirApiModule(service, facts);
  },
};

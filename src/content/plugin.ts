// The content domain (EEA use case 4, issue 19) as a platform plugin: works as ERC-721 tokens, ownership shares,
// licences and sub-licences, delivery-metered royalties paid in the settlement token through pull-based splits,
// promoter fees, and consumer credits issued in reward batches.
import type { DomainPlugin } from "../agent/domain.ts";
import {
  ContentCredits,
  ContentLicences,
  ContentRegistry,
  ContentRoyalties,
  ContentTickets,
} from "../generated/contracts.ts";
import { registerContentCommands } from "./cli.ts";
import { contentDifferences } from "./consistency.ts";
import { CONTENT_ERRORS } from "./errors.ts";
import { contentMigrations } from "./migrations.ts";
import {
  CONTENT_CREDITS,
  CONTENT_LICENCES,
  CONTENT_REGISTRY,
  CONTENT_ROYALTIES,
  CONTENT_TICKETS,
  contentProjection,
  SETTLEMENT_TOKEN,
} from "./projection.ts";
import { contentApiModule } from "./routes.ts";
import { contentService } from "./runtime.ts";
import { seedContentSandbox } from "./seed.ts";

const required = (deployed: Record<string, { address: string }>, name: string) => {
  const contract = deployed[name];
  if (!contract) throw new Error(`${name} must be deployed before the content contracts`);
  return contract.address;
};

export const contentPlugin: DomainPlugin = {
  name: "content",
  description:
    "Digital content rights (EEA use case 4): works as NFTs, shares, licences, delivery-metered royalties and splits",
  doc: "docs/content.md",
  errors: CONTENT_ERRORS,
  contracts: {
    [CONTENT_REGISTRY]: ContentRegistry,
    [CONTENT_LICENCES]: ContentLicences,
    [CONTENT_ROYALTIES]: ContentRoyalties,
    [CONTENT_CREDITS]: ContentCredits,
    [CONTENT_TICKETS]: ContentTickets,
  },
  deployment: [
    { name: CONTENT_REGISTRY, artifact: ContentRegistry, args: (d) => [required(d, "ConsortiumRegistry")] },
    {
      name: CONTENT_LICENCES,
      artifact: ContentLicences,
      args: (d) => [required(d, "ConsortiumRegistry"), required(d, CONTENT_REGISTRY)],
    },
    {
      name: CONTENT_ROYALTIES,
      artifact: ContentRoyalties,
      args: (d) => [required(d, CONTENT_REGISTRY), required(d, CONTENT_LICENCES), required(d, SETTLEMENT_TOKEN)],
    },
    { name: CONTENT_CREDITS, artifact: ContentCredits, args: (d) => [required(d, "ConsortiumRegistry")] },
    { name: CONTENT_TICKETS, artifact: ContentTickets, args: (d) => [required(d, "ConsortiumRegistry")] },
  ],
  migrations: contentMigrations,
  projections: [contentProjection],
  api: async (context) => contentApiModule(await contentService(context)),
  async checkConsistency(context, blockNumber) {
    const service = await contentService(context);
    return contentDifferences(
      service.readModel,
      context.chain,
      {
        registry: context.contractAddress(CONTENT_REGISTRY),
        licences: context.contractAddress(CONTENT_LICENCES),
        royalties: context.contractAddress(CONTENT_ROYALTIES),
        credits: context.contractAddress(CONTENT_CREDITS),
      },
      blockNumber,
    );
  },
  registerCommands: registerContentCommands,
  seedSandbox: seedContentSandbox,
};

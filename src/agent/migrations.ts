// Every schema migration, applied in id order by openStore when an agent opens its database: the platform's own
// (API keys, chain journal and indexer, hosted DIDs), then each domain's.
import { apiMigrations } from "../core/api/api-keys.ts";
import { chainMigrations } from "../core/chain/migrations.ts";
import { identityMigrations } from "../core/identity/migrations.ts";
import { DOMAINS } from "../domains.ts";

export const agentMigrations = [
  ...apiMigrations,
  ...chainMigrations,
  ...identityMigrations,
  ...DOMAINS.flatMap((d) => d.migrations ?? []),
];

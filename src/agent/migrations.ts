// Every module's schema migrations, applied in id order by openStore when an agent opens its database.
import { apiMigrations } from "../core/api/api-keys.ts";
import { chainMigrations } from "../core/chain/migrations.ts";
import { identityMigrations } from "../core/identity/migrations.ts";
import { DOMAINS } from "../domains.ts";
import { membershipMigrations } from "../membership/migrations.ts";

export const agentMigrations = [
  ...apiMigrations,
  ...chainMigrations,
  ...identityMigrations,
  ...membershipMigrations,
  ...DOMAINS.flatMap((d) => d.migrations ?? []),
];

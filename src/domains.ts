// The domains this build of the platform runs, in dependency order: a domain may use what the domains before it
// publish. Add a domain by adding its plugin here (docs/domains.md).
import type { DomainPlugin } from "./agent/domain.ts";
import { auditingPlugin } from "./auditing/plugin.ts";
import { contentPlugin } from "./content/plugin.ts";
import { dataUsagePlugin } from "./datausage/plugin.ts";
import { eidlPlugin } from "./eidl/plugin.ts";
import { identityPlugin } from "./identity/plugin.ts";
import { iotPlugin } from "./iot/plugin.ts";
import { membershipPlugin } from "./membership/plugin.ts";
import { networkPlugin } from "./network/plugin.ts";
import { pkiPlugin } from "./pki/plugin.ts";
import { registriesPlugin } from "./registries/plugin.ts";
import { roamingPlugin } from "./roaming/plugin.ts";
import { settlementPlugin } from "./settlement/plugin.ts";
import { stirPlugin } from "./stir/plugin.ts";

export const DOMAINS: readonly DomainPlugin[] = [
  membershipPlugin,
  networkPlugin,
  identityPlugin,
  eidlPlugin,
  stirPlugin,
  roamingPlugin,
  settlementPlugin,
  registriesPlugin,
  contentPlugin,
  pkiPlugin,
  iotPlugin,
  dataUsagePlugin,
  auditingPlugin,
];

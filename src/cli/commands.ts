// The command registrars of every domain, in the order of DOMAINS in src/domains.ts. The CLI takes this list, not
// DOMAINS: importing a plugin loads its routes, projections, services and the chain libraries behind them, thousands
// of modules that a command which only calls a member agent over HTTP never uses. src/cli/commands.test.ts checks
// that this list holds exactly each plugin's registerCommands, in the same order, so no domain's commands go missing.
import type { Command } from "commander";
import { registerAuditingCommands } from "../auditing/cli.ts";
import { registerContentCommands } from "../content/cli.ts";
import { registerDataUsageCommands } from "../datausage/cli.ts";
import { registerEidlCommands } from "../eidl/cli.ts";
import { registerIdentityCommands } from "../identity/cli.ts";
import { registerIotCommands } from "../iot/cli.ts";
import { registerMembershipCommands } from "../membership/cli.ts";
import { registerNetworkCommands } from "../network/cli.ts";
import { registerPkiCommands } from "../pki/cli.ts";
import { registerRegistriesCommands } from "../registries/cli.ts";
import { registerRoamingCommands } from "../roaming/cli.ts";
import { registerSettlementCommands } from "../settlement/cli.ts";
import { registerStirCommands } from "../stir/cli.ts";

export const DOMAIN_COMMANDS: readonly ((program: Command) => void)[] = [
  registerMembershipCommands,
  registerNetworkCommands,
  registerIdentityCommands,
  registerEidlCommands,
  registerStirCommands,
  registerRoamingCommands,
  registerSettlementCommands,
  registerRegistriesCommands,
  registerContentCommands,
  registerPkiCommands,
  registerIotCommands,
  registerDataUsageCommands,
  registerAuditingCommands,
];

// Entry point of the `telco-ledger` command: mounts each domain's subcommands on one commander program.
// Every command has --help and --json; errors print as "error CODE: message" (or JSON) with a non-zero exit.
import { Command } from "commander";
import { registerAgentCommands } from "../agent/cli.ts";
import { registerDevnetCommands } from "../ledger/cli.ts";
import { registerSandboxCommands } from "../sandbox/cli.ts";
import { DOMAIN_COMMANDS } from "./commands.ts";
import { printError } from "./output.ts";

const program = new Command("telco-ledger")
  .description("Consortium ledger for telecom operators: devnet, member agents, DIDs, credentials, membership")
  .version("0.1.0")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerSandboxCommands(program);
registerDevnetCommands(program);
registerAgentCommands(program);
for (const registerCommands of DOMAIN_COMMANDS) registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  printError(error, { json: process.argv.includes("--json") });
  process.exitCode = 1;
}

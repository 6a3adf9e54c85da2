// Options shared by the commands that call a member agent's API.
import type { Command } from "commander";
import { type AgentTarget, resolveAgentTarget } from "./agentClient.ts";

export interface ClientOptions {
  agent?: string;
  url?: string;
  apiKey?: string;
  dataDir?: string;
  json?: boolean;
}

/** Adds --agent/--url/--api-key/--data-dir/--json to a command that talks to an agent. */
export function withClientOptions(command: Command): Command {
  return command
    .option("--agent <name>", "sandbox agent name, looked up in <data-dir>/sandbox.json (env TELCO_LEDGER_AGENT)")
    .option("--url <url>", "agent base URL (env TELCO_LEDGER_URL)")
    .option("--api-key <key>", "API key (env TELCO_LEDGER_API_KEY)")
    .option("--data-dir <dir>", "data directory of the sandbox (env TELCO_LEDGER_DATA, default ./data)")
    .option("--json", "print the raw JSON result");
}

export function targetOf(options: ClientOptions): AgentTarget {
  return resolveAgentTarget(options);
}

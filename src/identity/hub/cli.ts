// `telco-ledger identity hub host <ownerDid>`: the member's operator hosts a person's identity hub (the person acts on
// it afterwards with their own keys, never with this API key). Light: only CLI helpers are imported.
import type { Command } from "commander";
import { callAgent } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { printResult } from "../../cli/output.ts";

export function registerHubCommands(identity: Command): void {
  const hub = identity.command("hub").description("identity hubs this agent hosts for people (their DID service)");
  withClientOptions(
    hub.command("host <ownerDid>").description("host a hub for a person's owner did:key (printed by `wallet use-hub`)"),
  ).action(async (owner: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/hubs", { owner }),
      o,
      (r: { owner: string }) => `hosting the hub of ${r.owner}`,
    ),
  );
}

// `telco-ledger eidl scope ...`: numbering-plan scopes of Numbering Authorities, set by the governors (propose,
// approve, show), through a governor member's agent.
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress } from "../cli/output.ts";

type Outcome = { proposalId: number; executed: boolean; txHash: string };
const said = (r: Outcome) =>
  `scope proposal #${r.proposalId} ${r.executed ? "approved by a majority: in force" : "awaits more approvals"}`;

export function registerScopeCommands(eidl: Command): void {
  const scope = eidl.command("scope").description("numbering-plan scopes of Numbering Authorities (governance)");
  withClientOptions(
    scope
      .command("propose <authorityDid> [prefixes...]")
      .description("propose the authority's whole scope (country codes or prefixes; none withdraws it)"),
  ).action(async (numberingAuthorityId: string, prefixes: string[], o: ClientOptions) => {
    progress(o, "proposing (waits until mined)");
    const body = { numberingAuthorityId, prefixes };
    printResult(await callAgent<Outcome>(targetOf(o), "POST", "/v1/eidl/numbering-scopes", body), o, said);
  });
  withClientOptions(scope.command("approve <proposalId>").description("approve a scope proposal as governor")).action(
    async (proposalId: string, o: ClientOptions) => {
      progress(o, "approving (waits until mined)");
      const path = `/v1/eidl/numbering-scopes/${encodeURIComponent(proposalId)}/approve`;
      printResult(await callAgent<Outcome>(targetOf(o), "POST", path), o, said);
    },
  );
  withClientOptions(scope.command("show <authorityDid>").description("the authority's scope in force")).action(
    async (did: string, o: ClientOptions) => {
      const path = `/v1/eidl/numbering-scopes/${encodeURIComponent(did)}`;
      printResult(await callAgent(targetOf(o), "GET", path), o, (r: { prefixes: string[] }) =>
        r.prefixes.length ? r.prefixes.join(" ") : "no scope: allocates nothing",
      );
    },
  );
}

// `telco-ledger member ...` and `telco-ledger proposal ...`: consortium membership through a member agent's API.
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress, table } from "../cli/output.ts";

type Items = { items: Array<Record<string, unknown>> };

export function registerMembershipCommands(program: Command): void {
  const member = program.command("member").description("consortium members and their roles");
  withClientOptions(member.command("list").description("list members"))
    .option("--role <role>", "only members with this role")
    .action(async (o: ClientOptions & { role?: string }) => {
      const query = o.role ? `?role=${encodeURIComponent(o.role)}` : "";
      printResult(await callAgentAllItems(targetOf(o), `/v1/membership/members${query}`), o, (r: Items) =>
        table(r.items, ["name", "address", "roles", "active"]),
      );
    });
  withClientOptions(member.command("show <address>").description("one member")).action(
    async (address: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/membership/members/${address}`), o, (r: object) =>
        JSON.stringify(r, null, 2),
      );
    },
  );
  withClientOptions(member.command("history <address>").description("everything that happened to a member")).action(
    async (address: string, o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), `/v1/membership/members/${address}/history`), o, (r: Items) =>
        table(r.items, ["blockNumber", "kind", "detail", "txHash"]),
      );
    },
  );
  withClientOptions(member.command("accounts <address>").description("accounts bound to act for a member")).action(
    async (address: string, o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), `/v1/membership/members/${address}/accounts`), o, (r: Items) =>
        table(r.items, ["account", "boundBlock", "roles"]),
      );
    },
  );
  withClientOptions(
    member
      .command("bind-account <account>")
      .description("bind a keystore account to act for this member within the roles given (none: identity only)")
      .option("--role <role...>", "a member role the account may exercise (repeat for several; never GOVERNOR)"),
  ).action(async (account: string, o: ClientOptions & { role?: string[] }) => {
    progress(o, "binding (waits until mined)");
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/membership/accounts", { account, roles: o.role ?? [] }),
      o,
      (r: { txHash: string }) => `bound in ${r.txHash}`,
    );
  });
  withClientOptions(
    member.command("unbind-account <account>").description("release an account bound to this member"),
  ).action(async (account: string, o: ClientOptions) => {
    progress(o, "unbinding (waits until mined)");
    printResult(
      await callAgent(targetOf(o), "DELETE", `/v1/membership/accounts/${account}`),
      o,
      (r: { txHash: string }) => `unbound in ${r.txHash}`,
    );
  });

  const proposal = program.command("proposal").description("governance proposals (admit, remove, set-roles)");
  withClientOptions(proposal.command("list").description("list proposals"))
    .option("--state <state>", "pending | executed | canceled | expired")
    .action(async (o: ClientOptions & { state?: string }) => {
      const query = o.state ? `?state=${encodeURIComponent(o.state)}` : "";
      printResult(await callAgentAllItems(targetOf(o), `/v1/membership/proposals${query}`), o, (r: Items) =>
        table(r.items, ["id", "kind", "member", "state", "approvals", "deadline"]),
      );
    });
  withClientOptions(proposal.command("show <id>").description("one proposal")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/membership/proposals/${id}`), o, (r: object) =>
        JSON.stringify(r, null, 2),
      );
    },
  );
  withClientOptions(proposal.command("approvals <id>").description("governors whose approval stands")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), `/v1/membership/proposals/${id}/approvals`), o, (r: Items) =>
        table(r.items, ["governor", "blockNumber"]),
      );
    },
  );
  withClientOptions(
    proposal
      .command("create <kind> <member>")
      .description("propose: kind is admit | remove | set-roles; member is the member's governance account"),
  )
    .option("--name <name>", "member name (admit)")
    .option("--roles <roles>", "comma-separated role names (admit, set-roles)")
    .option("--voting-period <seconds>", "how long governors have to approve", (v) => Number(v))
    .action(
      async (
        kind: string,
        memberAddress: string,
        o: ClientOptions & { name?: string; roles?: string; votingPeriod?: number },
      ) => {
        progress(o, "proposing (waits until mined)");
        const body = {
          kind,
          member: memberAddress,
          ...(o.name ? { name: o.name } : {}),
          ...(o.roles ? { roles: o.roles.split(",").map((r) => r.trim()) } : {}),
          ...(o.votingPeriod ? { votingPeriodSeconds: o.votingPeriod } : {}),
        };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/membership/proposals", body),
          o,
          (r: { proposalId: number }) => `proposal #${r.proposalId} open`,
        );
      },
    );
  for (const [action, path] of [
    ["approve", "approve"],
    ["withdraw", "withdraw-approval"],
    ["cancel", "cancel"],
  ] as const) {
    withClientOptions(proposal.command(`${action} <id>`).description(`${action} a proposal as this member`)).action(
      async (id: string, o: ClientOptions) => {
        progress(o, `${action} (waits until mined)`);
        printResult(
          await callAgent(targetOf(o), "POST", `/v1/membership/proposals/${id}/${path}`),
          o,
          (r: { txHash: string }) => `${action}d in ${r.txHash}`,
        );
      },
    );
  }
}

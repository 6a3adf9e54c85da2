// `telco-ledger datausage custodians|split-key|key-share|attestations`: the custodians of a subject's key. The
// controller names custodians the consortium approved (KEY_CUSTODIAN) and splits the key among their agents (each
// custodian's agent is found by its sandbox name); a custodian's operator reads the share its agent holds; anyone
// reads the custodians' attestations of the key's destruction after an erasure.
import type { Command } from "commander";
import { callAgent, resolveAgentTarget } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";

type Row = Record<string, unknown>;

const names = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function registerCustodyCommands(
  du: Command,
  memberAccount: (nameOrAddress: string, o: ClientOptions) => Promise<string>,
): void {
  withClientOptions(
    du
      .command("custodians <consentId>")
      .description("as controller, name the custodians of a contract's subject key and how many must attest"),
  )
    .requiredOption("--custodians <members>", "comma-separated agent names or addresses (approved KEY_CUSTODIAN)")
    .requiredOption("--threshold <m>", "how many distinct custodians must attest the key's destruction")
    .action(async (consentId: string, o: ClientOptions & { custodians: string; threshold: string }) => {
      const custodians = await Promise.all(names(o.custodians).map((c) => memberAccount(c, o)));
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/contracts/${consentId}/custodians`, {
          custodians,
          threshold: Number(o.threshold),
        }),
        o,
        (r: Row) => `custodians named: ${(r.custodians as string[]).join(", ")}; threshold ${r.threshold}`,
      );
    });

  withClientOptions(
    du
      .command("split-key <consentId>")
      .description(
        "as controller, split the subject key among its custodians' agents (Shamir): each share sealed to its agent",
      ),
  )
    .requiredOption("--custodians <agents>", "comma-separated sandbox agent names of every named custodian")
    .action(async (consentId: string, o: ClientOptions & { custodians: string }) => {
      const agents = await Promise.all(
        names(o.custodians).map(async (name) => ({
          custodian: await memberAccount(name, o),
          endpoint: resolveAgentTarget({ agent: name, dataDir: o.dataDir }).url,
        })),
      );
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/contracts/${consentId}/key-shares`, { agents }),
        o,
        (r: Row) =>
          `key split into ${r.count} shares, any ${r.threshold} rebuild it (split ${r.splitId}): ${(
            r.deliveries as Row[]
          )
            .map((d) => `share ${d.index} delivered to ${d.custodian}`)
            .join("; ")}`,
      );
    });

  withClientOptions(
    du.command("key-share <consentId>").description("as custodian, the share of a subject key your agent holds"),
  ).action(async (consentId: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "GET", `/v1/datausage/custody/shares/${consentId}`),
      o,
      (r: Row) =>
        `holds share ${r.index} of the subject key (threshold ${r.threshold}, split ${r.splitId}) from controller ${r.controller}`,
    );
  });

  withClientOptions(
    du
      .command("attestations <consentId>")
      .description("the custodians' attestations of a subject key's destruction: status, who and when"),
  ).action(async (consentId: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "GET", `/v1/datausage/erasures/${consentId}/attestations`),
      o,
      (r: Row) =>
        `key erasure ${r.status}; ${(r.attestations as Row[]).length} of ${(r.custodians as string[]).length} custodians attested (threshold ${r.threshold})${(
          r.attestations as Row[]
        )
          .map((a) => `; ${a.custodian} attested at ${new Date(Number(a.attestedAt) * 1000).toISOString()}`)
          .join("")}`,
    );
  });
}

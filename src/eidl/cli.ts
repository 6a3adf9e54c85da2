// `telco-ledger eidl ...`: organisation accounts, vetting, TN allocation / assignment / delegation, revocation,
// port, chain of custody and who may use a number, through a member agent's API (the agent holds the keys).
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress, table } from "../cli/output.ts";
import { registerBulkCommands } from "./cliBulk.ts";
import { registerScopeCommands } from "./cliScopes.ts";
import { orgTypeName } from "./enums.ts";

type Row = Record<string, unknown>;
type PortOptions = { authority: string; evidence: string };
type Items = { items: Row[] };
const show = (r: object) => JSON.stringify(r, null, 2);
const enc = encodeURIComponent;

/** Organisation names by DID (the accounts any agent can read), so answers name organisations, not only DIDs. */
async function namesOf(o: ClientOptions, dids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const did of new Set(dids)) {
    // A DID that names no organisation account (none should) stays unnamed rather than failing the whole answer.
    const account = await callAgent<{ name: string; type: number }>(
      targetOf(o),
      "GET",
      `/v1/accounts/${enc(did)}`,
    ).catch(() => undefined);
    if (account) names.set(did, `${account.name} (${orgTypeName(account.type)})`);
  }
  return names;
}

export function registerEidlCommands(program: Command): void {
  const eidl = program.command("eidl").description("enterprise identity and TN authority (ATIS EIDL)");

  registerBulkCommands(eidl);
  registerScopeCommands(eidl);

  const account = eidl.command("account").description("organisation accounts");
  withClientOptions(
    account
      .command("create <name> <type>")
      .description(
        "create an organisation hosted by this agent; type: 0 KYC Vetter, 1 TNR, 2 Brand, 3 BPO, 4 TNSP, 5 CSP, 6 TA, 7 NA, 8 OSP",
      ),
  ).action(async (name: string, type: string, o: ClientOptions) => {
    progress(o, "creating DID and account (waits until mined)");
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/accounts", { name, type: Number(type) }),
      o,
      (r: { did: string }) => `account ${r.did}`,
    );
  });
  withClientOptions(account.command("list").description("accounts hosted by this agent")).action(
    async (o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), "/v1/eidl/hosted-accounts"), o, (r: Items) =>
        table(r.items, ["did", "name", "type"]),
      );
    },
  );
  withClientOptions(account.command("show <did>").description("any account on the ledger")).action(
    async (did: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/accounts/${enc(did)}`), o, show);
    },
  );

  withClientOptions(
    eidl
      .command("vet <orgDid> <vetterDid>")
      .description("record a vetting decision by a vetter hosted here and issue its VettingStatus credential"),
  )
    .option("--status <n>", "0 In Progress, 1 Complete", "1")
    .option("--result <n>", "0 Authorized, 1 Not Authorized, 2 Blacklisted", "0")
    .option("--brand-name <name>", "the verified brand name")
    .action(
      async (
        org: string,
        vetter: string,
        o: ClientOptions & { status: string; result: string; brandName?: string },
      ) => {
        progress(o, "vetting (waits until mined)");
        const body = {
          status: Number(o.status),
          result: Number(o.result),
          ...(o.brandName ? { brandName: o.brandName } : {}),
        };
        printResult(
          await callAgent(targetOf(o), "POST", `/v1/vetterAuthorization/${enc(org)}/vetter/${enc(vetter)}`, body),
          o,
          (r: { version: number; authorized: boolean }) =>
            `vetting v${r.version} recorded; authorized: ${r.authorized}`,
        );
      },
    );
  withClientOptions(eidl.command("vetting <orgDid>").description("current vetting status and history")).action(
    async (org: string, o: ClientOptions) => {
      const history = await callAgentAllItems(targetOf(o), `/v1/vetterAuthorization/${enc(org)}/history`);
      printResult(history, o, (r: Items) =>
        table(
          r.items.map((v) => ({ ...v, vetter: (v.vetter as { name: string }).name })),
          ["version", "vetter", "status", "result", "vettedTS", "txHash"],
        ),
      );
    },
  );

  withClientOptions(
    eidl
      .command("grant <tn> <issuerDid> <subjectDid>")
      .description("allocate / assign / delegate a number or block (prefix, e.g. 1200200XXXX) to an organisation"),
  )
    .option("--caller-name <name>", "caller name the holder may present")
    .option("--purpose <text>", "purpose of the calls")
    .option("--intended-use <text>", "intended use of the allocation")
    .option("--start <iso>", "valid from (default now)")
    .option("--end <iso>", "valid until (default: no end)")
    .action(
      async (
        tn: string,
        issuerId: string,
        subjectId: string,
        o: ClientOptions & {
          callerName?: string;
          purpose?: string;
          intendedUse?: string;
          start?: string;
          end?: string;
        },
      ) => {
        progress(o, "granting (waits until mined)");
        const item = {
          tnId: tn,
          issuerId,
          subjectId,
          ...(o.callerName ? { callerName: o.callerName } : {}),
          ...(o.purpose ? { purpose: o.purpose } : {}),
          ...(o.intendedUse ? { intendedUseOfAllocation: o.intendedUse } : {}),
          ...(o.start ? { allocationStartDate: o.start } : {}),
          ...(o.end ? { allocationEndDate: o.end } : {}),
        };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/tnallocation", { tnAllocation: [item] }),
          o,
          (r: { tnAllocationResponse: Array<{ grantId: string; type: string }> }) =>
            r.tnAllocationResponse.map((g) => `${g.type} #${g.grantId}`).join("\n"),
        );
      },
    );
  withClientOptions(eidl.command("revoke <grantId>").description("revoke a grant made by an organisation hosted here"))
    .option(
      "--reason <reason>",
      "Canceled | NumberPort | Fraud | Expired | Superseded | CessationOfOperation",
      "Canceled",
    )
    .action(async (grantId: string, o: ClientOptions & { reason: string }) => {
      progress(o, "revoking (waits until mined)");
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/eidl/grants/${enc(grantId)}/revoke`, { reason: o.reason }),
        o,
        (r: { grantId: string; status: string }) => `grant #${r.grantId} ${r.status}`,
      );
    });
  withClientOptions(
    eidl
      .command("port <tn> <authorityDid> <newTnspDid>")
      .description("number port by the Numbering Authority, inside its numbering-plan scope")
      .requiredOption(
        "--authority <authority>",
        "BothProvidersConsented (the losing and gaining providers consented) or NumberingAuthorityOrder",
      )
      .requiredOption("--evidence <hash>", "0x + 64 hex: hash of the consents or the order, kept off chain"),
  ).action(async (tn: string, issuerId: string, subjectId: string, o: ClientOptions & PortOptions) => {
    progress(o, "porting (waits until mined)");
    const body = { tnId: tn, issuerId, subjectId, portAuthority: o.authority, evidenceHash: o.evidence };
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/eidl/ports", body),
      o,
      (r: { endedGrantId: string; allocation: { grantId: string } }) =>
        `grant #${r.endedGrantId} ended; new allocation #${r.allocation.grantId}`,
    );
  });
  withClientOptions(eidl.command("grants <holderDid>").description("grants held by an organisation")).action(
    async (holder: string, o: ClientOptions) => {
      printResult(await callAgentAllItems(targetOf(o), `/v1/eidl/grants?holder=${enc(holder)}`), o, (r: Items) =>
        table(r.items, ["grantId", "tnId", "type", "issuerId", "status"]),
      );
    },
  );
  withClientOptions(eidl.command("custody <tn>").description("chain of custody of a number")).action(
    async (tn: string, o: ClientOptions) => {
      const custody = await callAgentAllItems(targetOf(o), `/v1/eidl/tn/${enc(tn)}/custody`);
      // Organisations by name beside their DIDs (the table only; --json keeps the API's answer as it is).
      const names = o.json
        ? new Map<string, string>()
        : await namesOf(
            o,
            custody.items.flatMap((e) => [String(e.from), String(e.to)]),
          );
      printResult(custody, o, (r: Items) =>
        table(
          r.items.map((e) => ({
            ...e,
            fromName: names.get(String(e.from)) ?? "",
            toName: names.get(String(e.to)) ?? "",
          })),
          ["at", "event", "type", "tnId", "fromName", "toName", "to", "reason", "currentStatus"],
        ),
      );
    },
  );
  withClientOptions(eidl.command("who <tn>").description("who may use a number (now, or --at)"))
    .option("--at <iso>", "at this time")
    .option("--chain", "ask the contract's view instead of the read model")
    .action(async (tn: string, o: ClientOptions & { at?: string; chain?: boolean }) => {
      const query = new URLSearchParams({ ...(o.at ? { at: o.at } : {}), ...(o.chain ? { source: "chain" } : {}) });
      const who = await callAgent<{ chain: Array<{ type: string; tnId: string; subjectId: string }> }>(
        targetOf(o),
        "GET",
        `/v1/eidl/tn/${enc(tn)}/holders?${query}`,
      );
      const names = o.json
        ? new Map<string, string>()
        : await namesOf(
            o,
            who.chain.map((h) => h.subjectId),
          );
      printResult(who, o, () =>
        table(
          who.chain.map((h) => ({ ...h, holder: names.get(h.subjectId) ?? "" })),
          ["type", "tnId", "holder", "subjectId"],
        ),
      );
    });
}

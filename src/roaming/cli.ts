// `telco-ledger roaming ...`: both roles of the roaming exchange through a member agent's API.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress, table } from "../cli/output.ts";

type Items = { items: Array<Record<string, unknown>> };
const json = (r: object) => JSON.stringify(r, null, 2);
const flags = (s: unknown) =>
  s && typeof s === "object"
    ? Object.entries(s as Record<string, boolean>)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(",") || "-"
    : "-";

export function registerRoamingCommands(program: Command): void {
  const roaming = program.command("roaming").description("roaming subscriber authentication (visited and home roles)");

  withClientOptions(roaming.command("attach <imsi>").description("visited: a roaming device attached; authenticate it"))
    .option("--plmn <plmn>", "the visited network it attached to (default: our first)")
    .option("--services <list>", "comma-separated services to request (default: all)")
    .option("--wait <ms>", "wait up to this long for the outcome", (v) => Number(v), 10_000)
    .action(async (imsi: string, o: ClientOptions & { plmn?: string; services?: string; wait: number }) => {
      progress(o, "attaching (waits for the home operator's answer)");
      const body = {
        imsi,
        ...(o.plmn ? { visitedPlmn: o.plmn } : {}),
        ...(o.services ? { services: o.services.split(",").map((s) => s.trim()) } : {}),
        ...(o.wait ? { waitMs: o.wait } : {}),
      };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/roaming/attach", body),
        o,
        (r: Record<string, unknown>) =>
          `${r.requestId}: ${r.state} (${r.outcome ?? "waiting"}), active: ${flags(r.activeServices)}`,
      );
    });

  withClientOptions(roaming.command("status <requestId>").description("visited: one session")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/roaming/sessions/${id}`), o, json);
    },
  );

  withClientOptions(roaming.command("sessions").description("visited: sessions, newest first"))
    .option("--state <state>", "queued | requested | active | refused | rejected | timed-out | failed")
    .option("--limit <n>", "how many", (v) => Number(v), 50)
    .action(async (o: ClientOptions & { state?: string; limit: number }) => {
      const q = new URLSearchParams({ limit: String(o.limit), ...(o.state ? { state: o.state } : {}) });
      printResult(await callAgent<Items>(targetOf(o), "GET", `/v1/roaming/sessions?${q}`), o, (r: Items) =>
        table(
          r.items.map((s) => ({ ...s, active: flags(s.activeServices) })),
          ["requestId", "imsi", "homePlmn", "state", "outcome", "active"],
        ),
      );
    });

  withClientOptions(roaming.command("events <requestId>").description("the chain of events of a request")).action(
    async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent<{ events: Array<Record<string, unknown>> }>(
          targetOf(o),
          "GET",
          `/v1/roaming/requests/${id}/events`,
        ),
        o,
        (r: { events: Array<Record<string, unknown>> }) => table(r.events, ["kind", "blockNumber", "seenAt", "txHash"]),
      );
    },
  );

  const subscribers = roaming.command("subscribers").description("home: the subscriber register");
  withClientOptions(subscribers.command("list").description("list subscribers"))
    .option("--limit <n>", "how many", (v) => Number(v), 50)
    .action(async (o: ClientOptions & { limit: number }) => {
      printResult(
        await callAgent<Items>(targetOf(o), "GET", `/v1/roaming/subscribers?limit=${o.limit}`),
        o,
        (r: Items) =>
          table(
            r.items.map((s) => ({ ...s, services: flags(s.services) })),
            ["imsi", "msisdn", "status", "roamingAllowed", "services"],
          ),
      );
    });
  withClientOptions(subscribers.command("import <csvFile>").description("import a CSV file")).action(
    async (file: string, o: ClientOptions) => {
      const csv = readFileSync(file, "utf8");
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/roaming/subscribers/import", { csv }),
        o,
        (r: { upserted: number }) => `${r.upserted} subscribers imported`,
      );
    },
  );
  withClientOptions(
    subscribers
      .command("bind-sim <msisdn> <imsi>")
      .description("move a number to another SIM (a SIM swap: published as a sim-swap fraud signal)"),
  ).action(async (msisdn: string, imsi: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "PUT", `/v1/roaming/subscribers/msisdn/${msisdn}/sim`, { imsi }),
      o,
      (r: { swapped: boolean; previousImsi: string | null; swapId: string | null }) =>
        r.swapped
          ? `${msisdn} moved from SIM ${r.previousImsi} to ${imsi} (SIM swap ${r.swapId}, published as a fraud signal)`
          : `${msisdn} is on SIM ${imsi} already: nothing changed`,
    );
  });
  withClientOptions(subscribers.command("remove <imsi>").description("remove a subscriber")).action(
    async (imsi: string, o: ClientOptions) => {
      await callAgent(targetOf(o), "DELETE", `/v1/roaming/subscribers/${imsi}`);
      printResult({ removed: imsi }, o, () => `removed ${imsi}`);
    },
  );

  withClientOptions(roaming.command("requests").description("home: requests addressed to us, newest first"))
    .option("--state <state>", "pending | answered | all", "pending")
    .option("--limit <n>", "how many (at most 100)", (v) => Number(v), 50)
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(async (o: ClientOptions & { state: string; limit: number; cursor?: string }) => {
      const q = new URLSearchParams({
        state: o.state,
        limit: String(o.limit),
        ...(o.cursor ? { cursor: o.cursor } : {}),
      });
      printResult(await callAgent<Items>(targetOf(o), "GET", `/v1/roaming/requests?${q}`), o, (r: Items) =>
        table(r.items, ["requestId", "visitedOperator", "ledgerState", "outcome", "answeredAt"]),
      );
    });

  withClientOptions(roaming.command("policy").description("home: show or change the answer policy"))
    .option("--pause", "stop answering")
    .option("--resume", "answer again")
    .option("--validity <seconds>", "grant validity", (v) => Number(v))
    .option("--withhold <list>", "services never granted abroad (comma-separated; '' for none)")
    .action(async (o: ClientOptions & { pause?: boolean; resume?: boolean; validity?: number; withhold?: string }) => {
      const change = {
        ...(o.pause ? { paused: true } : {}),
        ...(o.resume ? { paused: false } : {}),
        ...(o.validity ? { validitySeconds: o.validity } : {}),
        ...(o.withhold !== undefined ? { withheldServices: o.withhold.split(",").filter(Boolean) } : {}),
      };
      const result = Object.keys(change).length
        ? await callAgent(targetOf(o), "PUT", "/v1/roaming/policy", change)
        : await callAgent(targetOf(o), "GET", "/v1/roaming/policy");
      printResult(result, o, json);
    });

  withClientOptions(roaming.command("networks").description("network codes and their operators")).action(
    async (o: ClientOptions) => {
      printResult(await callAgent<Items>(targetOf(o), "GET", "/v1/roaming/networks"), o, (r: Items) =>
        table(r.items, ["plmn", "operator", "sinceBlock"]),
      );
    },
  );
  withClientOptions(
    roaming.command("claim <plmn>").description("claim a network code (needs governors' approval)"),
  ).action(async (plmn: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/roaming/claims", { plmn }),
      o,
      (r: { claimId: number }) => `claim #${r.claimId} open`,
    );
  });
  withClientOptions(roaming.command("claims").description("network proposals")).action(async (o: ClientOptions) => {
    printResult(await callAgent<Items>(targetOf(o), "GET", "/v1/roaming/claims"), o, (r: Items) =>
      table(r.items, ["id", "kind", "plmn", "operator", "state", "approvals"]),
    );
  });
  withClientOptions(roaming.command("approve <claimId>").description("approve a network proposal as governor")).action(
    async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/roaming/claims/${id}/approve`),
        o,
        (r: { txHash: string }) => `approved in ${r.txHash}`,
      );
    },
  );
  for (const action of ["publish", "rotate"] as const) {
    withClientOptions(roaming.command(`${action}-key`).description(`${action} this operator's encryption key`)).action(
      async (o: ClientOptions) => {
        printResult(
          await callAgent(targetOf(o), "POST", `/v1/roaming/keys/${action}`, {}),
          o,
          (r: { did: string; key: { kid: string } }) => `key ${r.key.kid} published in ${r.did}`,
        );
      },
    );
  }
}

// `telco-ledger pki asset ...` and `pki trigger ...`: assets moved by triggers from external data, through a member
// agent's API (the contract's refusals, e.g. ThresholdNotReached, come back as CHAIN_REVERTED naming them).
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";

type Trigger = {
  triggerId: string;
  state: string;
  matching: number;
  threshold: number;
  firesAt: number;
  assetHolder: string;
};
const line = (t: Trigger) =>
  `trigger ${t.triggerId}: ${t.state}, ${t.matching} of ${t.threshold} agreeing reports` +
  `${t.firesAt ? `, fires at ${new Date(t.firesAt * 1000).toISOString()}` : ""}; asset held by ${t.assetHolder}`;

export function registerTriggerCommands(pki: Command): void {
  const asset = pki.command("asset").description("assets that triggers from external data can move");
  withClientOptions(asset.command("register").description("register an asset this member holds")).action(
    async (o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/pki/assets", {}),
        o,
        (r: { assetId: string; holder: string }) => `asset ${r.assetId} registered, held by ${r.holder}`,
      );
    },
  );
  withClientOptions(asset.command("show <assetId>").description("an asset and its holder")).action(
    async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/pki/assets/${id}`),
        o,
        (r: { holder: string }) => `asset ${id} held by ${r.holder}`,
      );
    },
  );

  const trigger = pki.command("trigger").description("triggers fired by a threshold of independent reporters");
  withClientOptions(trigger.command("create <assetId>").description("holder: set a trigger moving the asset"))
    .requiredOption("--fact <text>", "the external fact observed (public text)")
    .requiredOption("--expect <value>", "the value that fires the trigger")
    .requiredOption("--new-holder <address>", "who receives the asset")
    .requiredOption("--reporters <addresses>", "comma-separated reporter addresses (members)")
    .option("--threshold <n>", "agreeing reports needed (at least 2)", "2")
    .option("--window <seconds>", "dispute window after the threshold is reached", "60")
    .action(
      async (
        assetId: string,
        o: ClientOptions & {
          fact: string;
          expect: string;
          newHolder: string;
          reporters: string;
          threshold: string;
          window: string;
        },
      ) => {
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/pki/triggers", {
            assetId,
            fact: o.fact,
            expectedValue: o.expect,
            newHolder: o.newHolder,
            reporters: o.reporters.split(",").map((r) => r.trim()),
            threshold: Number(o.threshold),
            disputeWindowSeconds: Number(o.window),
          }),
          o,
          line,
        );
      },
    );
  withClientOptions(
    trigger.command("report <triggerId> <value>").description("reporter: report the observed value"),
  ).action(async (id: string, value: string, o: ClientOptions) => {
    printResult(await callAgent(targetOf(o), "POST", `/v1/pki/triggers/${id}/report`, { value }), o, line);
  });
  for (const action of ["dispute", "execute"] as const) {
    withClientOptions(
      trigger
        .command(`${action} <triggerId>`)
        .description(action === "dispute" ? "holder or reporter: stop it in its window" : "move the asset"),
    ).action(async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "POST", `/v1/pki/triggers/${id}/${action}`, {}), o, line);
    });
  }
  withClientOptions(trigger.command("show <triggerId>").description("a trigger's state")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/pki/triggers/${id}`), o, line);
    },
  );
}

// `telco-ledger registries flag ...`: a number of a confirmed robocall campaign (a completed trace) flagged to its
// holder's vetter, listed and acknowledged by that vetter, through a member agent's API.
import type { Command } from "commander";
import { callAgent } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { printResult, table } from "../../cli/output.ts";

interface Flag {
  flagId: string;
  traceId: string;
  flaggerName: string | null;
  flagger: string;
  holderDid: string;
  vetterDid: string;
  vetterMemberName: string | null;
  vetterMember: string;
  acknowledged: boolean;
  acknowledgedAt: string | null;
}

const describeFlag = (f: Flag) =>
  [
    `flag ${f.flagId}: ${f.acknowledged ? `acknowledged at ${f.acknowledgedAt}` : "not acknowledged"}`,
    `  to vetter ${f.vetterDid} (${f.vetterMemberName ?? f.vetterMember})`,
    `  holder ${f.holderDid}; trace ${f.traceId}; flagged by ${f.flaggerName ?? f.flagger}`,
  ].join("\n");
const withTx = (o: { flag: Flag; txHash: string }) => `${describeFlag(o.flag)}\n  tx ${o.txHash}`;

export function registerFlagCommands(registries: Command): void {
  const flag = registries
    .command("flag")
    .description("numbers of confirmed robocall campaigns flagged to their holder's vetter (EIDL)");

  withClientOptions(
    flag
      .command("send <traceId>")
      .description("flag a number of a completed trace to its holder's vetter (the trace's requester or origin)"),
  )
    .requiredOption("--number <e164>", "the number the campaign called from")
    .option("--evidence <bytes32>", "a hash of this member's evidence (default: the trace id)")
    .action(async (traceId: string, o: ClientOptions & { number: string; evidence?: string }) => {
      const body = { number: o.number, ...(o.evidence ? { evidence: o.evidence } : {}) };
      printResult(await callAgent(targetOf(o), "POST", `/v1/registries/traces/${traceId}/flags`, body), o, withTx);
    });

  withClientOptions(flag.command("list").description("vetter flags on the ledger"))
    .option("--vetter <address|did>", "only flags addressed to this vetter (member account, organisation or DID)")
    .option("--trace <traceId>", "only flags of this trace")
    .option("--unacknowledged", "only flags not yet acknowledged")
    .option("--limit <n>", "how many (at most 100)", Number, 50)
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(
      async (
        o: ClientOptions & {
          vetter?: string;
          trace?: string;
          unacknowledged?: boolean;
          limit: number;
          cursor?: string;
        },
      ) => {
        const q = new URLSearchParams({
          limit: String(o.limit),
          ...(o.vetter ? { vetter: o.vetter } : {}),
          ...(o.trace ? { traceId: o.trace } : {}),
          ...(o.unacknowledged ? { acknowledged: "false" } : {}),
          ...(o.cursor ? { cursor: o.cursor } : {}),
        });
        printResult(
          await callAgent(targetOf(o), "GET", `/v1/registries/vetter-flags?${q}`),
          o,
          (r: { items: Array<Record<string, unknown>> }) =>
            table(r.items, ["flagId", "flaggerName", "holderDid", "vetterMemberName", "acknowledged"]),
        );
      },
    );

  withClientOptions(flag.command("show <flagId>").description("one vetter flag")).action(
    async (flagId: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "GET", `/v1/registries/vetter-flags/${flagId}`), o, describeFlag),
  );

  withClientOptions(flag.command("ack <flagId>").description("the vetter acknowledges a flag addressed to it")).action(
    async (flagId: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "POST", `/v1/registries/vetter-flags/${flagId}/acknowledge`), o, withTx),
  );
}

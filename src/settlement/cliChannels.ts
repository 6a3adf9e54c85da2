// `telco-ledger settlement channel ...`: payment channels through a member agent's API (open, deposit, pay, pay-many,
// close, settle, resume, peer, and a batch's usage-driven payment). The counterparty is an address or a sandbox member's name.
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";
import { accountOf } from "./cliMoney.ts";

interface ChannelAnswer {
  channelId: string;
  status: string;
  side: string;
  depositA: string;
  depositB: string;
  onChain: { version: number; balanceA: string; balanceB: string };
  payout: { a: string; b: string } | null;
  latest: { version: number; balanceA: string; balanceB: string } | null;
}

interface PaymentsAnswer {
  states: Array<{ version: number; balanceA: string; balanceB: string } | null>;
  errors: Array<{ index: number; code: string; message: string }>;
}

const human = (c: ChannelAnswer) => {
  const latest = c.latest ? ` latest v${c.latest.version} ${c.latest.balanceA}/${c.latest.balanceB}` : "";
  const payout = c.payout ? ` paid ${c.payout.a}/${c.payout.b}` : "";
  return `${c.channelId} ${c.status} (side ${c.side}) deposits ${c.depositA}/${c.depositB}${latest}${payout}`;
};

export function registerChannelCommands(settlement: Command): void {
  const channel = settlement
    .command("channel")
    .description("payment channels with another operator (real-time balances)");
  withClientOptions(channel.command("open <counterparty>").description("open a channel (this member is A)"))
    .requiredOption("--challenge-period <seconds>", "the challenge period of a unilateral close (60 .. 2592000)")
    .option("--deposit <minor units>", "deposit this much at once")
    .option("--peer-url <url>", "the counterparty agent's URL")
    .option("--peer-key <apiKey>", "the operator API key the counterparty agent issued to this member")
    .action(
      async (
        counterparty: string,
        o: ClientOptions & { challengePeriod: string; deposit?: string; peerUrl?: string; peerKey?: string },
      ) => {
        const body = {
          counterparty: await accountOf(counterparty, o),
          challengePeriodSeconds: Number(o.challengePeriod),
          ...(o.deposit ? { deposit: o.deposit } : {}),
          ...(o.peerUrl && o.peerKey ? { peer: { url: o.peerUrl, apiKey: o.peerKey } } : {}),
        };
        printResult(await callAgent<ChannelAnswer>(targetOf(o), "POST", "/v1/settlement/channels", body), o, human);
      },
    );
  withClientOptions(channel.command("list").description("this member's channels")).action(async (o: ClientOptions) => {
    const page = await callAgent<{ items: ChannelAnswer[] }>(targetOf(o), "GET", "/v1/settlement/channels?limit=100");
    printResult(page, o, (p: { items: ChannelAnswer[] }) => p.items.map(human).join("\n"));
  });
  withClientOptions(channel.command("show <channelId>").description("a channel and its newest co-signed state")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent<ChannelAnswer>(targetOf(o), "GET", `/v1/settlement/channels/${id}`), o, human);
    },
  );
  withClientOptions(channel.command("peer <channelId>").description("how this agent reaches the counterparty's agent"))
    .requiredOption("--peer-url <url>", "the counterparty agent's URL")
    .requiredOption("--peer-key <apiKey>", "the operator API key the counterparty agent issued to this member")
    .action(async (id: string, o: ClientOptions & { peerUrl: string; peerKey: string }) => {
      const body = { url: o.peerUrl, apiKey: o.peerKey };
      printResult(
        await callAgent<ChannelAnswer>(targetOf(o), "PUT", `/v1/settlement/channels/${id}/peer`, body),
        o,
        human,
      );
    });
  for (const [verb, what] of [
    ["deposit", "deposit settlement money of this member into the channel"],
    ["pay", "pay the counterparty off chain: a new state both agents sign"],
  ] as const) {
    withClientOptions(channel.command(`${verb} <channelId>`).description(what))
      .requiredOption("--amount <minor units>", "amount in minor units")
      .action(async (id: string, o: ClientOptions & { amount: string }) => {
        const answer = await callAgent<Record<string, unknown>>(
          targetOf(o),
          "POST",
          `/v1/settlement/channels/${id}/${verb}`,
          { amount: o.amount },
        );
        printResult(answer, o, (a: Record<string, unknown>) =>
          verb === "pay" ? `v${a.version} ${a.balanceA}/${a.balanceB}` : human(a as unknown as ChannelAnswer),
        );
      });
  }
  withClientOptions(
    channel
      .command("pay-many <channelId> <amounts...>")
      .description("several payments in one call (1 to 256, in order): each its own co-signed state"),
  ).action(async (id: string, amounts: string[], o: ClientOptions) => {
    const answer = await callAgent<PaymentsAnswer>(targetOf(o), "POST", `/v1/settlement/channels/${id}/payments`, {
      amounts,
    });
    printResult(answer, o, (a: PaymentsAnswer) =>
      a.states
        .map((state, i) => {
          if (state) return `${amounts[i]}: v${state.version} ${state.balanceA}/${state.balanceB}`;
          const error = a.errors.find((e) => e.index === i);
          return `${amounts[i]}: refused ${error?.code ?? ""} ${error?.message ?? ""}`.trimEnd();
        })
        .join("\n"),
    );
  });
  withClientOptions(
    channel
      .command("batch-payment <batchId>")
      .description("home operator: how a confirmed settlement batch was paid through the channel (usage-driven)"),
  ).action(async (batchId: string, o: ClientOptions) => {
    const answer = await callAgent<Record<string, unknown>>(
      targetOf(o),
      "GET",
      `/v1/settlement/batches/${batchId}/channel-payment`,
    );
    printResult(answer, o, (a: Record<string, unknown>) =>
      [`${a.batchId} ${a.status} ${a.amount}`, a.channelId ? `channel ${a.channelId} v${a.version}` : "", a.error ?? ""]
        .filter(Boolean)
        .join(" "),
    );
  });
  withClientOptions(channel.command("close <channelId>").description("close: cooperatively, or --unilateral"))
    .option("--unilateral", "register this agent's newest co-signed state and start the challenge period")
    .action(async (id: string, o: ClientOptions & { unilateral?: boolean }) => {
      const path = `/v1/settlement/channels/${id}/${o.unilateral ? "close-unilateral" : "close"}`;
      printResult(await callAgent<ChannelAnswer>(targetOf(o), "POST", path), o, human);
    });
  for (const [verb, what] of [
    ["settle", "pay out a closing channel once its challenge period has passed"],
    ["resume", "ask to reopen a closing channel (open once both members asked)"],
  ] as const) {
    withClientOptions(channel.command(`${verb} <channelId>`).description(what)).action(
      async (id: string, o: ClientOptions) => {
        const path = `/v1/settlement/channels/${id}/${verb}`;
        printResult(await callAgent<ChannelAnswer>(targetOf(o), "POST", path), o, human);
      },
    );
  }
}

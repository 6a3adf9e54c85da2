// `telco-ledger settlement invoice|dispute|netting ...`: the roaming settlement routes for invoices, disputes and the
// multilateral netting, through a member agent's API.
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult, table } from "../cli/output.ts";

type Row = Record<string, unknown>;
const invoiceLine = (r: Row) =>
  `${r.invoiceId}: ${r.status}, period ${r.period}, amount ${r.amount}` +
  (r.amountDue === null || r.amountDue === undefined ? "" : `, due ${r.amountDue}`) +
  (r.txHash ? ` tx ${r.txHash}` : "");
const disputeLine = (r: Row) => `${r.disputeId}: ${r.status}${r.amount ? ` (amount ${r.amount})` : ""} tx ${r.txHash}`;
const roundLine = (r: Row) =>
  `round ${r.roundId}, period ${r.period}, ${r.invoices} invoices\n${table(r.positions as Row[], ["member", "net", "settled"])}`;
const post = (o: ClientOptions, path: string, body?: unknown) => callAgent<Row>(targetOf(o), "POST", path, body);

function registerInvoiceCommands(settlement: Command): void {
  const invoice = settlement.command("invoice").description("invoices per period and agreement");
  withClientOptions(invoice.command("issue <agreementId>").description("visited: invoice a period's confirmed batches"))
    .requiredOption("--period <n>", "settlement period index from the agreement's validFrom", (v) => Number(v))
    .action(async (id: string, o: ClientOptions & { period: number }) => {
      const path = `/v1/settlement/agreements/${id}/invoices`;
      printResult(await post(o, path, { period: o.period }), o, invoiceLine);
    });
  for (const [verb, what] of [
    ["accept", "home: accept an invoice"],
    ["finalize", "either party: make an invoice final (no open dispute; accepted or window passed)"],
  ] as const) {
    withClientOptions(invoice.command(`${verb} <invoiceId>`).description(what)).action(
      async (id: string, o: ClientOptions) => {
        const r = await post(o, `/v1/settlement/invoices/${id}/${verb}`);
        printResult(r, o, (x: Row) =>
          verb === "accept" ? `${x.invoiceId}: ${x.status} tx ${x.txHash}` : invoiceLine(x),
        );
      },
    );
  }
  withClientOptions(invoice.command("dispute <invoiceId>").description("home: dispute one record, with its proof"))
    .requiredOption("--batch <batchId>", "the batch holding the record")
    .requiredOption("--record <ref>", "the record's ref")
    .requiredOption("--reason <reason>", "Duplicate, OutsideAgreement, WrongRate, MissingData, NotOurSubscriber, Other")
    .action(async (id: string, o: ClientOptions & { batch: string; record: string; reason: string }) => {
      const body = { batchId: o.batch, recordRef: o.record, reason: o.reason };
      printResult(await post(o, `/v1/settlement/invoices/${id}/disputes`, body), o, disputeLine);
    });
  withClientOptions(invoice.command("show <invoiceId>").description("an invoice")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent<Row>(targetOf(o), "GET", `/v1/settlement/invoices/${id}`), o, invoiceLine);
    },
  );
  withClientOptions(invoice.command("list <agreementId>").description("an agreement's invoices")).action(
    async (id: string, o: ClientOptions) => {
      const path = `/v1/settlement/agreements/${id}/invoices`;
      printResult(await callAgentAllItems<Row>(targetOf(o), path), o, (r: { items: Row[] }) =>
        table(r.items, ["invoiceId", "period", "amount", "status", "amountDue"]),
      );
    },
  );
  withClientOptions(invoice.command("disputes <invoiceId>").description("an invoice's disputes")).action(
    async (id: string, o: ClientOptions) => {
      const path = `/v1/settlement/invoices/${id}/disputes`;
      printResult(await callAgentAllItems<Row>(targetOf(o), path), o, (r: { items: Row[] }) =>
        table(r.items, ["disputeId", "reason", "amount", "status", "credit", "byRule"]),
      );
    },
  );
}

function registerDisputeCommands(settlement: Command): void {
  const dispute = settlement.command("dispute").description("disputed records: answered, escalated, credited by rule");
  withClientOptions(dispute.command("answer <disputeId>").description("visited: a credit note, or 0 to uphold"))
    .requiredOption("--credit <minor units>", "credit in minor units (0 upholds the charge)")
    .action(async (id: string, o: ClientOptions & { credit: string }) => {
      printResult(await post(o, `/v1/settlement/disputes/${id}/answer`, { credit: o.credit }), o, disputeLine);
    });
  for (const [verb, what] of [
    ["escalate", "home: escalate an upheld dispute (its amount is held out of settlement)"],
    ["credit-unanswered", "either party: credit by rule a dispute left unanswered for a second window"],
  ] as const) {
    withClientOptions(dispute.command(`${verb} <disputeId>`).description(what)).action(
      async (id: string, o: ClientOptions) => {
        printResult(await post(o, `/v1/settlement/disputes/${id}/${verb}`), o, disputeLine);
      },
    );
  }
}

function registerNettingCommands(settlement: Command): void {
  const netting = settlement.command("netting").description("multilateral netting of final invoices per period");
  withClientOptions(netting.command("open").description("open the period's round over final invoices"))
    .requiredOption("--period <n>", "the round's settlement period", (v) => Number(v))
    .requiredOption("--invoice <invoiceId...>", "final invoices to net (repeat or list)")
    .action(async (o: ClientOptions & { period: number; invoice: string[] }) => {
      const invoiceIds = o.invoice.flatMap((i) => i.split(",")).filter(Boolean);
      printResult(await post(o, "/v1/settlement/netting", { period: o.period, invoiceIds }), o, roundLine);
    });
  withClientOptions(netting.command("show <roundId>").description("a round's net positions")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent<Row>(targetOf(o), "GET", `/v1/settlement/netting/${id}`), o, roundLine);
    },
  );
  for (const [verb, what] of [
    ["pay", "net debtor: pay the whole net position in one transfer of the settlement token"],
    ["claim", "net creditor: claim the whole net position once every debtor paid"],
  ] as const) {
    withClientOptions(netting.command(`${verb} <roundId>`).description(what)).action(
      async (id: string, o: ClientOptions) => {
        printResult(
          await post(o, `/v1/settlement/netting/${id}/${verb}`),
          o,
          (r: Row) => `${verb === "pay" ? "paid" : "claimed"} ${r.amount} tx ${r.txHash}`,
        );
      },
    );
  }
}

/** The report as the agent writes its CSV (callAgent parses JSON only). */
async function csvOf(o: ClientOptions, path: string): Promise<string> {
  const target = targetOf(o);
  const response = await fetch(new URL(path, target.url), { headers: { authorization: `Bearer ${target.apiKey}` } });
  const text = await response.text();
  if (!response.ok) {
    const err = JSON.parse(text) as { code?: string; message?: string };
    throw new CliError(err.message ?? `HTTP ${response.status}`, err.code ?? `HTTP_${response.status}`);
  }
  return text;
}

const reportLine = (r: { totals: Record<string, Row | string | number>; invoice: Row | null }) => {
  const t = r.totals;
  const c = (name: string) => t[name] as Row;
  return [
    `records ${t.records}, amount ${t.amount}, due ${t.due}`,
    `matched ${c("matched").records} (${c("matched").amount}), disputed ${c("disputed").records} (${c("disputed").amount}), ` +
      `adjusted ${c("adjusted").records} (${c("adjusted").amount}, credited ${c("adjusted").credited}), ` +
      `paid by channel ${c("paidByChannel").records} (${c("paidByChannel").amount}), ` +
      `uninvoiced ${c("uninvoiced").records} (${c("uninvoiced").amount}), escalated ${t.escalated}`,
    r.invoice ? `invoice ${r.invoice.invoiceId}: ${r.invoice.status}` : "no invoice",
  ].join("\n");
};

function registerReportCommand(settlement: Command): void {
  withClientOptions(
    settlement
      .command("report <agreementId>")
      .description("a period's reconciliation report: matched, disputed, adjusted and uninvoiced records, totals"),
  )
    .requiredOption("--period <n>", "settlement period index from the agreement's validFrom", (v) => Number(v))
    .option("--csv", "one CSV line per record instead of the report")
    .action(async (id: string, o: ClientOptions & { period: number; csv?: boolean }) => {
      const path = `/v1/settlement/agreements/${id}/periods/${o.period}/report`;
      if (o.csv) process.stdout.write(await csvOf(o, `${path}?format=csv`));
      else printResult(await callAgent(targetOf(o), "GET", path), o, reportLine);
    });
}

export function registerSettlementPeriodCommands(settlement: Command): void {
  registerReportCommand(settlement);
  registerInvoiceCommands(settlement);
  registerDisputeCommands(settlement);
  registerNettingCommands(settlement);
}
